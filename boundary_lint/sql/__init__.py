"""Stage 2 of the pipeline: SQL text -> table references (sqlglot, with a token scan where it
cannot read the text).
"""
