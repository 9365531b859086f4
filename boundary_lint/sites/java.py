"""Java and Kotlin -> SQL sites, JPA mappings and foreign keys.

Sinks: JDBC (``prepareStatement``, ``prepareCall``, ``executeQuery``, ``executeUpdate``,
``addBatch``), Spring's ``JdbcTemplate``/``NamedParameterJdbcTemplate`` (``queryForObject``,
``queryForList``, ``batchUpdate``...; ``query``/``update``/``execute`` when the text looks
like SQL), ``EntityManager.createNativeQuery`` and Spring Data's
``@Query(value = ..., nativeQuery = true)`` / ``@NamedNativeQuery(query = ...)``.
``String.format``/``.formatted`` verbs and Kotlin's ``$name``/``${...}`` are run-time holes.
JPQL (``@Query`` without ``nativeQuery``, ``createQuery``) names entities, not tables: left
out. JPA ``@Entity``/``@Table(name = ..., schema = ...)`` classes are mappings (BND106);
a ``@ManyToOne``/``@OneToOne``/``@JoinColumn`` field whose type is an entity of the same
file or of the same folder (the Java package) is a foreign key to its table (BND102).
Prose is never SQL: logger calls, ``System.out``, ``new ...Exception(...)``, ``throw``.
"""

from __future__ import annotations

import functools
import os
import re
from typing import Dict, List, Tuple

from boundary_lint.sites.python import LOG_METHODS
from boundary_lint.sites.host_mappings import Entity, entity_table, mapping_reference, relation_reference, snake_case
from boundary_lint.sites.host_tree_sitter import HostWalker, Source, parser_for, split_verbs, string_value

STRONG_SINKS = frozenset({
    "prepareStatement", "prepareCall", "executeQuery", "executeUpdate", "executeLargeUpdate", "addBatch",
    "createNativeQuery", "queryForObject", "queryForList", "queryForMap", "queryForRowSet", "queryForStream",
    "batchUpdate",
})
WEAK_SINKS = frozenset({"query", "update", "execute", "sql", "fetch"})
JPQL_CALLS = frozenset({"createQuery", "createNamedQuery"})
RELATIONS = frozenset({"ManyToOne", "OneToOne", "JoinColumn"})
VERB = re.compile(r"%(?:%|n|(?:\d+\$)?[-#+ 0,(<]*\d*(?:\.\d+)?[a-zA-Z])")
KOTLIN_TEMPLATE = re.compile(r"\$[A-Za-z_][A-Za-z0-9_]*")


