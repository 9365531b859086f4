"""Explicit rewrites from the registry: ``[[services.X.rewrites]] sql = ... call = ...``.

A rewrite's ``sql`` matches a flagged statement when both give the same
canonical text: sqlglot trees with identifiers normalised, comments dropped,
unqualified tables qualified through the calling service's search_path, casts
on placeholders dropped, and every bound value (``:name``, ``%(name)s``,
``%s``, ``?``, ``$1``, an f-string value) replaced by ``:p0``, ``:p1``... in
tree order. The order gives the binding: the rewrite's ``:strategy_id`` at
place 2 takes whatever the call site binds at place 2.
"""

from __future__ import annotations

import ast
import builtins
import re
from dataclasses import dataclass
from typing import Callable, Dict, List, Optional, Tuple

from sqlglot import exp
from sqlglot.optimizer.normalize_identifiers import normalize_identifiers

from boundary_lint.model import HOLE_PREFIX, TableName
from boundary_lint.registry import ConfigError, Registry
from boundary_lint.sql.refs import POSITIONAL_PREFIX, parse_statement
from boundary_lint.codemod import shapes
from boundary_lint.codemod.callsites import Key

_HOLE = re.compile(re.escape(HOLE_PREFIX) + r"(\d+)")
_POSITIONAL = re.compile(re.escape(POSITIONAL_PREFIX) + r"(\d+)")
_VALUE_PARENTS = (exp.Tuple, exp.In, exp.Any, exp.Between, exp.Limit, exp.Offset, exp.Func, exp.Array)


def value_key(node: exp.Expression) -> Optional[Key]:
    """The bound value a node stands for (through casts), or None.

    >>> value_key(parse_statement("SELECT 1 FROM t WHERE a = %s::int").find(exp.Cast))
    ('pos', 0)
    """
    while isinstance(node, (exp.Cast, exp.Paren)):
        node = node.this
    if isinstance(node, exp.Placeholder):
        name = node.name
        match = _POSITIONAL.fullmatch(name)
        if match:
            return ("pos", int(match.group(1)))
        return ("name", name) if name and name != "?" else None
    if isinstance(node, exp.Parameter) and node.name.isdigit():
        return ("dollar", int(node.name))
    if isinstance(node, exp.Column) and not node.table:
        match = _HOLE.fullmatch(node.name)
        if match:
            return ("hole", int(match.group(1)))
    return None


def outermost_value(node: exp.Expression) -> Optional[Key]:
    """``value_key`` for the outermost node of a bound value (a cast or parentheses around
    a placeholder count once, at the top)."""
    key = value_key(node)
    if key is None or (isinstance(node.parent, (exp.Cast, exp.Paren)) and value_key(node.parent) is not None):
        return None
    return key


def runtime_fragments(tree: exp.Expression) -> List[str]:
    """f-string holes standing where no value can (a WHERE clause, a column list...)."""
    found = []
    for column in tree.find_all(exp.Column, exp.Table, exp.Identifier):
        if HOLE_PREFIX not in column.name:
            continue
        if isinstance(column, exp.Column) and value_key(column) is not None and _in_value_position(column):
            continue
        if isinstance(column, exp.Identifier) and isinstance(column.parent, exp.Column):
            continue  # the Column itself is judged
        found.append(column.sql())
    return found


def _in_value_position(node: exp.Expression) -> bool:
    parent = node.parent
    while isinstance(parent, (exp.Cast, exp.Paren)):
        node, parent = parent, parent.parent
    if isinstance(parent, exp.Binary) and not isinstance(parent, exp.Connector):
        return True
    return isinstance(parent, _VALUE_PARENTS)


def canonical(tree: exp.Expression, dialect: str, schema_for: Callable[[str], str]) -> Tuple[str, List[Key]]:
    """The matching text of a statement and the bound value at each ``:pN``.

    >>> canonical(parse_statement("select * from S where ID = %s::int"), "postgres", lambda t: "public")
    ('SELECT * FROM public.s WHERE id = %(p0)s', [('pos', 0)])
    """
    tree = normalize_identifiers(tree.copy(), dialect=dialect)
    for table in tree.find_all(exp.Table):
        if not table.args.get("db") and isinstance(table.this, exp.Identifier) and table.name:
            table.set("db", exp.to_identifier(schema_for(table.name)))
    bound: List[Tuple[exp.Expression, Key]] = []
    for node in tree.walk(bfs=False):
        key = outermost_value(node)
        if key is not None:
            bound.append((node, key))
    keys = []
    for number, (node, key) in enumerate(bound):
        replacement = exp.Placeholder(this=f"p{number}")
        if node is tree:
            tree = replacement
        else:
            node.replace(replacement)
        keys.append(key)
    return tree.sql(dialect=dialect, comments=False), keys


