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
from dataclasses import dataclass, field
from typing import Callable, Dict, List, Optional, Sequence, Tuple

from ..literal_positions import source_lines
from ..model import HOLE_PREFIX, Finding
from ..registry import Registry
from ..sql_split import split_statements
from . import reasons
from .calls import ClientSpec, call_text, replacement_text, signature_problem
from .callsites import (REWRITABLE_SINKS, CallSite, ModuleIndex, Span, bind, call_sites, calls_at, has_effects,
                        unused_arguments)
from .client_methods import ClientClass
from .guards import in_migration, name_taken
from .leftovers import remove_leftovers
from .reasons import Refusal, Refused
from .rewrites import RewriteIndex
from .statement import Resolved, resolve_statement
from .usage import usage_of

DATA_CODES = frozenset({"BND100", "BND101"})
_HOLE = re.compile(re.escape(HOLE_PREFIX) + r"(\d+)")
_FINDING_REASONS = {"BND104": reasons.UNOWNED_TABLE, "BND105": reasons.DYNAMIC_TABLE}


@dataclass(frozen=True)
class CallRewrite:
    """Replace the expression at ``target`` with ``replacement`` (names in ``bindings``
    stand for the argument expressions at those spans) and drop ``removals``."""

    line: int
    owner: str
    client: ClientSpec
    method: str
    call: str  # the client call with the call site's arguments, for people
    parameters: Tuple[str, ...]
    returns: str
    sql: str
    explicit: bool
    target: Span
    target_kind: str
    replacement: str
    bindings: Tuple[Tuple[str, Span], ...]
    removals: Tuple[Span, ...]
    findings: Tuple[Finding, ...]
    new_line: int = 0  # where the client call stands in the rewritten file


@dataclass(frozen=True)
class MissingMethod:
    """A call that would be rewritten if the client had the method."""

    owner: str
    client: ClientSpec
    class_name: str
    method: str
    parameters: Tuple[str, ...]
    returns: str
    sql: str
    line: int
    call: str
    problem: str


@dataclass
class FilePlan:
    path: str
    service: str
    rewrites: List[CallRewrite] = field(default_factory=list)
    left: List[Tuple[Finding, Refusal]] = field(default_factory=list)
    removals: List[Span] = field(default_factory=list)  # SQL constants and imports nobody uses any more
    dropped_imports: List[Tuple[str, str]] = field(default_factory=list)  # (module, name) of from-imports
    missing: List[MissingMethod] = field(default_factory=list)


