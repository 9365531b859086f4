"""The checker's findings + a module's call sites -> a rewrite plan per call, or a refusal.

Pure: the module text and its ``ast`` tree, the findings the checker gave for
it, the registry. Each call whose SQL holds a finding gets a
:class:`CallRewrite` (what replaces which span, which arguments go where) or
a :class:`~boundary_lint.codemod.reasons.Refusal`; each finding is either
covered by rewrites or left with the reason. The libcst transform only
applies what is decided here.
"""

from __future__ import annotations

import ast
import re
from typing import Callable, Dict, List, Optional, Sequence, Tuple

from boundary_lint.sites.literal_positions import source_lines
from boundary_lint.model import HOLE_PREFIX, Finding
from boundary_lint.registry import Registry
from boundary_lint.prefilter.triggers import CALL_NAMES
from boundary_lint.sql.split import split_statements
from boundary_lint.codemod import reasons
from boundary_lint.codemod import shapes
from boundary_lint.codemod.calls import ClientSpec, call_text, client_specs, replacement_text, signature_problem
from boundary_lint.codemod.callsites import (
    FUNCTIONS,
    REWRITABLE_SINKS,
    WRAPPERS,
    CallSite,
    ModuleIndex,
    bind,
    call_sites,
    calls_at,
    has_effects,
    unused_arguments,
)
from boundary_lint.codemod.client_methods import Signature
from boundary_lint.codemod.follow import Edit, follow_result
from boundary_lint.codemod.guards import in_fallback, in_migration, name_taken, transaction_problem
from boundary_lint.codemod.leftovers import remove_leftovers
from boundary_lint.codemod.decisions import CallRewrite, FilePlan, KnownClient, MissingMethod
from boundary_lint.codemod.reasons import Refusal, Refused
from boundary_lint.codemod.rewrites import RewriteIndex
from boundary_lint.codemod.statement import Resolved, resolve_statement
from boundary_lint.codemod.shapes import shape_of_annotation
from boundary_lint.codemod.usage import Usage, usage_of

DATA_CODES = frozenset({"BND100", "BND101"})
WHOLE_CODES = frozenset({"BND107", "BND108"})
"""Codes about a whole statement or transaction, not one table access: no rewrite answers them
(a write in a transaction is judged by the transaction guard, at the write's own finding)."""
_HOLE = re.compile(re.escape(HOLE_PREFIX) + r"(\d+)")
_FINDING_REASONS = {"BND104": reasons.UNOWNED_TABLE, "BND105": reasons.DYNAMIC_TABLE}


