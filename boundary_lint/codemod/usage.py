"""How a sink call's result is used, and so which expression a client call can replace.

Provable shapes only:

- the data itself (``await conn.fetchrow(...)``): the call is replaced;
- a directly chained ``.scalar()``, ``.scalar_one()``, ``.first()``, ``.one()``,
  ``.fetchone()``, ``.fetchall()``, ``.all()``, ``.mappings().first()``...: the
  whole chain is replaced;
- the result discarded (a write): the call is replaced;
- ``result = await s.execute(...)`` whose one use is such a chain in the very
  next statement, or ``await cur.execute(...)`` followed by one
  ``await cur.fetchone()``/``fetchall()``: that use is replaced and the first
  statement removed.

Anything else -- ``result.rowcount``, iterating the result, reading the cursor
twice, returning the result -- is "result used later as a cursor".
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import List, Optional, Tuple

from boundary_lint.prefilter.triggers import SINK_METHODS
from boundary_lint.codemod import reasons, shapes
from boundary_lint.codemod.callsites import DATA_KINDS, DATA_SINKS, FUNCTIONS, CallSite, ModuleIndex, source_text

_SA, _MAP = shapes.SA_ROW, shapes.MAPPING
CHAINS = {
    ("scalar",): (shapes.VALUE_OR_NULL, ""), ("scalar_one",): (shapes.VALUE, ""),
    ("scalar_one_or_none",): (shapes.UNIQUE_VALUE_OR_NULL, ""),
    ("first",): (shapes.ROW_OR_NULL, _SA), ("one",): (shapes.ROW, _SA),
    ("one_or_none",): (shapes.UNIQUE_ROW_OR_NULL, _SA),
    ("fetchone",): (shapes.ROW_OR_NULL, _SA), ("all",): (shapes.ROWS, _SA), ("fetchall",): (shapes.ROWS, _SA),
    ("mappings", "first"): (shapes.ROW_OR_NULL, _MAP), ("mappings", "one"): (shapes.ROW, _MAP),
    ("mappings", "one_or_none"): (shapes.UNIQUE_ROW_OR_NULL, _MAP), ("mappings", "all"): (shapes.ROWS, _MAP),
    ("scalars", "all"): (shapes.VALUES, ""), ("scalars", "first"): (shapes.VALUE_OR_NULL, ""),
    ("scalars", "one"): (shapes.VALUE, ""), ("scalars", "one_or_none"): (shapes.UNIQUE_VALUE_OR_NULL, ""),
}
"""Absorbed chains on a result: the shape the client method then has to return, and the row kind read."""
CURSOR_FETCHES = {"fetchone": shapes.ROW_OR_NULL, "fetchall": shapes.ROWS}
NOT_READS = frozenset({"execute", "executemany", "commit", "rollback", "close", "cursor", "begin",
                       "transaction", "flush", "refresh", "add", "connection"})


@dataclass(frozen=True)
class Usage:
    target: ast.expr  # the expression the client call replaces
    returns: str  # a shape (``shapes``): what the code read
    removes: Optional[ast.stmt] = None  # a statement that goes with it
    kind: str = ""  # for rows: the row kind the code read (``shapes.SA_ROW``...)
    count_uses: Tuple[ast.expr, ...] = ()  # ``result.rowcount`` reads that become the count
    renames: Tuple[Tuple[ast.expr, str], ...] = ()  # later reads that become a name (``result.first()``)
    follow_from: Optional[ast.expr] = None  # where the answer's uses start, if not at ``target``
    assign: str = ""  # the discarded call becomes ``assign = <call>`` (``cur.rowcount`` read later)


def usage_of(site: CallSite, index: ModuleIndex) -> Usage:
    """The replaceable expression for a call, or :class:`reasons.Refused`."""
    call = site.call
    parent = index.parents.get(call)
    base = parent if isinstance(parent, ast.Await) else call
    if site.sink in DATA_SINKS:
        return Usage(base, DATA_SINKS[site.sink], kind=DATA_KINDS.get(site.sink, ""))
    chain = chain_above(base, index)
    if chain is not None:
        return Usage(chain[0], chain[1][0], kind=chain[1][1])
    holder = index.parents.get(base)
    if isinstance(holder, ast.Expr):
        return _discarded(site, base, holder, index)
    if isinstance(holder, (ast.Assign, ast.AnnAssign)) and holder.value is base and _single_name(holder):
        return _assigned(base, holder, index)
    what = "returned to the caller" if isinstance(holder, ast.Return) else "passed on"
    raise reasons.Refused(reasons.CURSOR_USE, what)


def chain_above(node: ast.expr, index: ModuleIndex) -> Optional[Tuple[ast.expr, Tuple[str, str]]]:
    """The longest absorbed chain called on ``node`` (e.g. ``(...).mappings().first()``)."""
    names: List[str] = []
    calls: List[ast.Call] = []
    current = node
    while True:
        attribute = index.parents.get(current)
        outer = index.parents.get(attribute) if attribute is not None else None
        if not (isinstance(attribute, ast.Attribute) and attribute.value is current
                and isinstance(outer, ast.Call) and outer.func is attribute
                and not outer.args and not outer.keywords):
            break
        names.append(attribute.attr)
        calls.append(outer)
        current = outer
    for length in range(len(names), 0, -1):
        kind = CHAINS.get(tuple(names[:length]))
        if kind is not None:
            return calls[length - 1], kind
    return None


def _single_name(stmt: ast.stmt) -> bool:
    targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
    return len(targets) == 1 and isinstance(targets[0], ast.Name)


def _assigned(base: ast.expr, stmt: ast.stmt, index: ModuleIndex) -> Usage:
    name = (stmt.targets[0] if isinstance(stmt, ast.Assign) else stmt.target).id
    uses = []
    for node in _later(stmt, index):
        if isinstance(node, ast.Name) and node.id == name:
            if not isinstance(node.ctx, ast.Load):
                break
            uses.append(node)
    if not uses:
        return Usage(base, shapes.NOTHING)
    chain = chain_above(uses[0], index)
    if len(uses) == 1 and chain is not None and _next_statement_takes(stmt, chain[0], index):
        return Usage(chain[0], chain[1][0], removes=stmt, kind=chain[1][1])
    counts = [index.parents.get(u) for u in uses]
    if all(isinstance(c, ast.Attribute) and c.attr == "rowcount" and isinstance(c.ctx, ast.Load) for c in counts):
        if _rebound(name, stmt, index):
            raise reasons.Refused(reasons.CURSOR_USE, f"{name} is assigned again")
        return Usage(base, shapes.COUNT, count_uses=tuple(counts))
    if len(uses) == 1 and chain is not None and not _rebound(name, stmt, index) and _once_after(stmt, chain[0], index):
        # the call stays where the statement ran; the later read takes its answer
        return Usage(base, chain[1][0], kind=chain[1][1], renames=((chain[0], name),), follow_from=chain[0])
    raise reasons.Refused(reasons.CURSOR_USE, _describe_use(uses[0], index))


def _once_after(stmt: ast.stmt, use: ast.expr, index: ModuleIndex) -> bool:
    """``use`` runs after ``stmt``, at most once for each time ``stmt`` runs: below it in the same
    function and in no loop, comprehension or nested function that does not hold ``stmt`` too."""
    if (use.lineno, use.col_offset) < (stmt.end_lineno, stmt.end_col_offset):
        return False
    around = set(map(id, index.ancestors(stmt)))
    scope = index.function_of(stmt) or index.tree
    child: ast.AST = use
    for ancestor in index.ancestors(use):
        if ancestor is scope:
            return True
        evaluated_once = (isinstance(ancestor, (ast.For, ast.AsyncFor)) and child is ancestor.iter) or (
            isinstance(ancestor, (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp))
            and child is ancestor.generators[0]) or (
            isinstance(ancestor, ast.comprehension) and child is ancestor.iter)
        if id(ancestor) not in around and isinstance(ancestor, _REPEATING) and not evaluated_once:
            return False
        child = ancestor
    return True


_REPEATING = (ast.For, ast.AsyncFor, ast.While, ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp,
              ast.Lambda, ast.FunctionDef, ast.AsyncFunctionDef)


def _rebound(name: str, stmt: ast.stmt, index: ModuleIndex) -> bool:
    scope = index.function_of(stmt) or index.tree
    mine = set(map(id, ast.walk(stmt)))
    return any(isinstance(n, ast.Name) and n.id == name and not isinstance(n.ctx, ast.Load) and id(n) not in mine
               for n in ast.walk(scope))


def _discarded(site: CallSite, base: ast.expr, stmt: ast.Expr, index: ModuleIndex) -> Usage:
    receiver = site.call.func.value if isinstance(site.call.func, ast.Attribute) else None
    if receiver is None or not isinstance(receiver, (ast.Name, ast.Attribute)):
        return Usage(base, shapes.NOTHING)
    written = ast.unparse(receiver)
    reads = []
    for node in _later(stmt, index):
        if not isinstance(node, (ast.Name, ast.Attribute)) or ast.unparse(node) != written:
            continue
        parent = index.parents.get(node)
        attr = parent.attr if isinstance(parent, ast.Attribute) and parent.value is node else None
        if attr in SINK_METHODS and isinstance(index.parents.get(parent), ast.Call):
            break  # a new statement on the same cursor: ours has been read (or not) by now
        if attr in NOT_READS:
            continue
        reads.append(node)
    if not reads:
        return Usage(base, shapes.NOTHING)
    fetch = _cursor_fetch(reads[0], index)
    if len(reads) == 1 and fetch is not None and _next_statement_takes(stmt, fetch[0], index):
        return Usage(fetch[0], fetch[1], removes=stmt, kind=_cursor_rows(receiver, stmt, index))
    counts = [index.parents.get(r) for r in reads]
    if all(isinstance(c, ast.Attribute) and c.attr == "rowcount" and isinstance(c.ctx, ast.Load)
           and _once_after(stmt, c, index) for c in counts):
        name = _fresh_name("rowcount", stmt, index)
        return Usage(base, shapes.COUNT, renames=tuple((c, name) for c in counts), assign=name)
    raise reasons.Refused(reasons.CURSOR_USE, _describe_use(reads[0], index))


_ROW_FACTORIES = {"dict_row": shapes.MAPPING, "tuple_row": shapes.SA_ROW, "namedtuple_row": shapes.SA_ROW,
                  "RealDictCursor": shapes.MAPPING}
"""Row factories (psycopg 3) and cursor classes (psycopg2) that say what a cursor's rows are."""


