"""``boundary-lint fix``: rewrite flagged SQL into calls on the owning service's client.

The flow reuses the checker: findings (``pipeline``) -> a plan per call site on
the stdlib ``ast`` (``callsites``, ``usage``, ``statement`` with ``rewrites`` and
``derive``, ``plan``, ``leftovers``) -> libcst applies it (``transform``) ->
``apply`` drives files (diff, atomic writes, idempotence) -> ``contract`` and
``report`` say what was done. libcst is imported only by ``transform`` and only
when a file has something to rewrite; ``boundary-lint check`` never imports it.
"""