class Planner:
    """Plans files against one registry (explicit rewrites indexed once).

    Args:
        clients: (owner, file path) -> the owner's clients as found for that file; None
            when nothing is known (then every client is assumed to offer every method).
        exported: name -> whether another file of the run mentions it (a module
            constant that may be imported elsewhere is kept).
        assume_clients: write calls to clients or methods that were not found.
        allow_non_atomic: move writes out of their transaction (each is listed).
    """

    def __init__(self, registry: Registry, clients: Optional[Callable[[str, str], List[KnownClient]]] = None,
                 exported: Callable[[str], bool] = lambda n: False, assume_clients: bool = False,
                 allow_non_atomic: bool = False, write_clients: bool = False) -> None:
        self.registry = registry
        self.write_clients = write_clients  # methods no client has are to be generated; others are checked
        self.index = RewriteIndex(registry)
        self.clients = clients
        self.exported = exported
        self.assume_clients = assume_clients or clients is None
        self.allow_non_atomic = allow_non_atomic
        self.tables: Dict[Tuple[str, str], Tuple[str, str]] = {}  # (owner, derived method) -> (table, first site)

    def plan(self, path: str, source: str, tree: ast.Module, findings: Sequence[Finding], service: str) -> FilePlan:
        plan = FilePlan(path, service)
        findings = [f for f in findings if f.code not in WHOLE_CODES]
        if not findings:
            return plan
        lines = source_lines(source)
        module = ModuleIndex(tree, lines, lines)
        sites = call_sites(module, self.registry.settings.sinks)
        by_call: Dict[int, List[Finding]] = {}
        calls_of: Dict[Finding, List[CallSite]] = {}
        for finding in findings:
            calls_of[finding] = calls_at(sites, finding.line, finding.column)
            for site in calls_of[finding]:
                by_call.setdefault(id(site), []).append(finding)
        outcome: Dict[int, object] = {}
        for site in sites:
            if id(site) in by_call:
                outcome[id(site)] = self._plan_call(site, by_call[id(site)], module, service, plan, sites)
        plan.rewrites = [o for o in outcome.values() if isinstance(o, CallRewrite)]
        kept = remove_leftovers(plan, sites, outcome, module, self.exported)
        for finding in findings:
            refusal = _finding_refusal(finding, calls_of[finding], outcome, kept, module)
            if refusal is not None:
                plan.left.append((finding, refusal))
        return plan

    # -- one call -----------------------------------------------------------------------

    def _plan_call(self, site: CallSite, findings: List[Finding], module: ModuleIndex, service: str,
                   plan: FilePlan, sites: Sequence[CallSite]):
        try:
            return self._rewrite(site, findings, module, service, plan, sites)
        except Refused as refused:
            return Refusal(site.line, _holes_as_written(refused.message, site), _holes_as_written(refused.detail, site))
        except Exception as err:  # a bug of ours must not stop the run: leave the call, say why
            return Refusal(site.line, reasons.PLANNING_FAILED, f"{type(err).__name__}: {err}"[:120])

    def _rewrite(self, site: CallSite, findings: List[Finding], module: ModuleIndex, service: str,
                 plan: FilePlan, sites: Sequence[CallSite]) -> CallRewrite:
        if site.sink not in REWRITABLE_SINKS:
            raise Refused(reasons.UNKNOWN_SINK, site.sink)
        if in_migration(site, module):
            raise Refused(reasons.IN_MIGRATION)
        for finding in findings:
            if finding.code not in DATA_CODES:
                raise Refused(_FINDING_REASONS.get(finding.code, reasons.NOT_DATA_ACCESS), finding.table)
        owners = sorted({f.owner for f in findings})
        if len(owners) > 1:
            raise Refused(reasons.TWO_SERVICES, ", ".join(owners))
        owner = owners[0]
        specs = list(client_specs(self.registry.services[owner]))
        if not specs:
            raise Refused(reasons.NO_CLIENT, owner)
        for spec in specs:
            if in_fallback(site, module, spec.factory):
                raise Refused(reasons.FALLBACK, f"{spec.factory}() in the try")
        text = site.site.text
        if len([s for s, e in split_statements(text) if text[s:e].strip()]) > 1:
            raise Refused(reasons.SEVERAL_STATEMENTS)
        use = usage_of(site, module)
        resolved = resolve_statement(text, self.registry, self.index, owner, service, use.returns)
        atomic = None
        if any(f.code == "BND101" for f in findings):
            atomic = transaction_problem(site, module, sites)
            if atomic is not None and not self.allow_non_atomic:
                raise Refused(*atomic)
        return self._build(site, findings, module, owner, specs, resolved, use, plan,
                           reasons.NO_LONGER_ATOMIC + f" ({atomic[0]})" if atomic else "")

    def _choose_client(self, owner: str, specs: List[ClientSpec], path: str, resolved: Resolved,
                       template: ast.expr, people: str, use: Usage, site: CallSite, plan: FilePlan):
        """The client that takes the call and the method's signature there (None when assumed)."""
        if self.clients is None:
            return specs[0], None
        known = self.clients(owner, path)
        readable = [k for k in known if k.cls is not None]
        for client in readable:
            if signature_problem(client.cls, resolved.method, template) is None:
                return client.spec, client.cls.methods[resolved.method]
        if self.write_clients and not any(resolved.method in k.cls.methods for k in readable):
            unreadable = next((k.problem for k in known if k.problem and "not found" not in k.problem), "")
            if not readable and unreadable:
                raise Refused(reasons.CLIENT_UNREADABLE, f"{unreadable}; --write-clients cannot add methods to it")
            return (readable[0].spec if readable else specs[0]), None
        if self.assume_clients and not self.write_clients:
            return specs[0], None
        if not readable:
            problem = next((k.problem for k in known if k.problem), "")
            raise Refused(reasons.CLIENT_NOT_FOUND if "not found" in problem else reasons.CLIENT_UNREADABLE,
                          f"{problem}; add it, or pass --assume-clients to write calls to methods that do not "
                          "exist yet")
        first = readable[0]
        problem = signature_problem(first.cls, resolved.method, template)
        plan.missing.append(MissingMethod(owner, first.spec, first.cls.name, resolved.method, resolved.parameters,
                                          use.returns, site.site.text, site.line, people, problem))
        has = any(resolved.method in k.cls.methods for k in readable)
        raise Refused(reasons.BAD_SIGNATURE if has else reasons.MISSING_METHOD, f"{first.cls.name}.{people}")

    def _build(self, site, findings, module, owner, specs, resolved: Resolved, use: Usage, plan,
               non_atomic: str) -> CallRewrite:
        names: Dict[int, str] = {}
        exprs: Dict[str, ast.expr] = {}
        arguments: Dict[object, str] = {}
        for key in resolved.keys:
            expr = bind(site, key, module)
            if id(expr) not in names:
                names[id(expr)] = f"bl_arg_{len(names)}"
                exprs[names[id(expr)]] = expr
            arguments[key] = names[id(expr)]
        used = {id(e) for e in exprs.values()}
        if any(has_effects(e) for e in unused_arguments(site, used)):
            raise Refused(reasons.SIDE_EFFECT_ARGUMENT, "an unused parameter")
        template = resolved.template(arguments)
        uses = {n: sum(1 for x in ast.walk(template) if isinstance(x, ast.Name) and x.id == n) for n in exprs}
        if any(uses[n] > 1 and has_effects(e) for n, e in exprs.items()):
            raise Refused(reasons.SIDE_EFFECT_ARGUMENT, "a value bound twice")
        if any(has_effects(e) for e in exprs.values()) and _evaluation_order(template, exprs) != sorted(
                exprs, key=lambda n: (exprs[n].lineno, exprs[n].col_offset)):
            raise Refused(reasons.SIDE_EFFECT_ARGUMENT, "arguments with effects would run in another order")
        if resolved.verb == "select" and use.returns == shapes.NOTHING:
            raise Refused(reasons.SELECT_NOT_READ)
        if not resolved.explicit:  # a derived name says the table without its schema: one table per name
            first = self.tables.get((owner, resolved.method), (resolved.table, ""))
            if first[0] != resolved.table:
                raise Refused(reasons.METHOD_TWO_TABLES, f"{resolved.method}: {first[0]} at {first[1]}, "
                                                         f"{resolved.table} here")
        people = call_text(template, exprs)
        client, signature = self._choose_client(owner, specs, plan.path, resolved, template, people, use, site, plan)
        if name_taken(module, site.call, client.factory, client.module):
            raise Refused(reasons.FACTORY_TAKEN, client.factory)
        in_async = _can_await(site.call, module)
        if client.awaitable and not in_async:
            raise Refused(reasons.NOT_ASYNC)
        offered = _offered_shape(resolved, signature, use, self.assume_clients)
        answer = use.follow_from or use.target  # where the client's answer is read
        followed = follow_result(answer, use.returns, use.kind, module, resolved.fields)
        holder = module.parents.get(answer)
        read_at_once = isinstance(holder, (ast.Subscript, ast.Attribute)) and holder.value is answer and \
            not followed.null_tested and not _in_try_body(answer, module)
        _check_shapes(use, offered, read_at_once, resolved, signature)
        edits = list(followed.edits) + [Edit(module.span(c), "Attribute", "unwrap") for c in use.count_uses] + [
            Edit(module.span(node), type(node).__name__, "name", (name,)) for node, name in use.renames]
        # the method is awaited when it is a coroutine: as its class says, else as the registry's
        # ``awaitable`` says of the client (factory and methods alike)
        awaited = signature.awaitable if signature is not None else client.awaitable
        if awaited and not in_async:
            raise Refused(reasons.NOT_ASYNC)
        target = use.target
        replacement = replacement_text(template, client, awaited)
        parent = module.parents.get(target)
        if replacement.startswith("await ") and (
                (isinstance(parent, (ast.Attribute, ast.Subscript)) and parent.value is target)
                or (isinstance(parent, ast.Call) and parent.func is target)):
            replacement = f"({replacement})"
        rewrite = resolved.rewrite
        if not resolved.explicit:
            self.tables.setdefault((owner, resolved.method), (resolved.table, f"{plan.path}:{site.line}"))
        return CallRewrite(
            line=site.line, owner=owner, client=client, method=resolved.method, call=people,
            parameters=resolved.parameters, sql=_holes_as_written(site.site.text, site), explicit=resolved.explicit,
            returns=offered,
            target=module.span(target), target_kind=type(target).__name__, replacement=replacement,
            bindings=tuple((n, module.span(e)) for n, e in exprs.items()),
            removals=(module.span(use.removes),) if use.removes is not None else (),
            findings=tuple(findings), edits=tuple(edits), verb=resolved.verb, table=resolved.table,
            fields=resolved.fields, rewrite_sql=rewrite.sql if rewrite else "",
            rewrite_call=ast.unparse(rewrite.call) if rewrite else "", no_longer_atomic=non_atomic,
            assumed=signature is None and self.clients is not None, assign=use.assign)


