"""Prisma schemas (``schema.prisma``) -> ORM mappings and foreign keys.

A ``model`` (or ``view``) maps a table: ``@@map("name")``, else the model's own name, in
``@@schema("name")`` (Prisma multiSchema), else the connection's schema (left unqualified:
the service's search_path decides). Prisma quotes every name, so case is kept. A mapping
of another service's table is BND106, at the table name (the ``@@map`` string, else the
model name); a relation field with ``@relation(fields: ...)`` is a foreign key to its
model's table (BND102 when another service owns it), at the field's type. A schema file is
declarations only: read by a small lexer (no grammar package exists for it), comments
(``//``) left out and kept for suppressions (``// boundary: allow BND106 -- ...``).
"""

from __future__ import annotations

import bisect
import re
from typing import Dict, List, Tuple

from boundary_lint.model import Position, Reference, SqlSite
from boundary_lint.sites.host_mappings import Entity, entity_table, mapping_reference, relation_reference

_TOKENS = re.compile(r'"(?:[^"\\\n]|\\.)*"|//[^\n]*')
_BLOCK = re.compile(r"^[ \t]*(model|view)[ \t]+([A-Za-z_][A-Za-z0-9_]*)[ \t]*\{", re.MULTILINE)
_ATTRIBUTE = re.compile(r'@@(map|schema)\s*\(\s*(?:name\s*:\s*)?"((?:[^"\\\n]|\\.)*)"')
_FIELD = re.compile(r"^[ \t]*([A-Za-z_][A-Za-z0-9_]*)[ \t]+([A-Za-z_][A-Za-z0-9_]*)(\[\])?\??(.*)$", re.MULTILINE)


def blank_comments(text: str) -> Tuple[str, List[Tuple[int, str]]]:
    """The text with ``//`` comments blanked (offsets kept), and the comments by line."""
    out = list(text)
    comments = []
    for match in _TOKENS.finditer(text):
        if match.group().startswith("//"):
            comments.append((text.count("\n", 0, match.start()) + 1, match.group()))
            out[match.start():match.end()] = " " * (match.end() - match.start())
    return "".join(out), comments


class _Lines:
    """Offsets -> 1-based line and character column."""

    def __init__(self, text: str) -> None:
        self.starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def at(self, offset: int) -> Position:
        index = bisect.bisect_right(self.starts, offset) - 1
        return Position(index + 1, offset - self.starts[index] + 1)


def blocks(text: str) -> List[Tuple[str, int, int, int]]:
    """``(model name, name offset, body start, body end)`` of each model and view."""
    out = []
    for match in _BLOCK.finditer(text):
        end = text.find("}", match.end())
        out.append((match.group(2), match.start(2), match.end(), len(text) if end < 0 else end))
    return out


def find(text: str, path: str = "") -> Tuple[List[SqlSite], List[Reference], List[Tuple[int, str]]]:
    """The schema's mappings and relations (no SQL site), and its comments."""
    plain, comments = blank_comments(text)
    lines = _Lines(text)
    entities: Dict[str, Entity] = {}
    bodies = {}
    for name, name_at, start, end in blocks(plain):
        body = plain[start:end]
        values = {m.group(1): (m.group(2), start + m.start(2)) for m in _ATTRIBUTE.finditer(body)}
        table, table_at = values.get("map", (name, name_at))
        schema = values.get("schema", (None, 0))[0]
        line = lines.at(name_at).line
        entities[name] = Entity(name, entity_table(schema, table, fold=False), lines.at(table_at), line,
                                plain[name_at:end])
        bodies[name] = (start, body)
    refs: List[Reference] = []
    for index, entity in enumerate(entities.values()):
        refs.append(mapping_reference(entity, index))
    construct = len(refs)
    for name, (start, body) in bodies.items():
        for field in _FIELD.finditer(body):
            target = entities.get(field.group(2))
            if target is None or field.group(3) or "@relation" not in field.group(4) or \
                    "fields" not in field.group(4):
                continue
            where = lines.at(start + field.start(2))
            refs.append(relation_reference(entities[name], target, where, where.line, field.group(), construct))
            construct += 1
    return [], refs, comments
