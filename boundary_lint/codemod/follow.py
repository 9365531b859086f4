"""Follow a rewritten call's result to every use, and make each use read a dict.

The client returns rows as dicts (``docs/fix.md``), while the code read a
SQLAlchemy ``Row``, a ``RowMapping``, an asyncpg ``Record`` or a cursor's
tuple. Each use of the row is looked at where it stands: ``row[0]`` becomes
``row["first_column"]``, ``row.name`` becomes ``row["name"]``, ``a, b = row``
becomes ``a, b = row["a"], row["b"]``; tests (``if row``, ``row is None``),
``len``, key access and loops over rows keep working as they are. Any use that
cannot be shown to mean the same on a dict is a :class:`Refused` naming its
line; a row that leaves the function is accepted only when it was already a
mapping. Pure: the ``ast`` tree in, edits out.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from typing import List, Optional, Sequence, Tuple

from boundary_lint.codemod import reasons, shapes
from boundary_lint.codemod.callsites import ModuleIndex, Span, source_text


@dataclass(frozen=True)
class Edit:
    """Change the expression at ``target`` (an ast node of type ``kind``), as rewritten:
    ``key`` -> ``value[keys[0]]`` (of a subscript or attribute), ``unwrap`` -> its value
    (``row._mapping``), ``asdict`` -> ``dict(value)`` (``row._asdict()``), ``values`` ->
    ``node.values()``, ``unpack`` -> ``(node[k1], node[k2], ...)``, ``name`` -> the name ``keys[0]``."""

    target: Span
    kind: str
    op: str
    keys: Tuple[str, ...] = ()


@dataclass
class Followed:
    edits: List[Edit] = field(default_factory=list)
    null_tested: bool = False  # the code tells a missing row from a row
    escapes: bool = False  # the row leaves the function (returned, stored, passed on)


_TRUTH_CALLS = frozenset({"bool"})
_MAPPING_METHODS = frozenset({"get", "keys", "values", "items"})


class _Follower:
    def __init__(self, index: ModuleIndex, fields: Optional[Sequence[str]]) -> None:
        self.index = index
        self.fields = tuple(fields) if fields is not None else None
        self.out = Followed()
        self.tuple_evidence = False
        self.mapping_evidence = False
        self.pending_unpacks: List[Tuple[ast.expr, ast.AST, int]] = []

    # -- helpers ------------------------------------------------------------------------

    def refuse(self, node: ast.AST, what: str) -> None:
        raise reasons.Refused(reasons.RESULT_USE, f"line {node.lineno}: {what}")

    def edit(self, target: ast.expr, op: str, keys: Sequence[str] = ()) -> None:
        if op in ("key", "unpack") and sum(isinstance(a, ast.JoinedStr) for a in self.index.ancestors(target)) > 1:
            # a key is quoted with the quote the f-string does not use; two levels use both
            self.refuse(target, f"{source_text(target, 40)} in a nested f-string")
        self.out.edits.append(Edit(self.index.span(target), type(target).__name__, op, tuple(keys)))

    def key_of(self, node: ast.AST, number: int) -> str:
        if self.fields is None:
            self.refuse(node, "a row read by position from SELECT *: the column order is not known here")
        if not -len(self.fields) <= number < len(self.fields):
            self.refuse(node, f"position {number} of a row of {len(self.fields)} columns")
        return self.fields[number]

    def escape(self, node: ast.expr, kind: str, what: str) -> None:
        if kind != shapes.MAPPING:
            self.refuse(node, f"{what}: a {kind} becomes a dict there")
        self.out.escapes = True

    # -- one row ------------------------------------------------------------------------

    def row(self, node: ast.expr, kind: str) -> None:
        """``node`` evaluates to a row."""
        parent = self.index.parents.get(node)
        if isinstance(parent, ast.Subscript) and parent.value is node:
            return self._row_subscript(parent, kind)
        if isinstance(parent, ast.Attribute) and parent.value is node:
            return self._row_attribute(parent, kind)
        if self._tested(node, parent):
            self.out.null_tested = True
            return None
        if isinstance(parent, ast.IfExp) and node is not parent.test:
            self._other_branch(node, parent, kind, rows=False)
            return self.row(parent, kind)
        if isinstance(parent, ast.Call) and node in parent.args and isinstance(parent.func, ast.Name):
            name = parent.func.id
            if name == "len" or name in _TRUTH_CALLS:
                self.out.null_tested = self.out.null_tested or name in _TRUTH_CALLS
                return None
            if name == "dict" and len(parent.args) == 1 and not parent.keywords:
                if kind == shapes.SA_ROW:
                    self.refuse(parent, "dict(row) of a SQLAlchemy Row")
                return None
            if name in ("list", "tuple") and len(parent.args) == 1 and kind != shapes.MAPPING:
                return self._values_in_order(node)
        if isinstance(parent, (ast.Assign, ast.AnnAssign)) and parent.value is node:
            return self._row_assigned(parent, node, kind)
        if isinstance(parent, (ast.For, ast.AsyncFor, ast.comprehension)) and parent.iter is node:
            if kind != shapes.MAPPING:
                self._values_in_order(node)
            return None
        if isinstance(parent, ast.Await):
            self.refuse(parent, "the row is awaited")
        self.escape(node, kind, _where(node, parent))

    def _other_branch(self, node: ast.expr, choice: ast.IfExp, kind: str, rows: bool) -> None:
        """``row if c else other``: the edits made for a row would apply to ``other`` too, so it
        must be None (or, for rows, an empty list or tuple)."""
        other = choice.orelse if node is choice.body else choice.body
        if isinstance(other, ast.Constant) and other.value is None:
            return
        if rows and isinstance(other, (ast.List, ast.Tuple)) and not other.elts:
            return
        self.refuse(choice, f"{source_text(choice, 40)}: a {kind} or another value")

    def _tested(self, node: ast.expr, parent: Optional[ast.AST]) -> bool:
        if isinstance(parent, (ast.If, ast.While, ast.IfExp, ast.Assert)) and parent.test is node:
            return True
        if isinstance(parent, ast.UnaryOp) and isinstance(parent.op, ast.Not):
            return True
        if isinstance(parent, ast.BoolOp) and isinstance(parent.op, ast.And) and node is not parent.values[-1]:
            return True
        if isinstance(parent, ast.Compare) and len(parent.ops) == 1:
            other = parent.comparators[0] if parent.left is node else parent.left
            if isinstance(other, ast.Constant) and other.value is None and isinstance(
                    parent.ops[0], (ast.Is, ast.IsNot, ast.Eq, ast.NotEq)):
                return True
        return False

    def _row_subscript(self, parent: ast.Subscript, kind: str) -> None:
        if not isinstance(parent.ctx, ast.Load):
            self.refuse(parent, f"{source_text(parent, 40)} is assigned to")
        index = parent.slice
        negative = isinstance(index, ast.UnaryOp) and isinstance(index.op, ast.USub)
        if negative and isinstance(index.operand, ast.Constant):
            number = -index.operand.value if isinstance(index.operand.value, int) else None
        else:
            number = index.value if isinstance(index, ast.Constant) and type(index.value) is int else None
        if number is not None:
            if kind == shapes.MAPPING:
                self.refuse(parent, f"{source_text(parent, 40)} reads a mapping by position")
            self.tuple_evidence = True
            return self.edit(parent, "key", [self.key_of(parent, number)])
        if isinstance(index, ast.Constant) and isinstance(index.value, str):
            if self.fields is not None and index.value not in self.fields:
                self.refuse(parent, f"{source_text(parent, 40)}: {index.value} is not a column of the statement")
            self.mapping_evidence = True
            return None
        self.refuse(parent, f"{source_text(parent, 40)}: a row read with a computed index")

    def _row_attribute(self, parent: ast.Attribute, kind: str) -> None:
        attr = parent.attr
        holder = self.index.parents.get(parent)
        called = isinstance(holder, ast.Call) and holder.func is parent
        if not isinstance(parent.ctx, ast.Load):
            self.refuse(parent, f"{source_text(parent, 40)} is assigned to")
        if attr == "_mapping" and kind == shapes.SA_ROW:
            self.edit(parent, "unwrap")
            return self.row(parent, shapes.MAPPING)
        if attr == "_asdict" and kind == shapes.SA_ROW and called and not holder.args and not holder.keywords:
            return self.edit(holder, "asdict")
        if attr in _MAPPING_METHODS and called:
            if kind in (shapes.MAPPING, shapes.RECORD):
                return None
            if kind == shapes.CURSOR_ROW:
                self.mapping_evidence = True
                return None
            self.refuse(parent, f"{source_text(holder, 40)} on a {kind}")
        if attr.startswith("_") or called:
            self.refuse(parent, f"{source_text(holder if called else parent, 40)} on a {kind}")
        if kind not in (shapes.SA_ROW, shapes.CURSOR_ROW):
            self.refuse(parent, f"{source_text(parent, 40)}: a {kind} has no attributes")
        if self.fields is not None and attr not in self.fields:
            self.refuse(parent, f"{source_text(parent, 40)}: {attr} is not a column of the statement")
        self.edit(parent, "key", [attr])

    def _values_in_order(self, node: ast.expr) -> None:
        """The row's values in the projection's order, named one by one (a dict's own order is
        not part of the contract)."""
        if self.fields is None:
            self.refuse(node, "a row's values read in order from SELECT *: the column order is not known here")
        self.edit(node, "unpack", self.fields)

    def _row_assigned(self, parent: ast.stmt, node: ast.expr, kind: str) -> None:
        targets = parent.targets if isinstance(parent, ast.Assign) else [parent.target]
        if len(targets) == 1 and isinstance(targets[0], ast.Name):
            return self.name(targets[0].id, parent, lambda use: self.row(use, kind))
        if len(targets) == 1 and isinstance(targets[0], (ast.Tuple, ast.List)) and not any(
                isinstance(e, ast.Starred) for e in targets[0].elts):
            if kind == shapes.MAPPING:
                return None  # keys, before and after
            if kind == shapes.CURSOR_ROW:
                self.pending_unpacks.append((node, parent, len(targets[0].elts)))
                return None
            return self._unpack(node, len(targets[0].elts))
        self.escape(node, kind, f"stored ({source_text(parent, 40)})")

    def _unpack(self, node: ast.expr, count: int) -> None:
        self._once(node, count)
        if self.fields is None or len(self.fields) != count:
            self.refuse(node, f"a row unpacked into {count} names"
                              + ("" if self.fields is None else f" from {len(self.fields)} columns"))
        self.edit(node, "unpack", self.fields)

    # -- rows ---------------------------------------------------------------------------

    def rows(self, node: ast.expr, kind: str) -> None:
        parent = self.index.parents.get(node)
        if isinstance(parent, (ast.For, ast.AsyncFor)) and parent.iter is node:
            return self._each(parent.target, parent, kind, self.index.function_of(parent) or self.index.tree)
        if isinstance(parent, ast.comprehension) and parent.iter is node:
            return self._each(parent.target, parent, kind, self.index.parents.get(parent))
        if isinstance(parent, ast.Subscript) and parent.value is node and isinstance(parent.ctx, ast.Load):
            if isinstance(parent.slice, ast.Slice):
                return self.rows(parent, kind)
            return self.row(parent, kind)
        if self._tested(node, parent):
            return None
        if isinstance(parent, ast.IfExp) and node is not parent.test:
            self._other_branch(node, parent, kind, rows=True)
            return self.rows(parent, kind)
        if isinstance(parent, ast.Call) and isinstance(parent.func, ast.Name) and parent.args == [node]:
            if parent.func.id in ("len", "bool"):
                return None
            if parent.func.id == "list":
                return self.rows(parent, kind)
        if isinstance(parent, (ast.Assign, ast.AnnAssign)) and parent.value is node:
            targets = parent.targets if isinstance(parent, ast.Assign) else [parent.target]
            if len(targets) == 1 and isinstance(targets[0], ast.Name):
                return self.name(targets[0].id, parent, lambda use: self.rows(use, kind))
        self.escape(node, kind, _where(node, parent))

    def _each(self, target: ast.expr, loop: ast.AST, kind: str, scope: ast.AST) -> None:
        if isinstance(target, ast.Name):
            return self.name(target.id, loop, lambda use: self.row(use, kind), scope=scope)
        if kind == shapes.MAPPING:
            return None
        self.refuse(target, f"for {source_text(target, 30)} in ...: each row unpacked by position")

    # -- names --------------------------------------------------------------------------

    def name(self, name: str, binding: ast.AST, follow, scope: Optional[ast.AST] = None) -> None:
        """Every load of ``name`` in its scope is a use; the binding must be its only one."""
        scope = scope or self.index.function_of(binding) or self.index.tree
        binding_nodes = set(map(id, ast.walk(binding.target if isinstance(binding, (ast.For, ast.AsyncFor,
                                                                                    ast.comprehension))
                                             else binding)))
        for node in ast.walk(scope):
            if isinstance(node, (ast.Global, ast.Nonlocal)) and name in node.names:
                self.refuse(node, f"{name} is declared {type(node).__name__.lower()}")
            if isinstance(node, ast.arg) and node.arg == name:
                self.refuse(node, f"{name} is also a parameter")
            if isinstance(node, ast.Name) and node.id == name:
                if not isinstance(node.ctx, ast.Load):
                    if id(node) not in binding_nodes:
                        self.refuse(node, f"{name} is assigned again")
                    continue
                follow(node)

    def _once(self, node: ast.expr, count: int) -> None:
        """``a, b = X`` becomes ``a, b = X["a"], X["b"]``: X is then evaluated once per name,
        so it must be a name (not the client call itself, which would run twice)."""
        if not isinstance(node, ast.Name):
            self.refuse(node, f"a row unpacked into {count} names where it is fetched: assign it to a name first")

    def finish(self) -> Followed:
        for node, _, count in self.pending_unpacks:
            if self.mapping_evidence or not self.tuple_evidence:
                self.refuse(node, "a cursor row unpacked: a tuple or a dict, as the cursor's row factory says")
            self._unpack(node, count)
        if self.tuple_evidence and self.mapping_evidence:
            raise reasons.Refused(reasons.RESULT_USE, "the row is read both by position and by name")
        return self.out


def _where(node: ast.expr, parent: Optional[ast.AST]) -> str:
    if isinstance(parent, ast.Return):
        return "returned to the caller"
    if isinstance(parent, (ast.Yield, ast.YieldFrom)):
        return "yielded"
    if isinstance(parent, (ast.Call, ast.keyword)):
        return f"passed on ({source_text(parent, 40)})"
    return f"used in {source_text(parent, 40)}" if parent is not None else "used"


def follow_result(target: ast.expr, shape: str, kind: str, index: ModuleIndex,
                  fields: Optional[Sequence[str]]) -> Followed:
    """The edits that make every use of ``target``'s value read the client's answer, or Refused."""
    follower = _Follower(index, fields)
    if shape in shapes.ROW_SHAPES:
        follower.row(target, kind)
    elif shape == shapes.ROWS:
        follower.rows(target, kind)
    return follower.finish()