def _in_try_body(node: ast.AST, module: ModuleIndex) -> bool:
    """Whether an exception at ``node`` may be caught by a handler of its function (the
    error a missing row raises is not the client's)."""
    child = node
    for ancestor in module.ancestors(node):
        if isinstance(ancestor, FUNCTIONS):
            return False
        if isinstance(ancestor, ast.Try) and ancestor.handlers and any(child is s for s in ancestor.body):
            return True
        child = ancestor
    return False


def _evaluation_order(template: ast.expr, exprs: Dict[str, ast.expr]) -> List[str]:
    """The argument names in the order the rewritten call evaluates them (left to right as
    written: keywords, dict entries, list elements)."""
    written = ast.parse(ast.unparse(template), mode="eval")
    names = sorted((n for n in ast.walk(written) if isinstance(n, ast.Name) and n.id in exprs),
                   key=lambda n: (n.lineno, n.col_offset))
    order: List[str] = []
    for name in names:
        if name.id not in order:
            order.append(name.id)
    return order


def _can_await(node: ast.AST, module: ModuleIndex) -> bool:
    """Whether ``await`` written at ``node`` awaits in an enclosing async function: not in a
    class body, a lambda or a nested ``def`` (a SyntaxError there) nor in a generator
    expression (it would become an async generator, which ``list()`` cannot take). Defaults,
    decorators and a comprehension's first iterable run in the enclosing scope."""
    def within(part) -> bool:
        parts = part if isinstance(part, list) else [part]
        return any(node is n for p in parts if p is not None for n in ast.walk(p))

    for ancestor in module.ancestors(node):
        if isinstance(ancestor, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and within(ancestor.body):
            return isinstance(ancestor, ast.AsyncFunctionDef)
        if isinstance(ancestor, ast.Lambda) and within(ancestor.body):
            return False
        if isinstance(ancestor, ast.GeneratorExp) and not within(ancestor.generators[0].iter):
            return False
    return False


def _offered_shape(resolved: Resolved, signature: Optional[Signature], use: Usage, assume: bool) -> str:
    """What the call, as the template writes it, gives back: the registry's ``returns``,
    else the client method's annotation, else (derived, or assumed) the convention's shape."""
    if resolved.explicit and resolved.trailer:
        return shapes.VALUE  # the template reads one value out of the answer
    if resolved.explicit and resolved.shape is not None:
        return resolved.shape
    if signature is not None:
        shape = shape_of_annotation(signature.returns) if signature.returns else None
        if shape is not None:
            return shape
        said = f"-> {signature.returns}" if signature.returns else "has no return annotation"
        raise Refused(reasons.SHAPE_UNKNOWN, f"{resolved.method} {said}: say returns = \"...\" in the rewrite")
    if resolved.shape is not None:
        return resolved.shape
    if assume:
        return use.returns if use.returns != shapes.NOTHING else shapes.COUNT
    raise Refused(reasons.SHAPE_UNKNOWN, f"{resolved.method}: say returns = \"...\" in the rewrite")


def _check_shapes(use: Usage, offered: str, read_at_once: bool, resolved: Resolved, signature) -> None:
    if shapes.agrees(use.returns, offered):
        return
    if use.returns == shapes.ROW_OR_NULL and offered == shapes.ROW and read_at_once:
        return  # the row is read where it is fetched: that fails on a missing row, before as after
    said = "" if signature is None or not signature.returns else f" (-> {signature.returns})"
    raise Refused(reasons.SHAPE_MISMATCH, f"{resolved.method} returns {offered}{said}; the code reads {use.returns}")


def _holes_as_written(text: str, site: CallSite) -> str:
    """``bl_hole_0`` in a message -> ``{cond}``, as the f-string reads."""
    def written(match: "re.Match[str]") -> str:
        number = int(match.group(1))
        hole = site.holes[number] if number < len(site.holes) else None
        return "{%s}" % ast.unparse(hole) if getattr(hole, "lineno", None) else "{}"

    return _HOLE.sub(written, text)


def _finding_refusal(finding: Finding, calls: List[CallSite], outcome: Dict[int, object],
                     kept: Dict[str, str], module: Optional[ModuleIndex] = None) -> Optional[Refusal]:
    if getattr(finding, "via", "") == "orm" and finding.code in DATA_CODES:
        return Refusal(finding.line, reasons.ORM_ACCESS)  # rewriting ORM queries is out of scope
    if not calls:
        message = _FINDING_REASONS.get(finding.code, reasons.NOT_AT_A_CALL)
        detail = ""
        if finding.code not in DATA_CODES and finding.code not in _FINDING_REASONS:
            message = reasons.NOT_DATA_ACCESS
        if finding.path.endswith(".sql"):
            message = reasons.IN_SQL_FILE
        elif message == reasons.NOT_AT_A_CALL and module is not None:
            callee = _enclosing_call(module, finding.line, finding.column)
            if callee in WRAPPERS:
                pass  # text("..."): still not passed to a call
            elif callee in CALL_NAMES:  # the checker reads it (raw(), bulk_insert(), to_sql()...); fix does not
                message, detail = reasons.UNKNOWN_SINK, f"{callee}()"
            elif callee is not None:
                message, detail = reasons.NOT_A_SINK, f"{callee}()"
        return Refusal(finding.line, message, detail)
    for site in calls:
        result = outcome.get(id(site))
        if isinstance(result, Refusal):
            return result
    for site in calls:
        for name, _ in site.sql_names:
            if name.id in kept:
                return Refusal(finding.line, reasons.CONSTANT_KEPT, f"{name.id}: {kept[name.id]}")
    return None


def _enclosing_call(module: ModuleIndex, line: int, column: int) -> Optional[str]:
    """The name of the innermost call whose arguments hold ``line:column`` (1-based, characters)."""
    best = None
    for node in ast.walk(module.tree):
        if not isinstance(node, ast.Call):
            continue
        for argument in [*node.args, *(k.value for k in node.keywords)]:
            start_line, start_col, end_line, end_col = module.span(argument)
            if (start_line, start_col) <= (line, column - 1) < (end_line, end_col):
                if best is None or module.span(best)[:2] < module.span(node)[:2]:
                    best = node
    if best is None:
        return None
    func = best.func
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None) or ast.unparse(func)[:30]


def plan_source(path: str, source: str, registry: Registry, service: str,
                planner: Optional[Planner] = None) -> Tuple[FilePlan, object]:
    """Check Python source with the checker, then plan: ``(plan, the checker's FileResult)``.

    The one ``ast`` parse serves both; a file that does not parse gets an empty plan.
    """
    from boundary_lint.adapters.model_index_store import for_registry
    from boundary_lint.pipeline import check_python_source

    for_registry(registry)  # the model index of the registry's folder, once per process
    planner = planner or Planner(registry)
    try:
        tree = ast.parse(source, filename=path)
    except (SyntaxError, ValueError):
        return FilePlan(path, service), check_python_source(path, source, registry, service)
    result = check_python_source(path, source, registry, service, tree=tree, lines=source_lines(source))
    return planner.plan(path, source, tree, result.findings, service), result
