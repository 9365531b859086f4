"""``boundary-lint server``: a Language Server over stdio (pygls, ``pip install 'boundary-lint[lsp]'``).

:mod:`.checking` runs ``check``'s pipeline on an editor's buffer, :mod:`.diagnostics`
and :mod:`.actions` turn its findings into LSP values, :mod:`.server` speaks the protocol.
"""
