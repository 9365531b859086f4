"""The Language Server: pygls wiring only; what it says comes from :mod:`.checking`,
:mod:`.diagnostics` and :mod:`.actions`.

A buffer is checked on open and save, and after a pause in typing (``debounce``
seconds, 0.3 by default, set in ``initializationOptions``); a saved or changed
registry file reloads the registry and checks every open buffer again. Input
that is no JSON-RPC is answered with the protocol's error (id null) and the server
goes on; pygls answers unknown requests with MethodNotFound.
"""

from __future__ import annotations

import asyncio
import json
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, Optional

from lsprotocol import types
from lsprotocol.converters import get_converter
from pygls.exceptions import JsonRpcException
from pygls.lsp.server import LanguageServer
from pygls.uris import from_fs_path, to_fs_path

from boundary_lint import __version__
from boundary_lint.languages import PYTHON_SUFFIXES
from boundary_lint.lsp import actions
from boundary_lint.lsp.checking import CHECKED_SUFFIXES, Loaded, Registries, check_text, display_path, take_models
from boundary_lint.lsp.diagnostics import diagnostics, registry_diagnostic, rules_page

PARSE_ERROR, INVALID_REQUEST = -32700, -32600
REGISTRY_NAMES = ("boundaries.toml", "pyproject.toml")
_CONVERTER = get_converter()


@dataclass
class Buffer:
    """An open document as last checked: its diagnostics, and ``fix``'s rewrite once asked for."""

    text: str
    path: Path
    loaded: Loaded
    service: Optional[str]
    found: list
    offer: object = field(default=None)
    offered: bool = False

    def fix_offer(self):
        if not self.offered and self.service is not None and self.path.suffix in PYTHON_SUFFIXES:
            try:
                self.offer = actions.fix_offer(self.text, self.path, display_path(self.path),
                                               self.loaded.registry, self.service)
            except ImportError:  # libcst missing: only the suppression is offered
                self.offer = None
        self.offered = True
        return self.offer


class BoundaryServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__("boundary-lint", __version__)
        self.registries = Registries()
        self.rules = rules_page()
        self.debounce = 0.3
        self.pending: Dict[str, asyncio.TimerHandle] = {}
        self.broken: set = set()  # registry files with a diagnostic on them
        self.buffers: Dict[str, Buffer] = {}
        self.models_changed = False  # set when a buffer checked changed the model index

    def report_server_error(self, error: Exception, source) -> None:
        """A message that is no JSON-RPC gets the protocol's error response, not a pop-up."""
        if source is JsonRpcException:
            code = PARSE_ERROR if isinstance(error, json.JSONDecodeError) else INVALID_REQUEST
            text = "Parse error" if code == PARSE_ERROR else "Invalid Request"
            answer = {"code": code, "message": f"{text}: {error}"}
            self.protocol._send_data({"jsonrpc": "2.0", "id": None, "error": answer})
            return
        super().report_server_error(error, source)

    # -- checking ---------------------------------------------------------

    def buffer(self, uri: str) -> Optional[Buffer]:
        """The open document checked, kept while its text and its registry stay the same
        (hover and code actions reuse it); None for a file type the checker does not read."""
        path_text = to_fs_path(uri)
        if path_text is None or not path_text.endswith(CHECKED_SUFFIXES):
            return None
        document = self.workspace.get_text_document(uri)
        path = Path(path_text)
        loaded = self.registries.for_file(path)
        self.show_registry(loaded)
        known = self.buffers.get(uri)
        if known is not None and known.text == document.source and known.loaded is loaded:
            return known
        service = loaded.registry.service_for_path(path) if loaded.registry is not None else None
        found = []
        if loaded.registry is not None and take_models(document.source, path, loaded.registry):
            self.models_changed = True
        if service is not None:
            result = check_text(document.source, path, loaded.registry, service)
            found = diagnostics(result, document.source, self.rules)
        self.buffers[uri] = Buffer(document.source, path, loaded, service, found)
        return self.buffers[uri]

    def check(self, uri: str) -> None:
        self.pending.pop(uri, None)
        self.models_changed = False
        checked = self.buffer(uri)
        if checked is not None:
            self.publish(uri, checked.found, self.workspace.get_text_document(uri).version)
        if self.models_changed:  # a model edited here: the other open files' findings may change
            self.models_changed = False
            for other in [u for u in self.workspace.text_documents if u != uri]:
                self.buffers.pop(other, None)
                self.check(other)

    def publish(self, uri: str, found, version: Optional[int] = None) -> None:
        items = [_CONVERTER.structure(d, types.Diagnostic) for d in found]
        self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri, items, version))

    def show_registry(self, loaded) -> None:
        """One diagnostic on a registry that cannot be loaded; none once it loads again."""
        if loaded.path is None:
            return
        uri = from_fs_path(str(loaded.path))
        if loaded.error:
            try:
                text = loaded.path.read_text(encoding="utf-8", errors="replace")
            except OSError:
                text = ""
            self.publish(uri, [registry_diagnostic(loaded.error, text)])
            self.broken.add(uri)
        elif uri in self.broken:
            self.broken.discard(uri)
            self.publish(uri, [])

    def check_later(self, uri: str) -> None:
        waiting = self.pending.pop(uri, None)
        if waiting is not None:
            waiting.cancel()
        self.pending[uri] = asyncio.get_running_loop().call_later(self.debounce, self.check, uri)

    def is_registry(self, uri: str) -> bool:
        path = to_fs_path(uri) or ""
        return Path(path).name in REGISTRY_NAMES or Path(path).resolve() in self.registries.paths()

    def check_all(self) -> None:
        self.buffers.clear()
        for uri in list(self.workspace.text_documents):
            self.check(uri)


