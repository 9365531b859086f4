"""What the planner decides for a file: a rewrite per call, a method a client lacks, the file's plan.

Frozen values the libcst transform applies and the reports print; made by
:mod:`boundary_lint.codemod.plan`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import List, Optional, Tuple

from boundary_lint.model import Finding
from boundary_lint.codemod.calls import ClientSpec
from boundary_lint.codemod.callsites import Span
from boundary_lint.codemod.client_methods import ClientClass
from boundary_lint.codemod.follow import Edit
from boundary_lint.codemod.reasons import Refusal


@dataclass(frozen=True)
class KnownClient:
    """One of an owner's clients as the run found it: ``cls`` None when its module or
    class could not be read (``problem`` says which)."""

    spec: ClientSpec
    cls: Optional[ClientClass]
    problem: str = ""


@dataclass(frozen=True)
class CallRewrite:
    """Replace the expression at ``target`` with ``replacement`` (names in ``bindings``
    stand for the argument expressions at those spans), apply ``edits`` to the uses of the
    result and drop ``removals``."""

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
    edits: Tuple[Edit, ...] = ()
    verb: str = ""
    table: str = ""
    fields: Optional[Tuple[str, ...]] = None
    rewrite_sql: str = ""
    rewrite_call: str = ""
    no_longer_atomic: str = ""  # why, when --allow-non-atomic let a write out of its transaction
    assumed: bool = False  # the client was not checked (--assume-clients)
    assign: str = ""  # the discarded call's statement becomes ``assign = <the client call>``


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
    unwrapped: List[Span] = field(default_factory=list)  # ``with x.cursor() as cur:`` nothing uses any more
    notes: List[Tuple[int, str]] = field(default_factory=list)  # (line, what a reviewer should know)
