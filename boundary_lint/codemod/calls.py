"""The client call that replaces a statement, as text: what people read in the contract,
and what the transform parses in place of the sink call."""

from __future__ import annotations

import ast
import copy
from dataclasses import dataclass
from typing import Dict, Optional, Tuple

from boundary_lint.codemod.client_methods import ClientClass
from boundary_lint.codemod.rewrites import method_call


@dataclass(frozen=True)
class ClientSpec:
    module: str
    factory: str
    awaitable: bool = False

    def expression(self) -> str:
        return f"(await {self.factory}())" if self.awaitable else f"{self.factory}()"


def client_specs(service) -> Tuple[ClientSpec, ...]:
    """A registry service's clients (``client = {...}`` or ``client = [{...}, ...]``), in order."""
    configs = service.clients or ((service.client,) if service.client else ())
    return tuple(ClientSpec(str(c.get("module", "")), str(c.get("factory", "")), bool(c.get("awaitable", False)))
                 for c in configs)


def signature_problem(known: ClientClass, method: str, template: ast.expr) -> Optional[str]:
    """Why the client class cannot take the call (no such method, wrong arguments), or None."""
    signature = known.methods.get(method)
    if signature is None:
        return f"{known.name} has no method {method}"
    call = method_call(template)
    if any(isinstance(a, ast.Starred) for a in call.args) or any(k.arg is None for k in call.keywords):
        return None
    return signature.accepts(len(call.args), [k.arg for k in call.keywords])


def call_text(template: ast.expr, exprs: Dict[str, ast.expr]) -> str:
    """The template with the call site's argument expressions, as text.

    >>> call_text(ast.parse("get(bl_arg_0)", mode="eval").body, {"bl_arg_0": ast.parse("s.id", mode="eval").body})
    'get(s.id)'
    """

    class Put(ast.NodeTransformer):
        def visit_Name(self, node: ast.Name) -> ast.expr:
            return exprs.get(node.id, node)

    return ast.unparse(Put().visit(copy.deepcopy(template)))


def replacement_text(template: ast.expr, client: ClientSpec, awaited: bool) -> str:
    """``method(...)`` on the client, awaited as the original was, trailers kept.

    >>> spec = ClientSpec("m", "get_client", awaitable=True)
    >>> replacement_text(ast.parse("create(bl_arg_0)['id']", mode="eval").body, spec, awaited=True)
    "(await (await get_client()).create(bl_arg_0))['id']"
    """
    tree = copy.deepcopy(template)
    call = method_call(tree)
    call.func = ast.Attribute(value=ast.Name("bl_client", ast.Load()), attr=call.func.id, ctx=ast.Load())
    if awaited:
        if call is tree:
            tree = ast.Await(call)
        else:
            for node in ast.walk(tree):
                for field_name in ("value", "func"):
                    if getattr(node, field_name, None) is call:
                        setattr(node, field_name, ast.Await(call))
    return ast.unparse(tree).replace("bl_client", client.expression(), 1)
