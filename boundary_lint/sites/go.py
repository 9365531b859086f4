"""Go -> SQL sites.

Sinks: ``database/sql`` (``Query``, ``QueryRow``, ``Exec``, ``Prepare`` and their
``Context`` forms), ``sqlx`` (``Get``, ``Select``, ``Queryx``, ``NamedExec``, ``MustExec``...),
``pgx`` (``Query``, ``QueryRow``, ``Exec``, ``Batch.Queue``) and ``gorm``'s ``Raw`` and ``Exec``;
the SQL is the first argument that is a string (after a ``ctx``, a ``&dest``). Interpreted
(``"..."``) and raw (backtick) literals, joined by ``+``; ``fmt.Sprintf``'s verbs are run-time
holes (BND105 where a table name stands), ``%%`` a percent sign. Prose is never SQL: ``log``
and logger calls, ``fmt.Errorf``/``errors.New``, ``fmt.Print*``, ``panic``, ``t.Run``'s test
names and ``t.Log``/``t.Errorf``.
"""

from __future__ import annotations

import re
from typing import Optional, Tuple

from boundary_lint.sites.python import LOG_METHODS
from boundary_lint.sites.host_tree_sitter import HostWalker, Source, split_verbs

STRONG_SINKS = frozenset({
    "Query", "QueryContext", "QueryRow", "QueryRowContext", "Exec", "ExecContext", "Prepare", "PrepareContext",
    "Queryx", "QueryxContext", "QueryRowx", "QueryRowxContext", "NamedExec", "NamedExecContext", "NamedQuery",
    "NamedQueryContext", "MustExec", "MustExecContext", "Preparex", "PreparexContext", "PrepareNamed",
    "PrepareNamedContext", "Raw",
})
WEAK_SINKS = frozenset({"Get", "GetContext", "Select", "SelectContext", "Queue"})
"""Names other libraries use too (``r.Get("/path", h)`` in a router): SQL only when it looks like SQL."""

PROSE_PACKAGES = frozenset({"log", "errors", "slog", "logrus", "zap", "zerolog", "glog", "klog"})
PROSE_NAMES = frozenset({"Errorf", "Error", "New", "Wrap", "Wrapf", "Print", "Printf", "Println", "Fprint",
                         "Fprintf", "Fprintln", "Panic", "Panicf", "Fatal", "Fatalf", "Fatalln", "Log", "Logf",
                         "Skip", "Skipf", "Run", "WithMessage"})
"""Called names whose strings are prose: errors, printing, ``testing.T`` (``t.Run`` names a test)."""
FORMAT_CALLS = frozenset({"Sprintf"})
VERB = re.compile(r"%(?:%|[-+# 0]*(?:\[\d+\])?(?:\d+|\*)?(?:\.(?:\d+|\*)?)?(?:\[\d+\])?[a-zA-Z])")


class GoWalker(HostWalker):
    string_types = frozenset({"interpreted_string_literal", "raw_string_literal"})

    def call_name(self, node) -> str:
        function = node.child_by_field_name("function")
        if function is None:
            return ""
        if function.type == "selector_expression":
            field = function.child_by_field_name("field")
            return self.source.text(field) if field is not None else ""
        return self.source.text(function) if function.type == "identifier" else ""

    def package(self, node) -> str:
        function = node.child_by_field_name("function")
        operand = function.child_by_field_name("operand") if function is not None and \
            function.type == "selector_expression" else None
        return self.source.text(operand) if operand is not None and operand.type == "identifier" else ""

    def is_selector_call(self, node) -> bool:
        function = node.child_by_field_name("function")
        return function is not None and function.type == "selector_expression"

    def is_prose_call(self, node, name: str) -> bool:
        if name == "panic":
            return True
        package = self.package(node)
        if package == "fmt":
            return name not in FORMAT_CALLS and not name.startswith("Sscan")
        if name in STRONG_SINKS or name in WEAK_SINKS or not self.is_selector_call(node):
            return False
        bare = name.lower().rstrip("fw")  # Infof, Errorw: zap's and logrus's forms
        return package in PROSE_PACKAGES or name in PROSE_NAMES or name.lower() in LOG_METHODS or bare in LOG_METHODS

    def sink_argument(self, node, name: str) -> Optional[Tuple[object, bool]]:
        if name not in STRONG_SINKS and name not in WEAK_SINKS or not self.is_selector_call(node):
            return None
        arguments = node.child_by_field_name("arguments")
        for argument in arguments.named_children if arguments is not None else ():
            if self.compose_peek(argument):
                return argument, name in STRONG_SINKS
        return None

    def compose_call(self, node, name: str, depth: int):
        if name not in FORMAT_CALLS or self.package(node) != "fmt":
            return None
        arguments = node.child_by_field_name("arguments")
        first = arguments.named_children[0] if arguments is not None and arguments.named_children else None
        pieces = self.compose(first, depth + 1)
        return split_verbs(pieces, VERB) if pieces is not None else None


def walker(language: str, source: Source) -> GoWalker:
    return GoWalker(source)
