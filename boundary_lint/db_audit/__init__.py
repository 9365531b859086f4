"""``db-audit``: a live catalog snapshot + the registry -> findings (pure; the psycopg reader is in
:mod:`boundary_lint.adapters.db_catalog`).
"""
