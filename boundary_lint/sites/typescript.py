"""TypeScript and JavaScript -> SQL sites.

Sinks: Prisma's ``$queryRaw``/``$executeRaw`` (tagged or called, and their ``Unsafe``
forms) and ``Prisma.sql``, ``knex.raw``, ``pg``'s ``query``, ``sequelize.query``,
TypeORM's ``query`` (DataSource, EntityManager, QueryRunner), Drizzle's and postgres.js's
``sql`` tagged templates and ``sql.unsafe``. ``${...}`` in a template is a run-time hole,
as in a Python f-string; ``+`` joins pieces. Prose is never SQL: ``console.*`` and logger
calls, ``new ...Error(...)``, ``throw``, and the names of tests (``describe``/``it``/``test``).
"""

from __future__ import annotations

from typing import Optional, Tuple

from boundary_lint.sites.python import LOG_METHODS
from boundary_lint.sites.host_tree_sitter import HostWalker, Source

SINKS = {
    "$queryRaw": True, "$executeRaw": True, "$queryRawUnsafe": True, "$executeRawUnsafe": True,
    "query": True, "unsafe": True, "sql": True,
    "raw": False, "execute": False,  # String.raw`...`, other libraries' execute(): only SQL-looking text
}
"""Called (or tagged) names whose first argument is SQL -> strong (any string) or not."""

TEST_CALLS = frozenset({"describe", "it", "test", "context", "suite", "specify", "beforeEach", "afterEach"})
PROSE_OBJECTS = frozenset({"console", "logger", "log", "winston", "pino"})


class TypeScriptWalker(HostWalker):
    string_types = frozenset({"string", "template_string"})
    hole_types = frozenset({"template_substitution"})
    wrapper_types = frozenset({"parenthesized_expression", "as_expression", "non_null_expression",
                               "satisfies_expression"})
    call_types = frozenset({"call_expression", "new_expression"})
    special_types = frozenset({"throw_statement"})

    def call_name(self, node) -> str:
        function = node.child_by_field_name("function" if node.type == "call_expression" else "constructor")
        if function is None:
            return ""
        if function.type == "member_expression":
            prop = function.child_by_field_name("property")
            return self.source.text(prop) if prop is not None else ""
        return self.source.text(function) if function.type == "identifier" else ""

    def receiver(self, node) -> str:
        """The first name of a member call (``console`` of ``console.log``, ``it`` of ``it.each``)."""
        function = node.child_by_field_name("function")
        while function is not None and function.type in ("member_expression", "call_expression"):
            function = function.child_by_field_name("object" if function.type == "member_expression" else "function")
        return self.source.text(function) if function is not None and function.type == "identifier" else ""

    def is_prose_call(self, node, name: str) -> bool:
        if node.type == "new_expression":
            return name.endswith(("Error", "Exception"))
        function = node.child_by_field_name("function")
        member = function is not None and function.type == "member_expression"
        receiver = self.receiver(node)
        return (receiver in PROSE_OBJECTS or (member and name in LOG_METHODS) or name in TEST_CALLS
                or receiver in TEST_CALLS)

    def sink_argument(self, node, name: str) -> Optional[Tuple[object, bool]]:
        if node.type != "call_expression" or name not in SINKS:
            return None
        arguments = node.child_by_field_name("arguments")
        if arguments is None:
            return None
        if arguments.type == "template_string":  # a tagged template: sql`...`
            return arguments, SINKS[name]
        first = arguments.named_children[0] if arguments.named_children else None
        return (first, SINKS[name]) if first is not None else None

    def compose_call(self, node, name: str, depth: int):
        """``Prisma.sql`...``` / ``sql`...``` inside a sink's argument: the template itself."""
        arguments = node.child_by_field_name("arguments")
        if node.type == "call_expression" and name in SINKS and arguments is not None and \
                arguments.type == "template_string":
            return self.compose(arguments, depth + 1)
        return None

    def visit_special(self, node) -> bool:
        if node.type == "throw_statement":
            self.collect_comments(node)
            return True
        return False


def walker(language: str, source: Source) -> TypeScriptWalker:
    return TypeScriptWalker(source)
