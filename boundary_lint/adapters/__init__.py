"""The edges of a run: files, the registry file, the results cache, the process pool, git, progress,
psycopg, and each subcommand's arguments and output (``adapters/commands``). Everything that
touches the world lives here; the folders beside it stay pure.
"""
