"""What the rewritten calls leave unused: the statements binding their SQL, and imports.

A statement ``STRATEGY_SQL = text(\"\"\"...\"\"\")`` goes when every use of the
name was in a rewritten call, the name is not in ``__all__`` and (at module
level) no other file of the run mentions it. A ``from x import name`` goes
when every use of ``name`` was inside what the rewrite replaced or removed
(typically sqlalchemy's ``text``). Decided on the ``ast`` tree, so the libcst
pass needs no scope analysis.
"""

from __future__ import annotations

import ast
from typing import Callable, Dict, List, Set, Tuple

from boundary_lint.codemod.callsites import CallSite, ModuleIndex, Span
from boundary_lint.codemod.decisions import CallRewrite


def remove_leftovers(plan, sites: List[CallSite], outcome: Dict[int, object], module: ModuleIndex,
                     exported: Callable[[str], bool]) -> Dict[str, str]:
    """Fill ``plan.removals`` and ``plan.dropped_imports``; returns kept SQL names -> why."""
    rewritten = [s for s in sites if isinstance(outcome.get(id(s)), CallRewrite)]
    if not rewritten:
        return {}
    kept = _constants(plan, rewritten, module, exported)
    gone = [r.target for r in plan.rewrites] + [s for r in plan.rewrites for s in r.removals] + plan.removals
    stay = [s for r in plan.rewrites for _, s in r.bindings]
    _imports(plan, module, gone, stay)
    _dead_cursors(plan, module, gone, stay)
    _unused_parameters(plan, module, gone, stay)
    return kept


CURSOR_FACTORIES = frozenset({"cursor"})


def _dead_cursors(plan, module: ModuleIndex, gone: List[Span], stay: List[Span]) -> None:
    """``with conn.cursor() as cur:`` whose every use of ``cur`` was rewritten away: the block's
    statements take its place (opening a cursor nobody uses does nothing)."""
    for node in ast.walk(module.tree):
        if not isinstance(node, (ast.With, ast.AsyncWith)) or len(node.items) != 1:
            continue
        item = node.items[0]
        call = item.context_expr
        if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute)
                and call.func.attr in CURSOR_FACTORIES and isinstance(item.optional_vars, ast.Name)
                and all(isinstance(a, (ast.Name, ast.Constant, ast.Attribute)) for a in call.args)
                and all(isinstance(k.value, (ast.Name, ast.Constant, ast.Attribute)) for k in call.keywords)):
            continue
        name = item.optional_vars.id
        uses = [module.span(n) for statement in node.body for n in ast.walk(statement)
                if isinstance(n, ast.Name) and n.id == name]
        if uses and all(_within(u, gone) and not _within(u, stay) for u in uses):
            plan.unwrapped.append(module.span(node))


def _unused_parameters(plan, module: ModuleIndex, gone: List[Span], stay: List[Span]) -> None:
    """Parameters (a session, a connection) that only the rewritten SQL used: said, not removed,
    since callers pass them."""
    functions = {id(module.function_of(module.tree_node(r.target))): module.function_of(module.tree_node(r.target))
                 for r in plan.rewrites if module.tree_node(r.target) is not None}
    for function in functions.values():
        if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        for arg in [*function.args.posonlyargs, *function.args.args, *function.args.kwonlyargs]:
            if arg.arg in ("self", "cls"):
                continue
            uses = [module.span(n) for n in ast.walk(function) if isinstance(n, ast.Name) and n.id == arg.arg]
            if uses and all(_within(u, gone) and not _within(u, stay) for u in uses):
                plan.notes.append((function.lineno, f"parameter {arg.arg} of {function.name}() is no longer used"))


def _constants(plan, rewritten: List[CallSite], module: ModuleIndex, exported: Callable[[str], bool]) -> Dict[str, str]:
    candidates: Dict[int, Tuple[ast.stmt, List[ast.Name]]] = {}
    for site in rewritten:
        for name, statement in site.sql_names:
            candidates.setdefault(id(statement), (statement, []))[1].append(name)
    loads = _loads(module.tree)
    public = _dunder_all(module.tree)
    removed_from: Dict[int, int] = {}
    kept: Dict[str, str] = {}
    for statement, names in candidates.values():
        name = names[0].id
        at_module = isinstance(module.parents.get(statement), ast.Module)
        same = [use for use in loads.get(name, ()) if _binding_of(use, module) is statement.value]
        if len(same) > len(names) or len(loads.get(name, ())) > len(same) and at_module:
            kept[name] = "still used in this file"
        elif at_module and (name in public or exported(name)):
            kept[name] = "may be imported elsewhere"
        else:
            block, _ = module.block_of(statement)
            if removed_from.get(id(block), 0) + 1 >= len(block):
                kept[name] = "only statement of its block"
                continue
            removed_from[id(block)] = removed_from.get(id(block), 0) + 1
            plan.removals.append(module.span(statement))
    return kept


def _imports(plan, module: ModuleIndex, gone: List[Span], stay: List[Span]) -> None:
    loads = _loads(module.tree)
    public = _dunder_all(module.tree)
    for statement in module.tree.body:
        if not isinstance(statement, ast.ImportFrom) or statement.module is None or statement.level:
            continue
        dropped = []
        for alias in statement.names:
            bound = alias.asname or alias.name
            uses = loads.get(bound, [])
            if alias.name == "*" or bound in public or not uses:
                continue
            spans = [module.span(use) for use in uses]
            if all(_within(s, gone) and not _within(s, stay) for s in spans):
                dropped.append(alias)
        if not dropped:
            continue
        if len(dropped) == len(statement.names):
            plan.removals.append(module.span(statement))
        else:
            plan.dropped_imports.extend((statement.module, a.name) for a in dropped if a.asname is None)


def _binding_of(use: ast.Name, module: ModuleIndex):
    return module.scopes.lookup(use.id, module.scope_stack(use))


def _within(span: Span, outers: List[Span]) -> bool:
    return any((o[0], o[1]) <= (span[0], span[1]) and (span[2], span[3]) <= (o[2], o[3]) for o in outers)


def _loads(tree: ast.Module) -> Dict[str, List[ast.Name]]:
    loads: Dict[str, List[ast.Name]] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
            loads.setdefault(node.id, []).append(node)
    return loads


def _dunder_all(tree: ast.Module) -> Set[str]:
    names: Set[str] = set()
    for node in tree.body:
        if isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(isinstance(t, ast.Name) and t.id == "__all__" for t in targets) and node.value is not None:
                names.update(n.value for n in ast.walk(node.value) if isinstance(n, ast.Constant))
    return names
