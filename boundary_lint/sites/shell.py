"""Shell scripts -> SQL sites: what ``psql`` is given in a here-document or with ``-c``.

``psql ... <<EOSQL`` (also ``<<-``, a quoted delimiter, ``docker exec db psql ...``) and
``psql -c "..."`` / ``--command=...``. In an unquoted here-document and in double quotes,
``$VAR``, ``${VAR}`` and ``$(...)`` are run-time holes (BND105 where a table name
stands); a quoted delimiter or single quotes expand nothing (tree-sitter-bash gives such a
body no expansion). psql meta-commands (``\\connect``) are blanked as in ``.sql`` files.
Only psql's input is SQL in a script: an ``echo "select ..."`` is prose, comments are never read.
"""

from __future__ import annotations

from dataclasses import replace
from typing import List

from boundary_lint.model import SqlSite
from boundary_lint.sites.sql_files import blank_meta_commands
from boundary_lint.sites.host_tree_sitter import HostWalker, Source

PSQL_NAMES = frozenset({"psql"})
COMMAND_FLAGS = ("-c", "--command")


class ShellWalker(HostWalker):
    string_types = frozenset({"string", "raw_string", "heredoc_body", "ansi_c_string", "word"})
    hole_types = frozenset({"simple_expansion", "expansion", "command_substitution", "arithmetic_expansion"})
    escape_types = frozenset()
    concat_types = frozenset()
    call_types = frozenset({"command"})

    def content_span(self, node):
        if node.type in ("raw_string", "ansi_c_string"):
            return node.start_byte + (2 if node.type == "ansi_c_string" else 1), node.end_byte - 1
        if node.type in ("heredoc_body", "word"):
            return node.start_byte, node.end_byte
        return super().content_span(node)

    def visit_special(self, node) -> bool:
        if node.type == "redirected_statement":
            body = node.child_by_field_name("body")
            if body is not None and self.runs_psql(body):
                for redirect in node.children:
                    for child in redirect.children if redirect.type == "heredoc_redirect" else ():
                        if child.type == "heredoc_body":
                            self.add_sink(child, True)
        elif node.type == "command" and self.runs_psql(node):
            for argument in self.command_arguments(node):
                self.add_sink(argument, True)
        return False

    def runs_psql(self, command) -> bool:
        """``psql ...``, or a wrapper running it (``docker exec db psql``, ``sudo -u postgres psql``)."""
        if command.type != "command":
            return False
        words = [command.child_by_field_name("name")] + list(command.children_by_field_name("argument"))
        return any(w is not None and self.source.text(w).rsplit("/", 1)[-1] in PSQL_NAMES for w in words)

    def command_arguments(self, command) -> List[object]:
        """The strings given to ``-c``/``--command`` (``-c "..."``, ``--command=...``)."""
        out = []
        arguments = list(command.children_by_field_name("argument"))
        for index, argument in enumerate(arguments):
            text = self.source.text(argument)
            if text in COMMAND_FLAGS and index + 1 < len(arguments):
                out.append(arguments[index + 1])
            elif argument.type == "concatenation" and text.startswith("--command="):
                out.extend(c for c in argument.children[1:] if c.type in self.string_types)
        return [a for a in out if a.type in self.string_types]

    def result(self) -> List[SqlSite]:
        self.roots = []  # only psql's input is SQL in a script: no SQL-looking strings elsewhere
        return [replace(site, text=blank_meta_commands(site.text)) for site in super().result()]


def walker(language: str, source: Source) -> ShellWalker:
    return ShellWalker(source)