class JavaWalker(HostWalker):
    string_types = frozenset({"string_literal", "text_block"})
    call_types = frozenset({"method_invocation", "object_creation_expression"})
    annotation_types = frozenset({"annotation", "marker_annotation"})

    def __init__(self, source: Source) -> None:
        super().__init__(source)
        self.entities: Dict[str, Entity] = {}
        self.relations: List[Tuple[str, str, object, object]] = []  # (class, target type, type node, field)

    # -- calls ---------------------------------------------------------------------

    def call_name(self, node) -> str:
        field = node.child_by_field_name("name" if node.type == "method_invocation" else "type")
        return self.source.text(field).rsplit(".", 1)[-1] if field is not None else ""

    def receiver(self, node) -> str:
        target = node.child_by_field_name("object")
        return self.source.text(target) if target is not None else ""

    def arguments(self, node) -> list:
        arguments = node.child_by_field_name("arguments")
        return list(arguments.named_children) if arguments is not None else []

    def is_prose_call(self, node, name: str) -> bool:
        if node.type == "object_creation_expression":
            return name.endswith(("Exception", "Error"))
        receiver = self.receiver(node)
        return (name in JPQL_CALLS or receiver.startswith("System.") or
                (bool(receiver) and name in LOG_METHODS and name not in WEAK_SINKS))

    def sink_argument(self, node, name: str):
        if name not in STRONG_SINKS and name not in WEAK_SINKS:
            return None
        for argument in self.arguments(node):
            if self.compose_peek(argument):
                return argument, name in STRONG_SINKS
        return None

    def compose_call(self, node, name: str, depth: int):
        if name == "format" and self.receiver(node) == "String" and self.arguments(node):
            pieces = self.compose(self.arguments(node)[0], depth + 1)
        elif name == "formatted" and node.child_by_field_name("object") is not None:
            pieces = self.compose(node.child_by_field_name("object"), depth + 1)
        else:
            return None
        return split_verbs(pieces, VERB) if pieces is not None else None

    # -- annotations, entities --------------------------------------------------------

    def visit_special(self, node) -> bool:
        kind = node.type
        if kind == "throw_statement":
            self.collect_comments(node)
            return True
        if kind in self.annotation_types:
            self.read_annotation(node)
            return True
        if kind == "class_declaration":
            self.read_class(node)
        return False

    def annotation_name(self, node) -> str:
        name = node.child_by_field_name("name")
        return self.source.text(name).rsplit(".", 1)[-1] if name is not None else ""

    def annotation_values(self, node) -> Dict[str, object]:
        """``{key: value node}``; a lone value is ``value``."""
        arguments = node.child_by_field_name("arguments")
        out: Dict[str, object] = {}
        for child in arguments.named_children if arguments is not None else ():
            if child.type == "element_value_pair":
                key, value = child.child_by_field_name("key"), child.child_by_field_name("value")
                if key is not None and value is not None:
                    out[self.source.text(key)] = value
            else:
                out.setdefault("value", child)
        return out

    def read_annotation(self, node) -> None:
        name = self.annotation_name(node)
        values = self.annotation_values(node)
        if name == "Query" and "value" in values and self.is_true(values.get("nativeQuery")):
            self.add_sink(values["value"], True)
        elif name == "NamedNativeQuery" and "query" in values:
            self.add_sink(values["query"], True)

    def is_true(self, node) -> bool:
        return node is not None and self.source.text(node) == "true"

    def annotations_of(self, node) -> Dict[str, object]:
        modifiers = next((c for c in node.children if c.type == "modifiers"), None)
        found = [c for c in modifiers.children if c.type in self.annotation_types] if modifiers is not None else []
        return {self.annotation_name(a): a for a in found}

    def read_class(self, node) -> None:
        annotations = self.annotations_of(node)
        name_node = node.child_by_field_name("name")
        if name_node is None or not ({"Entity", "Table"} & set(annotations)):
            return
        name = self.source.text(name_node)
        table = self.annotation_values(annotations["Table"]) if "Table" in annotations else {}
        named = string_value(self, table.get("name"))
        schema = string_value(self, table.get("schema"))
        text, where = named if named is not None else (snake_case(name), self.source.node_position(name_node))
        self.entities[name] = Entity(name, entity_table(schema[0] if schema else None, text, fold=True), where,
                                     node.start_point[0] + 1, self.source.text(node)[:400])
        body = node.child_by_field_name("body")
        for field in body.named_children if body is not None else ():
            if field.type == "field_declaration" and RELATIONS & set(self.annotations_of(field)):
                kind = field.child_by_field_name("type")
                if kind is not None:
                    self.relations.append((name, self.source.text(kind), kind, field))

    def result(self):
        sites = super().result()
        self.references = entity_references(self, sibling_entities(self.path))
        return sites


def entity_references(walker: JavaWalker, siblings: Dict[str, Entity]):
    """The file's entity mappings, then its relation fields to known entities."""
    refs = [mapping_reference(entity, index) for index, entity in enumerate(walker.entities.values())]
    known = dict(siblings, **walker.entities)
    for source, type_name, type_node, field in walker.relations:
        target = known.get(type_name)
        if target is None:
            continue
        line = field.start_point[0] + 1
        refs.append(relation_reference(walker.entities[source], target, walker.source.node_position(type_node),
                                       line, walker.source.text(field), len(refs)))
    return refs


