"""The libcst codemod: apply a file's rewrite plan, keeping every comment and format.

The plan (``plan.py``) says which expression, by its span, becomes which
client call, and where the call's arguments are; libcst's ``PositionProvider``
gives the same spans, so the transform only looks nodes up and swaps them.
Imports are placed where the module's own imports are (``imports``); the imports the rewrite leaves unused
(sqlalchemy's ``text``, typically) are decided on the ``ast`` side, so no scope
analysis runs here. Refusals become codemod warnings.
"""

from __future__ import annotations

import json
from typing import Dict, List, Optional, Sequence, Set, Tuple

import libcst as cst
from libcst.codemod import CodemodContext, VisitorBasedCodemodCommand
from libcst.metadata import PositionProvider

from boundary_lint.registry import Registry
from boundary_lint.codemod import imports, layout
from boundary_lint.codemod.callsites import Span
from boundary_lint.codemod.follow import Edit
from boundary_lint.codemod.decisions import CallRewrite, FilePlan
from boundary_lint.codemod.plan import Planner, plan_source

_ATOMS = (cst.Name, cst.Attribute, cst.Call, cst.Subscript, cst.SimpleString, cst.ConcatenatedString,
          cst.FormattedString, cst.Integer, cst.Float, cst.Imaginary, cst.List, cst.Dict, cst.Set, cst.Tuple)


