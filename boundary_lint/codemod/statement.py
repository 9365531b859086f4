"""One flagged statement -> the client method that replaces it: explicit rewrite first,
else the conventional method. This is the planning parse: one sqlglot parse per
flagged call site, on top of the checker's own."""

from __future__ import annotations

import ast
import copy
from dataclasses import dataclass
from typing import Dict, List, Tuple

from ..model import TableName
from ..registry import Registry
from ..sql_refs import parse_statement
from . import reasons
from .callsites import Key
from .derive import derive
from .rewrites import RewriteIndex, canonical, method_call, runtime_fragments


@dataclass(frozen=True)
class Resolved:
    method: str
    keys: Tuple[Key, ...]  # the bound values the call passes, each once, in call order
    parameters: Tuple[str, ...]  # the method's parameters as the contract lists them
    explicit: bool
    call: ast.expr  # the call, with names standing for bound values
    names: Tuple[Tuple[str, Key], ...]  # name in ``call`` -> bound value

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


def resolve_statement(text: str, registry: Registry, index: RewriteIndex, owner: str, service: str) -> Resolved:
    """Match ``text`` against the owner's explicit rewrites, else derive; or raise Refused."""
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
    if found is not None:
        bound = _bind_names(found[1], keys)
        if bound is not None:
            rewrite = found[0]
            call = method_call(rewrite.call)
            used = [n.id for n in ast.walk(rewrite.call) if isinstance(n, ast.Name) and n.id in bound]
            return Resolved(rewrite.method, tuple(dict.fromkeys(bound[n] for n in used)),
                            tuple(ast.unparse(a) for a in call.args) + tuple(
                                f"{k.arg}={ast.unparse(k.value)}" for k in call.keywords),
                            True, rewrite.call, tuple((n, bound[n]) for n in dict.fromkeys(used)))
    derived = derive(tree, text, dialect)
    names = tuple((f"bl_key_{i}", key) for i, (_, key) in enumerate(derived.arguments))
    call = ast.Call(ast.Name(derived.method, ast.Load()), [],
                    [ast.keyword(kw, ast.Name(name, ast.Load()))
                     for (kw, _), (name, _) in zip(derived.arguments, names)])
    return Resolved(derived.method, tuple(dict.fromkeys(k for _, k in derived.arguments)),
                    tuple(kw for kw, _ in derived.arguments), False, call, names)


def _bind_names(rewrite_keys: List[Key], site_keys: List[Key]) -> Dict[str, Key]:
    """Placeholder name in the rewrite -> the call site's bound value at the same place;
    None when one name would take two different values."""
    bound: Dict[str, Key] = {}
    for (_, name), key in zip(rewrite_keys, site_keys):
        if bound.setdefault(name, key) != key:
            return None
    return bound