@functools.lru_cache(maxsize=64)
def _folder_entities(folder: str, names: Tuple[Tuple[str, int], ...]) -> Dict[str, Entity]:
    from boundary_lint.languages import host_language

    out: Dict[str, Entity] = {}
    for name, _ in names:
        path = os.path.join(folder, name)
        try:
            with open(path, "rb") as handle:
                data = handle.read()
        except OSError:
            continue
        walker = JavaWalker(Source(data))
        tree = parser_for(host_language(".java")).parse(data)
        for node in tree.root_node.named_children:
            if node.type == "class_declaration":
                walker.read_class(node)
        out.update(walker.entities)
    return out


def sibling_entities(path: str) -> Dict[str, Entity]:
    """The entities of the other ``.java`` files of ``path``'s folder (its package), read once
    per folder and process while the files are unchanged."""
    folder = os.path.dirname(path) or "."
    try:
        names = tuple(sorted((n, os.stat(os.path.join(folder, n)).st_mtime_ns) for n in os.listdir(folder)
                             if n.endswith(".java") and n != os.path.basename(path)))
    except OSError:
        return {}
    return _folder_entities(folder, names) if names else {}


class KotlinWalker(HostWalker):
    """Kotlin's calls and strings (entities are read in Java files only)."""

    string_types = frozenset({"string_literal", "multiline_string_literal"})
    hole_types = frozenset({"interpolation"})
    escape_types = frozenset({"escape_sequence", "character_escape"})
    concat_types = frozenset({"additive_expression", "binary_expression"})
    wrapper_types = frozenset({"parenthesized_expression", "value_argument"})
    call_types = frozenset({"call_expression"})

    def call_name(self, node) -> str:
        function = node.children[0] if node.children else None
        if function is not None and function.type == "navigation_expression":
            function = function.named_children[-1] if function.named_children else None
        return self.source.text(function) if function is not None and function.type == "identifier" else ""

    def receiver(self, node) -> str:
        function = node.children[0] if node.children else None
        if function is not None and function.type == "navigation_expression" and function.named_child_count > 1:
            return self.source.text(function.named_children[0])
        return ""

    def arguments(self, node) -> list:
        arguments = next((c for c in node.children if c.type == "value_arguments"), None)
        return [a.named_children[-1] for a in arguments.named_children if a.named_children] if arguments else []

    def is_prose_call(self, node, name: str) -> bool:
        receiver = self.receiver(node)
        return (name.endswith(("Exception", "Error")) or name in JPQL_CALLS or name in ("println", "print", "error")
                or (bool(receiver) and name in LOG_METHODS and name not in WEAK_SINKS))

    def sink_argument(self, node, name: str):
        return JavaWalker.sink_argument(self, node, name)

    def literal(self, node):
        return split_verbs(super().literal(node), KOTLIN_TEMPLATE, literal="")

    def visit_special(self, node) -> bool:
        if node.type == "jump_expression" and self.source.text(node).startswith("throw"):
            self.collect_comments(node)
            return True
        if node.type == "annotation":
            call = next((c for c in node.named_children if c.type == "constructor_invocation"), None)
            kind = call.named_children[0] if call is not None and call.named_children else None
            name = self.source.text(kind) if kind is not None else ""
            values = self.kotlin_values(call)
            if name.endswith("Query") and "value" in values and self.source.text(values.get("nativeQuery", node)) \
                    == "true":
                self.add_sink(values["value"], True)
            return True
        return False

    def kotlin_values(self, call) -> Dict[str, object]:
        out: Dict[str, object] = {}
        arguments = next((c for c in call.named_children if c.type == "value_arguments"), None) if call else None
        for argument in arguments.named_children if arguments is not None else ():
            children = argument.named_children
            if len(children) == 2 and children[0].type == "identifier":
                out[self.source.text(children[0])] = children[1]
            elif children:
                out.setdefault("value", children[-1])
        return out


def walker(language: str, source: Source) -> HostWalker:
    return KotlinWalker(source) if language == "kotlin" else JavaWalker(source)
