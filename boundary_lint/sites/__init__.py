"""Stage 1 of the pipeline: source -> sites. SQL strings in Python (with their composition), ``.sql``
files, and ORM and migration constructs read straight from the ``ast``.
"""