def _cursor_rows(receiver: ast.expr, stmt: ast.stmt, index: ModuleIndex) -> str:
    """The row kind of ``cur``'s rows when the function makes the cursor with a row factory
    (``conn.cursor(row_factory=dict_row)``), else a cursor row of unknown kind."""
    if not isinstance(receiver, ast.Name):
        return shapes.CURSOR_ROW
    scope = index.function_of(stmt) or index.tree
    for node in ast.walk(scope):
        made = None
        if isinstance(node, (ast.With, ast.AsyncWith)):
            made = next((i.context_expr for i in node.items if isinstance(i.optional_vars, ast.Name)
                         and i.optional_vars.id == receiver.id), None)
        elif isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == receiver.id
                                                  for t in node.targets):
            made = node.value
        if isinstance(made, ast.Call):
            for keyword in made.keywords:
                if keyword.arg in ("row_factory", "cursor_factory"):
                    value = keyword.value
                    name = value.attr if isinstance(value, ast.Attribute) else getattr(value, "id", "")
                    return _ROW_FACTORIES.get(name, shapes.CURSOR_ROW)
    return shapes.CURSOR_ROW


def _fresh_name(stem: str, stmt: ast.stmt, index: ModuleIndex) -> str:
    """``stem`` (or ``stem_2``...) when no name, parameter or attribute of the function uses it."""
    scope = index.function_of(stmt) or index.tree
    taken = {n.id for n in ast.walk(scope) if isinstance(n, ast.Name)} | {
        a.arg for a in ast.walk(scope) if isinstance(a, ast.arg)} | {
        n.id for n in ast.walk(index.tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}
    name, number = stem, 1
    while name in taken:
        number += 1
        name = f"{stem}_{number}"
    return name


def _cursor_fetch(node: ast.expr, index: ModuleIndex) -> Optional[Tuple[ast.expr, str]]:
    attribute = index.parents.get(node)
    call = index.parents.get(attribute)
    if not (isinstance(attribute, ast.Attribute) and attribute.attr in CURSOR_FETCHES
            and isinstance(call, ast.Call) and call.func is attribute and not call.args and not call.keywords):
        return None
    awaited = index.parents.get(call)
    return (awaited if isinstance(awaited, ast.Await) else call), CURSOR_FETCHES[attribute.attr]


def _later(stmt: ast.stmt, index: ModuleIndex) -> List[ast.AST]:
    """Nodes evaluated after ``stmt`` in its function: textually after it, anywhere in a
    loop around it (the next round runs them after), or in the body of a function or lambda
    defined before it (called later, it reads the names as they are then)."""
    scope = index.function_of(stmt) or index.tree
    loop = next((a for a in index.ancestors(stmt) if isinstance(a, (ast.For, ast.AsyncFor, ast.While))
                 and scope in index.ancestors(a)), None)
    start, end = (stmt.lineno, stmt.col_offset), (stmt.end_lineno, stmt.end_col_offset)
    after, wrapped, deferred = [], [], []
    inside_loop = set(map(id, ast.walk(loop))) if loop is not None else set()
    nested = {id(n) for f in ast.walk(scope) if isinstance(f, FUNCTIONS) and f is not scope
              for part in (f.body if isinstance(f.body, list) else [f.body]) for n in ast.walk(part)}
    for node in ast.walk(scope):
        if not hasattr(node, "lineno"):
            continue
        where = (node.lineno, node.col_offset)
        if where >= end:
            after.append(node)
        elif where < start and id(node) in inside_loop:
            wrapped.append(node)
        elif where < start and id(node) in nested:
            deferred.append(node)

    def order(n: ast.AST) -> Tuple[int, int]:
        return n.lineno, n.col_offset
    return sorted(after, key=order) + sorted(wrapped, key=order) + sorted(deferred, key=order)


def _next_statement_takes(first: ast.stmt, target: ast.expr, index: ModuleIndex) -> bool:
    """``target`` sits in the simple statement right after ``first`` and nothing with an
    effect in that statement runs before it (so replacing it there changes no order)."""
    block, position = index.block_of(first)
    if position + 1 >= len(block):
        return False
    following = block[position + 1]
    if isinstance(following, (ast.For, ast.AsyncFor)):
        region: ast.AST = following.iter  # evaluated once, before the loop's body
    elif isinstance(following, ast.If):
        region = following.test
    elif isinstance(following, (ast.Assign, ast.AnnAssign, ast.AugAssign, ast.Return, ast.Expr)):
        region = following
    else:
        return False
    if index.statement_of(target) is not following or not any(n is target for n in ast.walk(region)):
        return False
    ancestors = set(map(id, index.ancestors(target)))
    deferred = _deferred_parts(target, index)
    if id(target) in deferred:
        return False
    start = (target.lineno, target.col_offset)
    for node in ast.walk(region):
        if id(node) in ancestors or id(node) in deferred or node is target:
            continue
        if isinstance(node, (ast.Call, ast.Await, ast.NamedExpr)) and (node.end_lineno, node.end_col_offset) <= start:
            return False
    return True


def _deferred_parts(target: ast.expr, index: ModuleIndex) -> set:
    """Ids of nodes a comprehension or lambda around ``target`` evaluates later (or repeatedly)."""
    deferred = set()
    for ancestor in index.ancestors(target):
        if isinstance(ancestor, ast.Lambda):
            deferred.update(map(id, ast.walk(ancestor)))
        elif isinstance(ancestor, (ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp)):
            first_iter = set(map(id, ast.walk(ancestor.generators[0].iter)))
            for node in ast.walk(ancestor):
                if id(node) not in first_iter and node is not ancestor:
                    deferred.add(id(node))
    return deferred


def _describe_use(node: ast.expr, index: ModuleIndex) -> str:
    """How the result is used, as written: ``result.rowcount``, ``for ... in result``, ``return result``."""
    top = node
    while True:
        parent = index.parents.get(top)
        if isinstance(parent, ast.Attribute) or (isinstance(parent, ast.Call) and parent.func is top):
            top = parent
            continue
        break
    if top is not node:
        return source_text(top, 50)
    holder = index.parents.get(top)
    if isinstance(holder, (ast.For, ast.AsyncFor, ast.comprehension)) and holder.iter is top:
        return f"for ... in {source_text(top, 40)}"
    if isinstance(holder, ast.Call):
        return source_text(holder, 50)
    return source_text(index.statement_of(top), 50)