class Planner:
    """Plans files against one registry (explicit rewrites indexed once).

    Args:
        clients: owner -> the client class as its module defines it, or None if unknown.
        exported: name -> whether another file of the run mentions it (a module
            constant that may be imported elsewhere is kept).
    """

    def __init__(self, registry: Registry, clients: Callable[[str], Optional[ClientClass]] = lambda o: None,
                 exported: Callable[[str], bool] = lambda n: False) -> None:
        self.registry = registry
        self.index = RewriteIndex(registry)
        self.clients = clients
        self.exported = exported

    def plan(self, path: str, source: str, tree: ast.Module, findings: Sequence[Finding], service: str) -> FilePlan:
        plan = FilePlan(path, service)
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
                outcome[id(site)] = self._plan_call(site, by_call[id(site)], module, service, plan)
        plan.rewrites = [o for o in outcome.values() if isinstance(o, CallRewrite)]
        kept = remove_leftovers(plan, sites, outcome, module, self.exported)
        for finding in findings:
            refusal = _finding_refusal(finding, calls_of[finding], outcome, kept)
            if refusal is not None:
                plan.left.append((finding, refusal))
        return plan

    # -- one call -----------------------------------------------------------------------

    def _plan_call(self, site: CallSite, findings: List[Finding], module: ModuleIndex, service: str,
                   plan: FilePlan):
        try:
            return self._rewrite(site, findings, module, service, plan)
        except Refused as refused:
            return Refusal(site.line, _holes_as_written(refused.message, site), _holes_as_written(refused.detail, site))
        except Exception as err:  # a bug of ours must not stop the run: leave the call, say why
            return Refusal(site.line, reasons.PLANNING_FAILED, f"{type(err).__name__}: {err}"[:120])

    def _rewrite(self, site: CallSite, findings: List[Finding], module: ModuleIndex, service: str,
                 plan: FilePlan) -> CallRewrite:
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
        config = self.registry.services[owner].client
        if not config:
            raise Refused(reasons.NO_CLIENT, owner)
        client = ClientSpec(str(config["module"]), str(config["factory"]), bool(config.get("awaitable", False)))
        if name_taken(module, site.call, client.factory, client.module):
            raise Refused(reasons.FACTORY_TAKEN, client.factory)
        text = site.site.text
        if len([s for s, e in split_statements(text) if text[s:e].strip()]) > 1:
            raise Refused(reasons.SEVERAL_STATEMENTS)
        resolved = resolve_statement(text, self.registry, self.index, owner, service)
        use = usage_of(site, module)
        in_async = isinstance(module.function_of(site.call), ast.AsyncFunctionDef)
        if client.awaitable and not in_async:
            raise Refused(reasons.NOT_ASYNC)
        return self._build(site, findings, module, owner, client, resolved, use, plan)

    def _build(self, site, findings, module, owner, client, resolved: Resolved, use, plan) -> CallRewrite:
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
        people = call_text(template, exprs)
        known = self.clients(owner)
        if known is not None:
            problem = signature_problem(known, resolved.method, template)
            if problem is not None:
                message = reasons.MISSING_METHOD if resolved.method not in known.methods else reasons.BAD_SIGNATURE
                plan.missing.append(MissingMethod(owner, client, known.name, resolved.method, resolved.parameters,
                                                  use.returns, site.site.text, site.line, people, problem))
                raise Refused(message, f"{known.name}.{people}")
        awaited = isinstance(module.parents.get(site.call), ast.Await)
        target = use.target
        replacement = replacement_text(template, client, awaited)
        parent = module.parents.get(target)
        if replacement.startswith("await ") and (
                (isinstance(parent, (ast.Attribute, ast.Subscript)) and parent.value is target)
                or (isinstance(parent, ast.Call) and parent.func is target)):
            replacement = f"({replacement})"
        return CallRewrite(
            line=site.line, owner=owner, client=client, method=resolved.method, call=people,
            parameters=resolved.parameters, sql=_holes_as_written(site.site.text, site), explicit=resolved.explicit,
            returns=f"{use.returns}, read as answer{resolved.trailer}" if resolved.trailer else use.returns,
            target=module.span(target), target_kind=type(target).__name__, replacement=replacement,
            bindings=tuple((n, module.span(e)) for n, e in exprs.items()),
            removals=(module.span(use.removes),) if use.removes is not None else (),
            findings=tuple(findings))


def _holes_as_written(text: str, site: CallSite) -> str:
    """``bl_hole_0`` in a message -> ``{cond}``, as the f-string reads."""
    def written(match: "re.Match[str]") -> str:
        number = int(match.group(1))
        hole = site.holes[number] if number < len(site.holes) else None
        return "{%s}" % ast.unparse(hole) if getattr(hole, "lineno", None) else "{}"

    return _HOLE.sub(written, text)


def _finding_refusal(finding: Finding, calls: List[CallSite], outcome: Dict[int, object],
                     kept: Dict[str, str]) -> Optional[Refusal]:
    if getattr(finding, "via", "") == "orm" and finding.code in DATA_CODES:
        return Refusal(finding.line, reasons.ORM_ACCESS)  # rewriting ORM queries is out of scope
    if not calls:
        message = _FINDING_REASONS.get(finding.code, reasons.NOT_AT_A_CALL)
        if finding.code not in DATA_CODES and finding.code not in _FINDING_REASONS:
            message = reasons.NOT_DATA_ACCESS
        if finding.path.endswith(".sql"):
            message = reasons.IN_SQL_FILE
        return Refusal(finding.line, message)
    for site in calls:
        result = outcome.get(id(site))
        if isinstance(result, Refusal):
            return result
    for site in calls:
        for name, _ in site.sql_names:
            if name.id in kept:
                return Refusal(finding.line, reasons.CONSTANT_KEPT, f"{name.id}: {kept[name.id]}")
    return None


def plan_source(path: str, source: str, registry: Registry, service: str,
                planner: Optional[Planner] = None) -> Tuple[FilePlan, object]:
    """Check Python source with the checker, then plan: ``(plan, the checker's FileResult)``.

    The one ``ast`` parse serves both; a file that does not parse gets an empty plan.
    """
    from ..checker import check_python_source

    planner = planner or Planner(registry)
    try:
        tree = ast.parse(source, filename=path)
    except (SyntaxError, ValueError):
        return FilePlan(path, service), check_python_source(path, source, registry, service)
    result = check_python_source(path, source, registry, service, tree=tree, lines=source_lines(source))
    return planner.plan(path, source, tree, result.findings, service), result