class RewriteSqlToClientCalls(VisitorBasedCodemodCommand):
    """Replace SQL on another service's tables with a call on that service's client."""

    DESCRIPTION = "Rewrite SQL that crosses a service boundary into calls on the owning service's client."
    METADATA_DEPENDENCIES = (PositionProvider,)

    def __init__(self, context: CodemodContext, registry: Optional[Registry] = None, service: str = "",
                 plan: Optional[FilePlan] = None, planner: Optional[Planner] = None, path: str = "<module>") -> None:
        super().__init__(context)
        self.registry = registry
        self.service = service
        self.plan = plan
        self.planner = planner
        self.path = path
        self._targets: Dict[Tuple[str, Span], CallRewrite] = {}
        self._wanted: Dict[Span, Optional[cst.BaseExpression]] = {}
        self._carried: Set[Span] = set()  # removed with their comments moved on
        self._dropped: Set[Span] = set()  # removed with their comments
        self.replaced: Set[Span] = set()  # what was done, for the driver to compare with the plan
        self.removed: Set[Span] = set()
        self._edits: Dict[Tuple[str, Span], Edit] = {}
        self._fstrings: List[str] = []  # the quotes of the f-strings being visited
        self._needed: Dict[Tuple[str, str], None] = {}  # (module, name) imports the calls need, in order
        self._assigns: Dict[Span, str] = {}  # a discarded call's span -> the name its answer is kept in
        self.edited: Set[Tuple[str, Span]] = set()
        self.unwrapped: Set[Span] = set()
        self._unwrapped: Set[Span] = set()

    def transform_module_impl(self, tree: cst.Module) -> cst.Module:
        if self.plan is None:
            self.plan, _ = plan_source(self.path, tree.code, self.registry, self.service, self.planner)
        seen = set()
        for _, refusal in sorted(self.plan.left, key=lambda item: item[1]):
            text = f"line {refusal.line}: {refusal.text()}"
            if text not in seen:
                seen.add(text)
                self.warn(text)
        if not self.plan.rewrites:
            return tree
        for rewrite in self.plan.rewrites:
            self._targets[(rewrite.target_kind, rewrite.target)] = rewrite
            self._wanted.update({span: None for _, span in rewrite.bindings})
            self._carried.update(rewrite.removals)
            self._edits.update({(edit.kind, edit.target): edit for edit in rewrite.edits})
            if rewrite.assign:
                self._assigns[rewrite.target] = rewrite.assign
        self._dropped.update(self.plan.removals)
        self._unwrapped = set(self.plan.unwrapped)
        self._lines = tree.code.splitlines()
        return super().transform_module_impl(tree)

    def _span(self, node: cst.CSTNode) -> Span:
        where = self.get_metadata(PositionProvider, node)
        return (where.start.line, where.start.column, where.end.line, where.end.column)

    def on_visit(self, node: cst.CSTNode) -> bool:
        if isinstance(node, cst.FormattedString):
            self._fstrings.append(node.start.lstrip("rRbBfFuU"))
        if isinstance(node, cst.BaseExpression) and self._wanted:
            span = self._span(node)
            if span in self._wanted and self._wanted[span] is None:
                self._wanted[span] = node
        return super().on_visit(node)

    def on_leave(self, original_node: cst.CSTNode, updated_node: cst.CSTNode):
        result = super().on_leave(original_node, updated_node)
        if isinstance(original_node, cst.FormattedString):
            self._fstrings.pop()
        if self._edits and isinstance(original_node, cst.BaseExpression) and isinstance(result, cst.BaseExpression):
            key = (type(original_node).__name__, self._span(original_node))
            edit = self._edits.get(key)
            if edit is not None:
                self.edited.add(key)
                # inside an f-string, a key is quoted with the quote the f-string does not use
                quote = "'" if any('"' in q for q in self._fstrings) else '"'
                return _edited(edit, result, quote)
        return result

    # -- the replaced expressions ----------------------------------------------------------

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        return self._replace("Call", original_node, updated_node)

    def leave_Await(self, original_node: cst.Await, updated_node: cst.Await) -> cst.BaseExpression:
        return self._replace("Await", original_node, updated_node)

    def _replace(self, kind: str, original: cst.BaseExpression, updated: cst.BaseExpression) -> cst.BaseExpression:
        rewrite = self._targets.get((kind, self._span(original)))
        if rewrite is None:
            return updated
        arguments = {name: self._wanted.get(span) for name, span in rewrite.bindings}
        if any(node is None for node in arguments.values()):
            self.warn(f"line {rewrite.line}: left as it is: an argument could not be found")
            return updated
        replacement = cst.parse_expression(rewrite.replacement).visit(_PutArguments(arguments))
        line, column, end_line, end_column = rewrite.target
        replacement = layout.fit(replacement, rewrite.method, column + len(updated.lpar),
                                 len(self._lines[end_line - 1]) - end_column if end_line <= len(self._lines) else 0)
        if updated.lpar:
            replacement = replacement.with_changes(lpar=updated.lpar, rpar=updated.rpar)
        self._needed.setdefault((rewrite.client.module, rewrite.client.factory), None)
        self.replaced.add(rewrite.target)
        return replacement

    def leave_Expr(self, original_node: cst.Expr, updated_node: cst.Expr) -> cst.BaseSmallStatement:
        name = self._assigns.get(self._span(original_node.value))
        if not name:
            return updated_node
        return cst.Assign(targets=[cst.AssignTarget(cst.Name(name))], value=updated_node.value,
                          semicolon=updated_node.semicolon)

    def leave_ImportFrom(self, original_node: cst.ImportFrom, updated_node: cst.ImportFrom) -> cst.ImportFrom:
        if not self.plan.dropped_imports or isinstance(updated_node.names, cst.ImportStar):
            return updated_node
        module = cst.Module([]).code_for_node(updated_node.module) if updated_node.module else ""
        drop = {name for mod, name in self.plan.dropped_imports if mod == module}
        names = [a for a in updated_node.names if a.asname is not None or a.evaluated_name not in drop]
        if not names or len(names) == len(updated_node.names):
            return updated_node
        names[-1] = names[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
        return updated_node.with_changes(names=names)

    # -- removed statements ------------------------------------------------------------------

    def leave_Module(self, original_node: cst.Module, updated_node: cst.Module) -> cst.Module:
        body = self._without_removed(original_node.body, updated_node.body)
        for module, name in self._needed:
            body = imports.with_import(body, module, name)
        return updated_node.with_changes(body=body)

    def leave_IndentedBlock(self, original_node: cst.IndentedBlock,
                            updated_node: cst.IndentedBlock) -> cst.IndentedBlock:
        return updated_node.with_changes(body=self._without_removed(original_node.body, updated_node.body))

    def _without_removed(self, originals: Sequence[cst.BaseStatement], updated: Sequence[cst.BaseStatement]) -> List:
        if not (self._carried or self._dropped or self._unwrapped) or len(originals) != len(updated):
            return list(updated)
        out: List[cst.BaseStatement] = []
        carry: List[cst.EmptyLine] = []
        for original, statement in zip(originals, updated):
            if isinstance(original, cst.With) and self._span(original) in self._unwrapped \
                    and isinstance(statement, cst.With) and isinstance(statement.body, cst.IndentedBlock):
                self.unwrapped.add(self._span(original))
                inner = list(statement.body.body)
                if inner:
                    inner[0] = inner[0].with_changes(leading_lines=[*carry, *statement.leading_lines,
                                                                    *inner[0].leading_lines])
                    carry = []
                out.extend(inner)
                continue
            if isinstance(original, cst.SimpleStatementLine):
                spans = [self._span(small) for small in original.body]
                gone = [s in self._carried or s in self._dropped for s in spans]
                self.removed.update(s for s, g in zip(spans, gone) if g)
                if all(gone):
                    if any(s in self._carried for s in spans):
                        carry.extend(statement.leading_lines)
                    continue
                if any(gone):
                    body = [small for small, g in zip(statement.body, gone) if not g]
                    body[-1] = body[-1].with_changes(semicolon=cst.MaybeSentinel.DEFAULT)
                    statement = statement.with_changes(body=body)
            if carry:
                statement = statement.with_changes(leading_lines=[*carry, *statement.leading_lines])
                carry = []
            out.append(statement)
        return out


def _key(value: cst.BaseExpression, key: str, quote: str = '"') -> cst.Subscript:
    text = json.dumps(key) if quote == '"' else "'" + json.dumps(key)[1:-1].replace("'", "\\'") + "'"
    return cst.Subscript(value=value, slice=[cst.SubscriptElement(cst.Index(cst.SimpleString(text)))])


def _atom(node: cst.BaseExpression) -> cst.BaseExpression:
    if isinstance(node, _ATOMS) or node.lpar:
        return node
    return node.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])


