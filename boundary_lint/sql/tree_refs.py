"""One parsed statement -> its table references: the only part of the SQL step that needs
sqlglot, imported when a run first parses a statement (one whose every statement is proved
finding-free, :mod:`boundary_lint.rules.statement_filter`, never imports it: ~0.1 s).

Each table of the tree is classified by where it hangs in it (read, write, foreign key, DDL).
"""

from __future__ import annotations

import re
from typing import Callable, Dict, List, Optional, Set, Tuple

import sqlglot
from sqlglot import exp

from boundary_lint.model import HOLE_PREFIX, TEMPORARY_SCHEMA, Operation, TableName
from boundary_lint.sql.scan import Found
from boundary_lint.sql.split import TABLE_KEYWORD_BEFORE


_TABLE_KINDS = frozenset(["TABLE", "VIEW", "MATERIALIZED VIEW", "FOREIGN TABLE"])
_GRANT_KINDS = frozenset([None, "", "TABLE", "VIEW", "FOREIGN TABLE"])
_DDL_PARENTS = (exp.TriggerProperties, exp.OnProperty, exp.PartitionedOfProperty, exp.InheritsProperty)
_NOT_TABLES = (exp.Lock, exp.UserDefinedFunction, exp.AlterRename, exp.Analyze, exp.Opclass)  # gin_trgm_ops
_WITH_KEY = next(k for k in exp.Select.arg_types if k.startswith("with"))  # "with_" since 28
_SCAN_COMMANDS = frozenset("CREATE ALTER DROP COMMENT GRANT REVOKE LOCK REFRESH TRUNCATE COPY".split())
_PLACEHOLDER_TOKEN = re.compile(r"(?<![:\w%])(:[A-Za-z_]\w*|%\(\w+\)s|%s|\$\d+|\?)")
_DIALECTS: Dict[str, object] = {}


def dialect(name: str):
    """sqlglot's dialect ``name``, made once a process (raises for an unknown name)."""
    found = _DIALECTS.get(name)
    if found is None:
        found = _DIALECTS[name] = sqlglot.Dialect.get_or_raise(name)
    return found


def is_command(tree) -> bool:
    """A statement sqlglot read only as an opaque command (``LOCK``, ``REFRESH``...)."""
    return isinstance(tree, exp.Command)


def statement_refs(parser, text: str, masked: str, base: int,
                   scan: Optional[Callable[[], List[Found]]]) -> List[Found]:
    """The table references of ``text`` (one statement, as sqlglot reads it; raises when it
    cannot); an opaque command is scanned (``scan()``) when DDL-ish, and only with ``scan``."""
    found: List[Found] = []
    for tree in parser.parse(text):
        if tree is None:
            continue
        if is_command(tree):  # opaque: only DDL-ish ones are scanned
            if scan is not None and str(tree.this).upper() in _SCAN_COMMANDS:
                found.extend(scan())
        else:
            found.extend(tree_refs(tree, masked, base))
    return found


def _classify(table: exp.Table) -> Optional[Operation]:
    """What the statement does to ``table``, judged by the node it hangs from."""
    node, parent = table, table.parent
    if isinstance(parent, exp.Schema) and node.arg_key == "this":  # t (col, ...)
        node, parent = parent, parent.parent
    key = node.arg_key
    if parent is None or isinstance(parent, _NOT_TABLES):
        return None
    if isinstance(parent, (exp.From, exp.Join)):
        return Operation.READ
    if isinstance(parent, exp.Reference):
        return Operation.FK
    if isinstance(parent, (exp.Insert, exp.Update, exp.Delete, exp.Merge)):
        return Operation.WRITE if key in ("this", "tables") else Operation.READ
    if isinstance(parent, (exp.TruncateTable, exp.Into)):
        return Operation.WRITE
    if isinstance(parent, exp.Copy):
        return Operation.WRITE if parent.args.get("kind") else Operation.READ  # kind: FROM
    if isinstance(parent, exp.Index):
        return Operation.DDL if isinstance(parent.parent, exp.Create) else None
    if isinstance(parent, _DDL_PARENTS):
        return Operation.DDL
    if isinstance(parent, exp.LikeProperty):
        return Operation.READ
    if isinstance(parent, exp.Drop):
        if isinstance(parent.parent, exp.Alter):  # DROP CONSTRAINT / COLUMN inside ALTER
            return None
        return Operation.DDL if _kind(parent) in _TABLE_KINDS else None
    if isinstance(parent, (exp.Create, exp.Alter, exp.Comment)):
        return Operation.DDL if _kind(parent) in _TABLE_KINDS else None
    if isinstance(parent, (exp.Grant, exp.Revoke)):
        return Operation.DDL if _kind(parent) in _GRANT_KINDS else None
    return Operation.READ


def _creates_temporary(table: exp.Table) -> bool:
    """``CREATE TEMP TABLE t`` / ``SELECT ... INTO TEMP t``: ``t`` is the session's own
    (PostgreSQL puts it in ``pg_temp``), whatever the search path says."""
    node, parent = table, table.parent
    if isinstance(parent, exp.Schema) and node.arg_key == "this":
        node, parent = parent, parent.parent
    if isinstance(parent, exp.Into):
        return bool(parent.args.get("temporary"))
    if not isinstance(parent, exp.Create) or node.arg_key != "this":
        return False
    properties = parent.args.get("properties")
    return properties is not None and any(isinstance(p, exp.TemporaryProperty) for p in properties.expressions)


def _kind(node: exp.Expression) -> Optional[str]:
    kind = node.args.get("kind")
    return kind.upper() if isinstance(kind, str) else None


