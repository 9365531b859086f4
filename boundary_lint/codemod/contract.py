"""The client-method contract: per owning service, the methods the rewritten code calls.

It is the "API endpoints required" list of a migration plan, made from the
code: each method with its parameters, what the call sites expect back, the
SQL it replaces and every call site; then the methods a client still lacks
(calls left as they are until it has them). Markdown for people, JSON for tools.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Sequence, Tuple

from boundary_lint.codemod.apply import FixRun
from boundary_lint.codemod.calls import ClientSpec

_WS = re.compile(r"\s+")


@dataclass
class Method:
    name: str
    parameters: Tuple[str, ...]
    explicit: bool
    verb: str = ""
    table: str = ""
    fields: Optional[Tuple[str, ...]] = None
    rewrite: Optional[Dict[str, str]] = None
    no_longer_atomic: List[Tuple[str, int, str]] = field(default_factory=list)
    returns: List[str] = field(default_factory=list)
    sql: List[str] = field(default_factory=list)
    call_sites: List[Tuple[str, int, str, str]] = field(default_factory=list)  # path, line, call, note
    parameter_sets: List[Tuple[str, ...]] = field(default_factory=list)  # each call site's parameters

    def all_parameters(self) -> Tuple[str, ...]:
        """Every parameter some call site passes, in first-seen order."""
        return tuple(dict.fromkeys(p for names in [self.parameters, *self.parameter_sets] for p in names))

    def optional_parameters(self) -> Tuple[str, ...]:
        """The parameters some call site leaves out."""
        sets = self.parameter_sets or [self.parameters]
        return tuple(p for p in self.all_parameters() if any(p not in names for names in sets))

    def add(self, returns: str, sql: str, site: Tuple[str, int, str, str]) -> None:
        if returns not in self.returns:
            self.returns.append(returns)
        statement = _WS.sub(" ", sql).strip()
        if statement not in self.sql:
            self.sql.append(statement)
        self.call_sites.append(site)


@dataclass
class ServiceContract:
    service: str
    client: ClientSpec
    methods: Dict[str, Method] = field(default_factory=dict)
    missing: Dict[str, Method] = field(default_factory=dict)
    class_name: Optional[str] = None
    refused: List[Tuple[str, int, str, str]] = field(default_factory=list)  # path, line, table, reason


def _union(known: Optional[Tuple[str, ...]], more: Optional[Tuple[str, ...]]) -> Optional[Tuple[str, ...]]:
    """The keys a method's rows carry over its call sites (None: every column, for ``SELECT *``)."""
    if known is None or more is None:
        return None
    return tuple(dict.fromkeys((*known, *more)))


_MISSING = {"row or null": "null", "value or null": "null", "row": "error (404)", "value": "error (404)",
            "unique row or null": "null", "unique value or null": "null"}


def missing_row(returns: Sequence[str]) -> Optional[str]:
    """What the method answers when the statement finds no row: ``null``, or an error (404) the
    client raises; None for lists, counts and nothing."""
    said = {_MISSING[r] for r in returns if r in _MISSING}
    return said.pop() if len(said) == 1 else None


def build_contract(run: FixRun) -> List[ServiceContract]:
    services: Dict[str, ServiceContract] = {}
    for outcome in run.files:
        for rewrite in outcome.rewrites:
            contract = services.setdefault(rewrite.owner, ServiceContract(rewrite.owner, rewrite.client))
            method = contract.methods.setdefault(rewrite.method, Method(
                rewrite.method, rewrite.parameters, rewrite.explicit, rewrite.verb, rewrite.table, rewrite.fields,
                {"sql": rewrite.rewrite_sql, "call": rewrite.rewrite_call} if rewrite.explicit else None))
            line = rewrite.new_line or rewrite.line
            method.add(rewrite.returns, rewrite.sql, (outcome.path, line, rewrite.call, ""))
            method.parameter_sets.append(rewrite.parameters)
            method.fields = _union(method.fields, rewrite.fields)
            if rewrite.assumed:  # called by the rewritten code, not (yet) offered by a client found
                todo = contract.missing.setdefault(rewrite.method, Method(
                    rewrite.method, rewrite.parameters, rewrite.explicit, rewrite.verb, rewrite.table, rewrite.fields,
                    method.rewrite))
                todo.add(rewrite.returns, rewrite.sql,
                         (outcome.path, line, rewrite.call, "written with --assume-clients"))
                todo.fields = method.fields
            if rewrite.no_longer_atomic:
                method.no_longer_atomic.append((outcome.path, line, rewrite.no_longer_atomic))
        for finding, refusal in outcome.left:
            if finding.owner and finding.owner in run.owners_with_clients:
                contract = services.setdefault(finding.owner, ServiceContract(finding.owner,
                                                                              run.owners_with_clients[finding.owner]))
                contract.refused.append((outcome.path, finding.line, finding.table, refusal.text()))
        for missing in outcome.missing:
            contract = services.setdefault(missing.owner, ServiceContract(missing.owner, missing.client))
            contract.class_name = missing.class_name
            method = contract.missing.setdefault(missing.method, Method(missing.method, missing.parameters, False))
            method.add(missing.returns, missing.sql, (outcome.path, missing.line, missing.call, missing.problem))
    for contract in services.values():
        contract.refused.sort()
        for method in [*contract.methods.values(), *contract.missing.values()]:
            method.call_sites.sort()
    return [services[name] for name in sorted(services)]


