"""What the editor offers on a finding: the hover text, "suppress with reason", and the
rewrite ``fix`` would make of the file (its own plan and transform, through
:func:`boundary_lint.codemod.apply.fix_text`; libcst is imported only when asked).
"""

from __future__ import annotations

import difflib
import io
import tokenize
from dataclasses import dataclass
from pathlib import Path
from typing import List, Optional, Tuple

from boundary_lint.codes import RULES
from boundary_lint.registry import Registry
from boundary_lint.lsp.diagnostics import utf16

REASON_PLACEHOLDER = "TODO: say why this crossing is accepted"
_VERBS = {"read": "reads", "write": "writes", "fk": "has a foreign key to", "ddl": "changes the schema of",
          "map": "maps an ORM model onto", "statement": "joins, in one statement,"}


def comment_line(text: str, line: int, is_python: bool) -> int:
    """The line a suppression comment for a finding on ``line`` goes at the end of: in Python
    the last line of its logical line (a comment there covers a multi-line string's lines)."""
    if not is_python:
        return line
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            if token.type == tokenize.NEWLINE and token.start[0] >= line:
                return token.start[0]
    except (tokenize.TokenError, SyntaxError, IndentationError):
        pass
    return line


def suppress_edit(text: str, code: str, line: int, is_python: bool) -> dict:
    """A TextEdit appending ``# boundary: allow CODE -- reason`` (``--`` in SQL) to the line."""
    number = comment_line(text, line, is_python)
    lines = text.splitlines()
    current = lines[number - 1] if 0 < number <= len(lines) else ""
    marker = "#" if is_python else "--"
    end = {"line": number - 1, "character": utf16(current, len(current))}
    return {"range": {"start": end, "end": end},
            "newText": f"  {marker} boundary: allow {code} -- {REASON_PLACEHOLDER}"}


def text_edits(old: str, new: str) -> List[dict]:
    """The smallest line-range TextEdits turning ``old`` into ``new``."""
    from boundary_lint.codemod.apply import file_lines

    before, after = file_lines(old), file_lines(new)
    edits = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, before, after, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        edits.append({"range": {"start": _line_start(before, i1), "end": _line_start(before, i2)},
                      "newText": "".join(after[j1:j2])})
    return edits


def _line_start(lines: List[str], index: int) -> dict:
    if index < len(lines) or not lines or lines[-1].endswith("\n"):
        return {"line": index, "character": 0}
    return {"line": index - 1, "character": utf16(lines[-1], len(lines[-1]))}


@dataclass(frozen=True)
class FixOffer:
    """``fix``'s rewrite of a whole file: its new text, and per rewritten call the line
    and column of the findings it removes and the client call it writes."""

    new_text: str
    calls: Tuple[Tuple[Tuple[Tuple[int, int, str], ...], str], ...]

    def covers(self, line: int, column: int, code: str) -> Optional[str]:
        for places, call in self.calls:
            if (line, column, code) in places:
                return call
        return None


def fix_offer(text: str, path: Path, display: str, registry: Registry, service: str) -> Optional[FixOffer]:
    """What ``boundary-lint fix`` would make of this text, or None when it changes nothing."""
    from boundary_lint.codemod.apply import FixRun, RunFiles, fix_text
    from boundary_lint.codemod.plan import Planner

    files = RunFiles([(path, display)], registry)
    files.current = path
    planner = Planner(registry, clients=files.clients, exported=files.mentioned_elsewhere)
    new_text, outcome = fix_text(text, display, registry, service, planner, FixRun())
    if new_text == text or not outcome.rewrites:
        return None
    calls = tuple((tuple((f.line, f.column, f.code) for f in r.findings), r.call) for r in outcome.rewrites)
    return FixOffer(new_text, calls)


def hover_markdown(data: dict, registry: Registry, registry_name: str) -> str:
    """Who owns the table, what this code does to it, and how to get access the owner's way."""
    from boundary_lint.codemod.calls import client_specs

    code, table, owner, service = data["code"], data["table"], data["owner"], data["service"]
    rule = RULES[code]
    verb = _VERBS.get(data.get("operation", ""), "uses")
    if owner:
        head = f"**{table}** is owned by **{owner}**; {service} {verb} it here ({code}, {rule.title})."
    else:
        head = f"**{table}**: {rule.title} ({code}); {service} {verb} it here."
    lines = [head, "", f"**How to get access.** {rule.fix}"]
    body = registry.services.get(owner)
    specs = client_specs(body) if body is not None else ()
    if specs:
        names = ", ".join(f"`{s.module}.{s.factory}()`" for s in specs)
        lines.append(f"{owner}'s client: {names} (`boundary-lint fix` rewrites the calls it can).")
    if data.get("operation") == "read" and owner:
        granted = registry.services[service].may_read if service in registry.services else ()
        lines.append(f"A read {owner} allows (a view it publishes) goes under `may_read` of `{service}` in "
                     f"{registry_name}" + (f" (today: {', '.join(f'`{g}`' for g in granted)})." if granted else "."))
    return "\n".join(lines)