def _norm(ident: exp.Expression) -> Tuple[str, bool]:
    """(text, dynamic) of a name part: lower-cased unless quoted."""
    text = ident.name
    if not (isinstance(ident, exp.Identifier) and ident.quoted):
        text = text.lower()
    return text, HOLE_PREFIX in text.lower()


def _start(ident: exp.Expression) -> Optional[int]:
    return ident.meta.get("start") if isinstance(ident, exp.Identifier) else None


def _cte_names(table: exp.Table) -> Set[str]:
    """Names of the CTEs visible where ``table`` stands (earlier siblings only,
    unless RECURSIVE; a CTE's own body sees the real table of its name)."""
    names: Set[str] = set()
    prev, cur, seen_with = table, table.parent, None
    while cur is not None:
        if isinstance(cur, exp.With):
            ctes = cur.expressions
            if not cur.recursive:
                idx = next((i for i, c in enumerate(ctes) if c is prev), len(ctes))
                ctes = ctes[:idx]
            names.update(_norm(c.args["alias"].this)[0] for c in ctes if c.args.get("alias"))
            seen_with = cur
        else:
            w = cur.args.get(_WITH_KEY)
            if isinstance(w, exp.With) and w is not seen_with:
                names.update(_norm(c.args["alias"].this)[0] for c in w.expressions if c.args.get("alias"))
        prev, cur = cur, cur.parent
    return names


def _collect(tree: exp.Expression) -> Tuple[List[exp.Table], bool]:
    """All exp.Table nodes (pre-order) and whether there is a WITH: one pass over
    the args, ~30% cheaper than ``Expression.walk``."""
    tables: List[exp.Table] = []
    has_with = False
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, exp.Table):
            tables.append(node)
        elif isinstance(node, exp.With):
            has_with = True
        children = []
        for value in node.args.values():
            if isinstance(value, exp.Expression):
                children.append(value)
            elif type(value) is list:
                children.extend(v for v in value if isinstance(v, exp.Expression))
        children.reverse()
        stack.extend(children)
    return tables, has_with


def tree_refs(tree: exp.Expression, masked: str, base: int) -> List[Found]:
    """Table references of one parsed statement; offsets are ``base`` + meta offsets."""
    if isinstance(tree, exp.Alter) and tree.actions and all(
            isinstance(a, exp.Drop) and _kind(a) == "CONSTRAINT" for a in tree.actions):
        return []  # dropping a (cross-service) foreign key is the fix
    if isinstance(tree, exp.Comment) and isinstance(tree.this, exp.Column):
        parts = tree.this.parts[:-1]  # COMMENT ON COLUMN s.t.c: the table is s.t
        if not parts or _start(parts[0]) is None:
            return []
        name, name_dyn = _norm(parts[-1])
        schema, schema_dyn = _norm(parts[-2]) if len(parts) > 1 else (None, False)
        return [(base + _start(parts[0]), TableName(schema, name, schema_dyn, name_dyn), Operation.DDL)]
    tables, has_with = _collect(tree)
    found: List[Found] = []
    placeholders = None
    for table in tables:
        this = table.this
        if not isinstance(this, (exp.Identifier, exp.Placeholder, exp.Parameter)):
            continue  # CREATE SCHEMA s (no name), FROM f(x) (a function)
        op = _classify(table)
        if op is None or _placeholder_alias(table):
            continue
        parts = table.parts
        db = parts[-2] if len(parts) > 1 else None
        if isinstance(this, exp.Identifier):
            name, name_dyn = _norm(this)
        else:
            if placeholders is None:
                placeholders = _placeholder_offsets(masked)
            name, name_dyn = _placeholder(this, placeholders, masked), True
        schema, schema_dyn = _norm(db) if db is not None else (None, False)
        if has_with and schema is None and not name_dyn and name in _cte_names(table):
            continue
        if schema is None and _creates_temporary(table):
            schema = TEMPORARY_SCHEMA
        start = _start(parts[0])
        if start is None:
            start = this.meta.get("bl_offset", 0)
        found.append((base + start, TableName(schema, name, schema_dyn, name_dyn), op))
    return found


def _placeholder_alias(table: exp.Table) -> bool:
    """``FROM system:keyspaces`` (N1QL) reads as table ``system`` aliased by a bind
    parameter, which no SQL has: not a table."""
    alias = table.args.get("alias")
    return alias is not None and isinstance(alias.this, exp.Placeholder)


def _placeholder_offsets(masked: str) -> List[List]:
    """[offset, token, in table position, used] for each bind parameter in the text."""
    return [[p.start(), p.group(), bool(TABLE_KEYWORD_BEFORE.search(masked, max(0, p.start() - 20), p.start())),
             False] for p in _PLACEHOLDER_TOKEN.finditer(masked)]


def _placeholder_key(token: str) -> str:
    if token.startswith(":"):
        return token[1:]
    if token.startswith("%("):
        return token[2:-2]
    return token if token.startswith("$") else ""


def _placeholder(node: exp.Expression, candidates: List[List], masked: str) -> str:
    """The written text of a bind parameter in table position; records its offset
    in ``node.meta`` (sqlglot keeps none for placeholders)."""
    if isinstance(node, exp.Parameter):
        key = "$" + node.name
    else:  # %s and ? have no name (sqlglot says "?")
        key = node.name if isinstance(node.this, (str, exp.Identifier)) else ""
    for want_table_pos in (True, False):
        for c in candidates:
            if not c[3] and c[2] >= want_table_pos and _placeholder_key(c[1]) == key:
                c[3] = True
                node.meta["bl_offset"] = c[0]
                return c[1]
    return node.sql()