def contract_json(contracts: Sequence[ServiceContract]) -> str:
    def method(m: Method) -> dict:
        return {"name": m.name, "kind": "explicit" if m.explicit else "derived", "verb": m.verb, "table": m.table,
                "returns": m.returns[0] if len(m.returns) == 1 else m.returns,
                "missing": missing_row(m.returns),
                "fields": list(m.fields) if m.fields is not None else None,
                "parameters": list(m.parameters), "explicit_rewrite": m.explicit, "rewrite": m.rewrite,
                "replaces_sql": m.sql,
                "call_sites": [dict({"path": p, "line": n, "call": c}, **({"note": note} if note else {}))
                               for p, n, c, note in m.call_sites],
                "no_longer_atomic": [{"path": p, "line": n, "why": why} for p, n, why in m.no_longer_atomic]}

    document = {"version": 2, "services": [
        {"service": c.service,
         "client": {"module": c.client.module, "factory": c.client.factory, "awaitable": c.client.awaitable},
         "methods": [method(m) for _, m in sorted(c.methods.items())],
         "methods_to_add": [method(m) for _, m in sorted(c.missing.items())],
         "refused": [{"path": p, "line": n, "table": t, "reason": r} for p, n, t, r in c.refused]}
        for c in contracts]}
    return json.dumps(document, indent=2) + "\n"


def contract_markdown(contracts: Sequence[ServiceContract], operations: Optional[Dict[str, list]] = None) -> str:
    """The contract for people; with ``operations`` (service -> operations.Operation), each
    method also says its HTTP operation and the types of what it answers (as the OpenAPI
    document does)."""
    by_name = {(service, op.name): op for service, ops in (operations or {}).items() for op in ops}
    lines = ["# Client methods the rewritten code calls", "",
             "Made by `boundary-lint fix`: per owning service, what its client must offer.", ""]
    if not contracts:
        lines += ["Nothing was rewritten.", ""]
    for contract in contracts:
        client = contract.client
        awaited = " (awaited)" if client.awaitable else ""
        lines += [f"## {contract.service}", "",
                  f"Client: `from {client.module} import {client.factory}`; `{client.factory}()`{awaited}.", ""]
        if contract.methods:
            lines += ["| method | returns | call sites |", "|---|---|---|"]
            for name, method in sorted(contract.methods.items()):
                lines.append(f"| `{name}({', '.join(method.parameters)})` | {' / '.join(method.returns)} "
                             f"| {len(method.call_sites)} |")
            lines.append("")
            for name, method in sorted(contract.methods.items()):
                lines += _method_section(method, "explicit rewrite" if method.explicit else "derived",
                                         by_name.get((contract.service, name)))
        if contract.missing:
            owner = f"`{contract.class_name}`" if contract.class_name else "the client"
            lines += [f"### Still to add to {owner}", "",
                      "These calls were left as they are: the client does not offer the method yet.", ""]
            for name, method in sorted(contract.missing.items()):
                lines += _method_section(method, "derived")
    return "\n".join(lines).rstrip("\n") + "\n"


def _method_section(method: Method, how: str, op=None) -> List[str]:
    lines = [f"#### `{method.name}({', '.join(method.parameters)})`", "",
             f"- returns: {' / '.join(method.returns)}"
             + (f"; no row: {missing_row(method.returns)}" if missing_row(method.returns) else ""),
             f"- from: {how}"]
    if op is not None:
        lines.append(f"- operation: `{op.http} {op.path}`" + (f" (not generated: {op.problem})" if op.problem else ""))
        if op.params:
            lines.append("- parameters: " + ", ".join(f"`{p.name}` ({p.where}, {p.python})" for p in op.params))
        if op.fields:
            lines.append("- answers: " + ", ".join(
                f"`{n}` ({c.python if c is not None and c.known else 'type unknown'})" for n, c in op.fields))
    lines += ["- replaces:", ""]
    for statement in method.sql:
        lines += ["  ```sql", f"  {statement}", "  ```", ""]
    lines.append("- call sites:")
    lines += [f"  - `{path}:{line}`: `{call}`" + (f" ({note})" if note else "")
              for path, line, call, note in method.call_sites]
    lines.append("")
    return lines
