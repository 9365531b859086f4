"""One flagged statement -> the client method that replaces it: explicit rewrite first,
else the conventional method. This is the planning parse: one sqlglot parse per
flagged call site, on top of the checker's own."""

from __future__ import annotations

import ast
import copy
from dataclasses import dataclass
from typing import Dict, List, Optional, Tuple

from sqlglot import exp

from boundary_lint.model import TableName
from boundary_lint.registry import Registry
from boundary_lint.sql.refs import parse_statement
from boundary_lint.codemod import reasons
from boundary_lint.codemod.callsites import Key
from boundary_lint.codemod.derive import derive
from boundary_lint.codemod import shapes
from boundary_lint.codemod.rewrites import ExplicitRewrite, RewriteIndex, canonical, method_call, runtime_fragments


@dataclass(frozen=True)
class Resolved:
    method: str
    keys: Tuple[Key, ...]  # the bound values the call passes, each once, in call order
    parameters: Tuple[str, ...]  # the method's parameters as the contract lists them
    explicit: bool
    call: ast.expr  # the call, with names standing for bound values
    names: Tuple[Tuple[str, Key], ...]  # name in ``call`` -> bound value
    shape: Optional[str] = None  # what the method returns, when known (derived: always)
    verb: str = ""  # select, insert, upsert, update, delete
    table: str = ""  # schema.table
    fields: Optional[Tuple[str, ...]] = None  # the row's keys (projection or RETURNING); None for *
    rewrite: Optional[ExplicitRewrite] = None

    @property
    def trailer(self) -> str:
        """What the template reads from the method's answer (``['strategy_id']``), if anything."""
        whole, call = ast.unparse(self.call), ast.unparse(method_call(self.call))
        return whole[len(call):] if whole.startswith(call) else ""

    def template(self, arguments: Dict[Key, str]) -> ast.expr:
        """The call with each bound value's name replaced by ``arguments[key]``."""
        renames = {name: arguments[key] for name, key in self.names}

        class Rename(ast.NodeTransformer):
            def visit_Name(self, node: ast.Name) -> ast.Name:
                return ast.Name(renames.get(node.id, node.id), ast.Load())

        return Rename().visit(copy.deepcopy(self.call))


def resolve_statement(text: str, registry: Registry, index: RewriteIndex, owner: str, service: str,
                      read: str = shapes.ROWS) -> Resolved:
    """Match ``text`` against the owner's explicit rewrites, else derive the method for a
    statement read as ``read``; or raise Refused."""
    dialect = registry.settings.dialect
    tree = parse_statement(text, dialect)
    if tree is None:
        raise reasons.Refused(reasons.UNPARSABLE)
    fragments = runtime_fragments(tree)
    if fragments:
        raise reasons.Refused(reasons.RUNTIME_FRAGMENT, fragments[0])
    schema_for = lambda name: registry.resolve(TableName(None, name), service)[0]  # noqa: E731
    written, keys = canonical(tree, dialect, schema_for)
    found = index.match(owner, service, written)
    table = _qualified(tree, schema_for)
    if found is not None:
        bound = _bind_names(found[1], keys)
        if bound is not None:
            rewrite = found[0]
            twin = index.same_name(rewrite)
            if twin is not None:
                raise reasons.Refused(reasons.METHOD_NAMES_TWO, f"{rewrite.method}: {twin.where} and {rewrite.where}")
            call = method_call(rewrite.call)
            used = [n.id for n in ast.walk(rewrite.call) if isinstance(n, ast.Name) and n.id in bound]
            return Resolved(rewrite.method, tuple(dict.fromkeys(bound[n] for n in used)),
                            tuple(ast.unparse(a) for a in call.args) + tuple(
                                f"{k.arg}={ast.unparse(k.value)}" for k in call.keywords),
                            True, rewrite.call, tuple((n, bound[n]) for n in dict.fromkeys(used)),
                            shape=rewrite.returns, verb=_verb(tree), table=table, fields=row_fields(tree),
                            rewrite=rewrite)
    derived = derive(tree, text, dialect, shape=read)
    taken = index.method_of(owner, derived.method)
    if taken is not None:
        raise reasons.Refused(reasons.METHOD_NAME_TAKEN, f"{derived.method}: {taken.where}")
    shape = derived.shape if derived.verb == "select" or derived.fields else shapes.COUNT
    return Resolved(derived.method, tuple(dict.fromkeys(k for _, k in derived.names)), derived.parameters,
                    False, derived.call, derived.names, shape=shape, verb=derived.verb, table=table,
                    fields=derived.fields)


def row_fields(tree: exp.Expression) -> Optional[Tuple[str, ...]]:
    """The names a row of the statement has, in order: the projection (or RETURNING);
    None when a ``*`` or an unnamed expression leaves them unknown."""
    projection = tree.expressions if isinstance(tree, exp.Select) else (
        tree.args["returning"].expressions if tree.args.get("returning") is not None else [])
    names = []
    for item in projection:
        if isinstance(item, exp.Star) or (isinstance(item, exp.Column) and isinstance(item.this, exp.Star)):
            return None
        name = item.alias_or_name
        if not name:
            return None
        names.append(name if isinstance(item, exp.Alias) and item.args["alias"].quoted else name.lower()
                     if not (isinstance(item, exp.Column) and item.this.quoted) else name)
    return tuple(names) or None


def _verb(tree: exp.Expression) -> str:
    if isinstance(tree, exp.Insert):
        return "upsert" if tree.args.get("conflict") is not None else "insert"
    return {exp.Update: "update", exp.Delete: "delete"}.get(type(tree), "select")


def _qualified(tree: exp.Expression, schema_for) -> str:
    table = next(tree.find_all(exp.Table), None)
    if table is None:
        return ""
    schema = table.db or schema_for(table.name)
    return f"{schema}.{table.name}".lower()


def _bind_names(rewrite_keys: List[Key], site_keys: List[Key]) -> Dict[str, Key]:
    """Placeholder name in the rewrite -> the call site's bound value at the same place;
    None when one name would take two different values."""
    bound: Dict[str, Key] = {}
    for (_, name), key in zip(rewrite_keys, site_keys):
        if bound.setdefault(name, key) != key:
            return None
    return bound
