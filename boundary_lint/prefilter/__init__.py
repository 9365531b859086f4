"""The speed layer: cheap text tests that decide which files and lines the checker looks at,
and which function bodies the parse may leave out. Never changes a finding, only skips work.
"""