def _edited(edit: Edit, node: cst.BaseExpression, quote: str = '"') -> cst.BaseExpression:
    """One use of a result, made to read the client's dict (``follow.Edit``)."""
    parens = {"lpar": node.lpar, "rpar": node.rpar}
    if edit.op == "key":
        return _key(node.value, edit.keys[0], quote).with_changes(**parens)
    if edit.op == "name":
        return cst.Name(edit.keys[0], **parens)
    if edit.op == "unwrap":
        inner = node.value
        return inner.with_changes(**parens) if node.lpar else inner
    if edit.op == "asdict":
        return cst.Call(func=cst.Name("dict"), args=[cst.Arg(node.func.value)], **parens)
    if edit.op == "values":
        return cst.Call(func=cst.Attribute(value=_atom(node), attr=cst.Name("values")))
    if edit.op == "unpack":
        bare = node.with_changes(lpar=[], rpar=[])
        elements = [cst.Element(_key(_atom(bare), key, quote)) for key in edit.keys]
        return cst.Tuple(elements, lpar=[cst.LeftParen()], rpar=[cst.RightParen()])
    raise ValueError(f"unknown edit {edit.op}")


class _PutArguments(cst.CSTTransformer):
    """Put the call site's argument nodes where the replacement names them; parenthesised
    unless they stand alone as an argument or element."""

    def __init__(self, nodes: Dict[str, cst.BaseExpression]) -> None:
        super().__init__()
        self.nodes = nodes

    def _bare(self, value: cst.BaseExpression) -> Optional[cst.BaseExpression]:
        return self.nodes.get(value.value) if isinstance(value, cst.Name) else None

    def leave_Name(self, original_node: cst.Name, updated_node: cst.Name) -> cst.BaseExpression:
        node = self.nodes.get(original_node.value)
        if node is None:
            return updated_node
        if isinstance(node, _ATOMS) or node.lpar:
            return node
        return node.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])

    def _keep(self, original, updated):
        node = self._bare(original.value)
        return updated.with_changes(value=node) if node is not None else updated

    leave_Arg = _keep
    leave_Element = _keep
    leave_DictElement = _keep