server = BoundaryServer()


@server.feature(types.INITIALIZE)
def _initialize(ls: BoundaryServer, params: types.InitializeParams) -> None:
    options = params.initialization_options if isinstance(params.initialization_options, dict) else {}
    ls.registries = Registries(options.get("config"))
    ls.rules = rules_page(options.get("rulesUrl"))
    if isinstance(options.get("debounce"), (int, float)) and options["debounce"] >= 0:
        ls.debounce = float(options["debounce"])


@server.feature(types.TEXT_DOCUMENT_DID_OPEN)
def _did_open(ls: BoundaryServer, params: types.DidOpenTextDocumentParams) -> None:
    ls.check(params.text_document.uri)


@server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
def _did_change(ls: BoundaryServer, params: types.DidChangeTextDocumentParams) -> None:
    ls.check_later(params.text_document.uri)


@server.feature(types.TEXT_DOCUMENT_DID_SAVE)
def _did_save(ls: BoundaryServer, params: types.DidSaveTextDocumentParams) -> None:
    if ls.is_registry(params.text_document.uri):
        ls.check_all()
    else:
        ls.check(params.text_document.uri)


@server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
def _did_close(ls: BoundaryServer, params: types.DidCloseTextDocumentParams) -> None:
    waiting = ls.pending.pop(params.text_document.uri, None)
    if waiting is not None:
        waiting.cancel()
    if not ls.is_registry(params.text_document.uri):
        ls.publish(params.text_document.uri, [])


@server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
def _watched(ls: BoundaryServer, params: types.DidChangeWatchedFilesParams) -> None:
    if any(ls.is_registry(change.uri) for change in params.changes):
        ls.check_all()


@server.feature(types.TEXT_DOCUMENT_HOVER)
def _hover(ls: BoundaryServer, params: types.HoverParams) -> Optional[types.Hover]:
    checked = ls.buffer(params.text_document.uri)
    for found in checked.found if checked is not None else ():
        start, end = found["range"]["start"], found["range"]["end"]
        if "data" in found and start["line"] == params.position.line and \
                start["character"] <= params.position.character <= end["character"]:
            text = actions.hover_markdown(found["data"], checked.loaded.registry, checked.loaded.path.name)
            return types.Hover(types.MarkupContent(types.MarkupKind.Markdown, text),
                               _CONVERTER.structure(found["range"], types.Range))
    return None


@server.feature(types.TEXT_DOCUMENT_CODE_ACTION,
                types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix]))
def _code_action(ls: BoundaryServer, params: types.CodeActionParams):
    uri = params.text_document.uri
    flagged = [(d, d.data) for d in params.context.diagnostics
               if d.source == "boundary-lint" and isinstance(d.data, dict) and d.data.get("code")]
    checked = ls.buffer(uri) if flagged else None
    if checked is None:
        return []
    offer = checked.fix_offer()
    is_python = checked.path.suffix in PYTHON_SUFFIXES
    out = []
    for diagnostic, data in flagged:
        call = offer.covers(data["line"], data["column"], data["code"]) if offer else None
        if call is not None:
            edits = actions.text_edits(checked.text, offer.new_text)
            others = len(offer.calls) - 1
            more = f", and {others} more call{'s' if others != 1 else ''} in this file" if others else ""
            out.append(_action(f"Rewrite with {data['owner']}'s client: {call} (boundary-lint fix{more})", uri,
                               edits, diagnostic, preferred=True))
        edit = actions.suppress_edit(checked.text, data["code"], data["line"], is_python)
        out.append(_action(f"Suppress {data['code']} with a reason (boundary: allow)", uri, [edit], diagnostic))
    return out


def _action(title: str, uri: str, edits, diagnostic, preferred: bool = False) -> types.CodeAction:
    changes = {uri: [_CONVERTER.structure(e, types.TextEdit) for e in edits]}
    return types.CodeAction(title=title, kind=types.CodeActionKind.QuickFix, diagnostics=[diagnostic],
                            edit=types.WorkspaceEdit(changes=changes), is_preferred=preferred or None)


def main() -> int:
    """``boundary-lint server``: speak LSP on stdin/stdout until the client says exit."""
    logging.basicConfig(level=logging.WARNING, format="boundary-lint server: %(message)s")
    server.start_io()
    return 0
