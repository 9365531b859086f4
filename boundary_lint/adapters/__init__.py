"""The edges of a run: files, the registry file, the results cache, the process pool, git, progress,
psycopg. Everything that touches the world lives here (and in the faces and ``commands/``); the
folders beside it stay pure.
"""