@dataclass(frozen=True)
class ExplicitRewrite:
    """One ``[[services.X.rewrites]]`` entry, parsed and checked."""

    service: str
    number: int
    sql: str
    call: ast.expr  # the call template, placeholders as names
    method: str
    placeholders: Tuple[str, ...]
    returns: Optional[str] = None  # the registry's ``returns``, if it says

    @property
    def where(self) -> str:
        return f"services.{self.service}.rewrites[{self.number}]"


class RewriteIndex:
    """Every explicit rewrite of a registry, looked up by canonical text."""

    def __init__(self, registry: Registry) -> None:
        self.registry = registry
        self.rewrites: List[Tuple[ExplicitRewrite, exp.Expression]] = []
        for name in sorted(registry.services):
            for number, entry in enumerate(registry.services[name].rewrites):
                self.rewrites.append(_load(name, number, entry, registry.settings.dialect))
        self._by_service: Dict[str, Dict[Tuple[str, str], Tuple[ExplicitRewrite, List[Key]]]] = {}

    def method_of(self, owner: str, method: str) -> Optional[ExplicitRewrite]:
        """The owner's explicit rewrite calling ``method``, if any."""
        return next((r for r, _ in self.rewrites if r.service == owner and r.method == method), None)

    def same_name(self, rewrite: ExplicitRewrite) -> Optional[ExplicitRewrite]:
        """Another of the owner's rewrites with the same method name but other SQL."""
        return next((r for r, _ in self.rewrites if r.service == rewrite.service and r.method == rewrite.method
                     and r.number != rewrite.number), None)

    def match(self, owner: str, service: str, text: str) -> Optional[Tuple[ExplicitRewrite, List[Key]]]:
        """The owner's rewrite whose SQL reads like ``text`` (canonical, as ``service`` sees it)."""
        table = self._by_service.get(service)
        if table is None:
            table = self._by_service[service] = {}
            for rewrite, tree in self.rewrites:
                text_, keys = canonical(tree, self.registry.settings.dialect, self._schema_for(service))
                other = table.get((rewrite.service, text_))
                if other is not None:
                    raise ConfigError(f"{_where(self.registry)}: {other[0].where} and {rewrite.where} "
                                      "have the same sql; keep one")
                table[(rewrite.service, text_)] = (rewrite, keys)
        return table.get((owner, text))

    def _schema_for(self, service: str) -> Callable[[str], str]:
        return lambda name: self.registry.resolve(TableName(None, name), service)[0]


def _where(registry: Registry) -> str:
    return str(registry.source) if registry.source else "registry"


def _load(service: str, number: int, entry, dialect: str) -> Tuple[ExplicitRewrite, exp.Expression]:
    where = f"services.{service}.rewrites[{number}]"
    tree = parse_statement(str(entry["sql"]), dialect)
    if tree is None:
        raise ConfigError(f"{where}.sql is not one SQL statement sqlglot can read: {entry['sql']!r}")
    names = []
    for node in tree.walk(bfs=False):
        key = outermost_value(node)
        if key is None:
            continue
        if key[0] != "name":
            raise ConfigError(f"{where}.sql: name every placeholder (:name), so that call can use it")
        names.append(key[1])
    call, method = parse_call_template(str(entry["call"]), where)
    unknown = sorted({n.id for n in ast.walk(call) if isinstance(n, ast.Name)} - set(names) - {method}
                     - set(dir(builtins)))
    if unknown:
        raise ConfigError(f"{where}.call uses {', '.join(unknown)}, not a placeholder of its sql "
                          f"(placeholders: {', '.join(sorted(set(names))) or 'none'})")
    returns = entry.get("returns")
    if returns is not None and returns not in shapes.SHAPES:
        raise ConfigError(f"{where}.returns must be one of {', '.join(repr(s) for s in shapes.SHAPES)}, "
                          f"not {returns!r}")
    return ExplicitRewrite(service, number, str(entry["sql"]), call, method, tuple(names), returns), tree


def parse_call_template(text: str, where: str) -> Tuple[ast.expr, str]:
    """``method(args)`` optionally followed by ``[...]`` or ``.attr``; returns (tree, method)."""
    try:
        tree = ast.parse(text.strip(), mode="eval").body
    except SyntaxError as err:
        raise ConfigError(f"{where}.call is not a Python call: {text!r} ({err.msg})") from None
    call = method_call(tree)
    if call is None:
        raise ConfigError(f"{where}.call must be method(args...), optionally followed by [key] or .attr: {text!r}")
    return tree, call.func.id


def method_call(tree: ast.expr) -> Optional[ast.Call]:
    """The innermost ``name(...)`` call at the root of a template (under any trailers)."""
    node = tree
    while isinstance(node, (ast.Subscript, ast.Attribute)) or (
            isinstance(node, ast.Call) and not isinstance(node.func, ast.Name)):
        node = node.func if isinstance(node, ast.Call) else node.value
    return node if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) else None
