"""The project's model index: which ORM class maps which table, across the registry's folder.

A pre-pass before checking. Each Python file under the registry's folder that may
define a model gives a *record* (pure: its text alone decides it; JSON, read and
cached by size and mtime in ``.boundary_lint_cache/`` by
:mod:`boundary_lint.adapters.model_index_store`, which also installs the index of a
registry's folder for the process); the records together give the
:class:`ModelIndex`, resolved without any I/O:

- Django: subclasses of ``models.Model`` (directly, through abstract bases or other
  models, across modules). The table is ``Meta.db_table`` in every spelling
  (``"billing.invoices"``, ``'billing"."invoices'``, ``'"billing"."invoices"'``), else
  Django's default ``<app_label>_<model name lower-cased>``, the app label from
  ``Meta.app_label``, else the app's ``AppConfig`` (``label``, else the last part of
  ``name``), else the package holding ``models``. Abstract models map no table;
  a proxy model maps its concrete parent's; ``managed = False`` changes nothing.
- SQLAlchemy declarative classes: ``__tablename__`` (a constant, or a
  ``declared_attr`` on a base whose rule is one of two: ``cls.__name__.lower()``,
  or a camel-case to snake-case ``re.sub``), the schema from ``__table_args__`` or
  the base's ``MetaData(schema=...)``; a subclass without ``__tablename__`` of a
  mapped class shares its table (single-table inheritance). ``Table("t", metadata,
  schema=...)`` bound to a module-level name is indexed under that name.
- Flask-SQLAlchemy ``db.Model`` (default name: the class name in snake case),
  SQLModel ``table=True`` (default: lower-cased), Peewee ``Model`` (``Meta.table_name``,
  default lower-cased; ``Meta.schema``).

Names resolve through imports: ``from billing.models import Invoice``, ``import
billing.models as bm``, re-exports in ``__init__``; Django's string references
(``"billing.Invoice"``, ``"Invoice"`` in the same app) and ``settings.AUTH_USER_MODEL``
(read from a settings module, else Django's default ``auth.User``).
"""

from __future__ import annotations

import ast
import bisect
import hashlib
import itertools
import json
import os
import re
import warnings
from dataclasses import field
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Sequence, Tuple

from boundary_lint.value_classes import value_class
from boundary_lint.prefilter.partial_parse import STATEMENT_BLOCKS
from boundary_lint.prefilter.triggers import MODEL_HINT_BYTES
from boundary_lint.registry import place_key

DJANGO_MODEL_BASES = frozenset({
    "django.db.models.Model", "django.db.models.base.Model", "models.Model",
    "django.contrib.auth.models.AbstractUser", "django.contrib.auth.models.AbstractBaseUser",
    "django.contrib.auth.base_user.AbstractBaseUser",
})
SQLMODEL_BASES = frozenset({"sqlmodel.SQLModel", "SQLModel"})
PEEWEE_BASES = frozenset({"peewee.Model"})
SA_BASES = frozenset({
    "sqlalchemy.orm.DeclarativeBase", "sqlalchemy.orm.DeclarativeBaseNoMeta",
    "sqlalchemy.ext.declarative.DeclarativeMeta",
})
RELATION_FIELDS = {"ForeignKey": "fk", "OneToOneField": "o2o", "ManyToManyField": "m2m",
                   "ParentalKey": "fk", "ParentalManyToManyField": "m2m", "TreeForeignKey": "fk"}
INDEX_VERSION = "1"
_SNAKE = re.compile(r"(?<!^)(?=[A-Z])")


def snake_case(name: str) -> str:
    """Flask-SQLAlchemy's default table name. ``snake_case('OrderItem') == 'order_item'``."""
    return _SNAKE.sub("_", name).lower()


# -- per-file records (pure) ----------------------------------------------------------------


def module_name(relative: str) -> str:
    """``billing/models.py`` -> ``billing.models``; ``billing/__init__.py`` -> ``billing``."""
    parts = relative.replace(os.sep, "/").split("/")
    parts[-1] = parts[-1].rsplit(".", 1)[0]
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(p for p in parts if p)


_MATCH_CASE = getattr(ast, "match_case", ())  # Python 3.10+: a case of ``match``, no statement (no line)


def statements(tree: ast.AST):
    """Every statement of a module, nested ones too (a ``match``'s cases' bodies too), without
    walking into expressions."""
    todo = list(getattr(tree, "body", []))
    while todo:
        node = todo.pop()
        if not isinstance(node, _MATCH_CASE):
            yield node
        for name in STATEMENT_BLOCKS:
            children = getattr(node, name, None)
            if children:
                todo.extend(children)


def in_order(tree: ast.AST) -> List[ast.stmt]:
    """Every statement of a module (:func:`statements`) in the order of the source."""
    return sorted(statements(tree), key=lambda n: (n.lineno, n.col_offset))


def file_imports(tree: ast.AST, module: str, is_package: bool,
                 ordered: Optional[Sequence[ast.stmt]] = None) -> Dict[str, str]:
    """Local name -> the dotted name it stands for, from every import of the file
    (``ordered``: :func:`in_order` of the tree, when the caller has it)."""
    found: Dict[str, str] = {}
    package = module if is_package else module.rpartition(".")[0]
    for node in in_order(tree) if ordered is None else ordered:
        if isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".") if package else []
                if node.level > 1:
                    parts = parts[: len(parts) - (node.level - 1)]
                base = ".".join(parts + ([base] if base else []))
            for alias in node.names:
                if alias.name != "*":
                    found.setdefault(alias.asname or alias.name, f"{base}.{alias.name}" if base else alias.name)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    found.setdefault(alias.asname, alias.name)
                else:
                    head = alias.name.split(".")[0]
                    found.setdefault(head, head)
    return found


def dotted(expr: ast.AST) -> Optional[str]:
    """``a.b.C`` as text; None for anything else."""
    parts = []
    while isinstance(expr, ast.Attribute):
        parts.append(expr.attr)
        expr = expr.value
    if isinstance(expr, ast.Name):
        parts.append(expr.id)
        return ".".join(reversed(parts))
    return None


def expand(name: str, imports: Dict[str, str], local: Iterable[str], module: str) -> str:
    """A dotted name as written -> its full dotted name through the file's imports."""
    head, _, rest = name.partition(".")
    if head in local:
        full = f"{module}.{head}"
    elif head in imports:
        full = imports[head]
    else:
        return name
    return f"{full}.{rest}" if rest else full


def _const_str(expr: Optional[ast.AST]) -> Optional[str]:
    if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
        return expr.value
    return None


def _assignments(body: Sequence[ast.stmt]) -> Dict[str, ast.expr]:
    values: Dict[str, ast.expr] = {}
    for statement in body:
        if isinstance(statement, ast.Assign):
            for target in statement.targets:
                if isinstance(target, ast.Name):
                    values[target.id] = statement.value
        elif isinstance(statement, ast.AnnAssign) and statement.value is not None and isinstance(
            statement.target, ast.Name
        ):
            values[statement.target.id] = statement.value
    return values


def _tablename_rule(function: ast.AST) -> Optional[str]:
    """The rule of a ``declared_attr`` ``__tablename__``: ``lower`` or ``snake`` (None: unreadable)."""
    text = ast.dump(function)
    if "re" in text and "sub" in text and "__name__" in text and "lower" in text:
        return "snake"
    if "__name__" in text and "lower" in text:
        return "lower"
    return None


def extract_record(tree: ast.AST, module: str, is_package: bool) -> dict:
    """What one module says about models, as JSON-able data (pure)."""
    from boundary_lint.sites.orm import OrmFinder  # MetaData schemas of bases, as the mapping check reads them

    ordered = in_order(tree)
    imports = file_imports(tree, module, is_package, ordered)
    body = getattr(tree, "body", [])
    local = {n.name for n in body if isinstance(n, ast.ClassDef)}
    local |= {t.id for n in body if isinstance(n, (ast.Assign, ast.AnnAssign))
              for t in (n.targets if isinstance(n, ast.Assign) else [n.target]) if isinstance(t, ast.Name)}
    finder: Optional[OrmFinder] = None
    classes = []
    variables: Dict[str, dict] = {}
    for node in body:
        if isinstance(node, (ast.Assign, ast.AnnAssign)) and isinstance(node.value, ast.Call):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names = [t.id for t in targets if isinstance(t, ast.Name)]
            call = node.value
            func = dotted(call.func) or ""
            last = func.rsplit(".", 1)[-1]
            info = None
            if last in ("declarative_base", "as_declarative") or func.endswith("generate_base"):
                info = {"kind": "declarative"}
            elif last == "SQLAlchemy":
                info = {"kind": "flask"}
            elif last == "Table" and call.args and _const_str(call.args[0]):
                schema = next((_const_str(k.value) for k in call.keywords if k.arg == "schema"), None)
                if schema is None and len(call.args) > 1:  # the MetaData's schema
                    finder = finder or OrmFinder(tree, [])
                    found = finder._metadata_schema(call.args[1], set())
                    schema = _const_str(found) if isinstance(found, ast.AST) else None
                info = {"kind": "table", "table": [schema, _const_str(call.args[0])]}
            elif last == "get_user_model":
                info = {"kind": "user_model"}
            if info is not None:
                if info["kind"] == "declarative":
                    finder = finder or OrmFinder(tree, [])
                    finder.classes  # noqa: B018 - builds the MetaData index
                    schema = finder.metadata.get(names[0]) if names else None
                    info["schema"] = _const_str(schema)
                for name in names:
                    variables[name] = info
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "AUTH_USER_MODEL" for t in node.targets
        ):
            value = _const_str(node.value)
            if value:
                variables["AUTH_USER_MODEL"] = {"kind": "setting", "value": value}
    for node in ordered:
        if isinstance(node, ast.ClassDef):
            classes.append(_class_record(node, imports, local, module, tree))
    return {"module": module, "package": is_package, "imports": imports, "classes": classes,
            "variables": variables}


def _class_record(node: ast.ClassDef, imports: Dict[str, str], local: Iterable[str], module: str,
                  tree: ast.AST) -> dict:
    values = _assignments(node.body)
    bases = []
    for base in node.bases:
        name = dotted(base)
        if name is not None:
            bases.append(expand(name, imports, local, module))
    record: dict = {"name": node.name, "bases": bases,
                    "keywords": {k.arg: k.value.value for k in node.keywords  # JSON's types only
                                 if k.arg and isinstance(k.value, ast.Constant)
                                 and isinstance(k.value.value, (str, int, float, type(None)))}}
    meta: Dict[str, object] = {}
    for inner in node.body:
        if isinstance(inner, ast.ClassDef) and inner.name == "Meta":
            for key, value in _assignments(inner.body).items():
                if isinstance(value, ast.Constant) and isinstance(value.value, (str, bool)):
                    meta[key] = value.value
    record["meta"] = meta
    tablename = values.get("__tablename__")
    if _const_str(tablename) is not None:
        record["tablename"] = _const_str(tablename)
    for inner in node.body:
        if isinstance(inner, (ast.FunctionDef, ast.AsyncFunctionDef)) and inner.name == "__tablename__":
            record["tablename_rule"] = _tablename_rule(inner) or "unknown"
    abstract = values.get("__abstract__")
    if isinstance(abstract, ast.Constant) and abstract.value is True:
        record["sa_abstract"] = True
    from boundary_lint.sites.orm import _schema_in_table_args
    from boundary_lint.sites.bindings import Scopes

    schema = _schema_in_table_args(values.get("__table_args__"), Scopes(tree), [tree, node])
    if "__table_args__" in values and _const_str(schema) is not None:
        record["schema"] = _const_str(schema)
    metadata = values.get("metadata")
    if isinstance(metadata, ast.Call) and (dotted(metadata.func) or "").endswith("MetaData"):
        record["schema"] = record.get("schema") or next(
            (_const_str(k.value) for k in metadata.keywords if k.arg == "schema"), None)
    relations = {}
    managers = []
    for key, value in values.items():
        if not isinstance(value, ast.Call):
            continue
        func = dotted(value.func) or ""
        last = func.rsplit(".", 1)[-1]
        if last in RELATION_FIELDS:
            target = relation_target(value, imports, local, module)
            if target:
                relations[key] = target
        elif last == "relationship":
            target = relation_target(value, imports, local, module, sqlalchemy=True)
            if target:
                relations[key] = target
        elif last.endswith("Manager") or last in ("as_manager",) or (
            isinstance(value.func, ast.Call) and "from_queryset" in (dotted(value.func.func) or "")
        ):
            managers.append(key)
    record["relations"] = relations
    record["managers"] = managers
    if any(b.endswith("AppConfig") for b in bases):
        record["app_config"] = {"name": _const_str(values.get("name")), "label": _const_str(values.get("label"))}
    return record


def relation_target(call: ast.Call, imports: Dict[str, str], local: Iterable[str], module: str,
                    sqlalchemy: bool = False) -> Optional[str]:
    """``str:billing.Invoice`` / ``py:billing.models.Invoice`` / ``setting:AUTH_USER_MODEL``."""
    target = next((k.value for k in call.keywords if k.arg in ("to", "argument")), None)
    if target is None and call.args:
        target = call.args[0]
    if target is None:
        return None
    text = _const_str(target)
    if text is not None:
        return ("sa:" if sqlalchemy else "str:") + text
    name = dotted(target)
    if name is None:
        return None
    if name.endswith("AUTH_USER_MODEL"):
        return "setting:AUTH_USER_MODEL"
    return "py:" + expand(name, imports, local, module)


def file_record(data: bytes, relative: str) -> Optional[dict]:
    """The record of one file's bytes, or None when it defines no model (cheap test first)."""
    if not any(hint in data for hint in MODEL_HINT_BYTES) and not (
            relative.endswith("__init__.py") and b"import" in data):  # a package's re-exports
        return None
    tree = _parse_classes(data)
    if tree is None:
        return None
    try:
        return extract_record(tree, module_name(relative), relative.endswith("__init__.py"))
    except RecursionError:
        return None


_KEPT = ("class ", "__tablename__", "__name__")


def lines_holding(text: str, lines: Sequence[str], words: Sequence[str]) -> List[int]:
    """The sorted 1-based numbers of the ``lines`` (``text`` split) holding one of ``words``
    (none holds a line break), by ``find`` over the whole text rather than a test per line."""
    ends = list(itertools.accumulate(map(len, lines)))
    if (ends[-1] if ends else 0) != len(text):  # not the lines of this text: test each one
        return [n for n, line in enumerate(lines, 1) if any(word in line for word in words)]
    found = set()
    for word in words:
        index = text.find(word)
        while index >= 0:
            found.add(bisect.bisect_right(ends, index) + 1)
            index = text.find(word, index + 1)
    return sorted(found)


def _parse_classes(data: bytes) -> Optional[ast.AST]:
    """The module parsed with function bodies left out (but a ``declared_attr`` rule's)."""
    from boundary_lint.sites.source_text import decode_source
    from boundary_lint.sites.literal_positions import source_lines
    from boundary_lint.prefilter.partial_parse import parse_hollowed

    text, problem = decode_source(data, "", True)
    if problem is not None:
        return None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            lines = source_lines(text)
            return parse_hollowed(text, lines, lines_holding(text, lines, _KEPT)) or ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None


# -- the index (pure given records) ---------------------------------------------------------


@value_class
class ModelInfo:
    """One ORM class (or ``Table`` object) and the table it maps."""

    key: str  # module.Class
    name: str
    framework: str  # django / sqlalchemy / flask / sqlmodel / peewee / table
    schema: Optional[str]
    table: Optional[str]  # None: abstract, maps nothing
    app_label: str = ""
    relations: Tuple[Tuple[str, str], ...] = ()
    managers: Tuple[str, ...] = ()
    managed: bool = True  # Django's Meta.managed: False for a model over a table created elsewhere


_RESOLVED = frozenset({"models", "by_label", "user_model", "_app_labels", "_kinds"})


@value_class(frozen=False, eq=False)
class ModelIndex:
    """Models by full dotted name; resolution of names and Django string references.

    Resolved on first use of ``models``, ``by_label`` or ``user_model``: a warm run, whose
    every file's result is in the cache, needs only the index's :meth:`digest`. A
    ``resolution_store`` (given by the adapter that built the index) keeps the resolved index
    of the same records between runs: ``load(digest)`` gives what :meth:`resolution` gave,
    or None; ``save(digest, resolution)`` keeps it."""

    records: Dict[str, dict] = field(default_factory=dict)  # module -> record
    scanned: frozenset = frozenset()  # modules read for the index, models or not
    known_digest: Optional[str] = None  # digest() as the cache stored it, for the same records
    resolution_store: Optional[object] = None

    @classmethod
    def from_records(cls, records: Iterable[dict]) -> "ModelIndex":
        index = cls()
        for record in records:
            index.records[record["module"]] = record
        return index

    def resolve(self) -> None:
        """Resolve now (before a pool of workers starts: each would do it again)."""
        if "models" not in self.__dict__:
            self._resolve()

    def __getattr__(self, name: str):
        """The resolved attributes, computed once, when first asked for."""
        if "records" not in self.__dict__:
            raise AttributeError(name)
        if name == "_classes":
            self._index_classes()
        elif name in _RESOLVED:
            self._resolve()
        else:
            raise AttributeError(name)
        return self.__dict__[name]

    @classmethod
    def from_sources(cls, sources: Dict[str, str]) -> "ModelIndex":
        """From ``{relative path: source}`` (tests, and the flake8 plugin's fallback)."""
        records = []
        for relative, text in sources.items():
            record = file_record(text.encode("utf-8"), relative)
            if record is not None:
                records.append(record)
        return cls.from_records(records)

    def with_module(self, record: dict) -> "ModelIndex":
        """This index with one module's record replaced (the file being checked, as it is now)."""
        if self.records.get(record["module"]) == record:
            return self
        records = dict(self.records)
        records[record["module"]] = record
        index = ModelIndex.from_records(records.values())
        index.scanned = self.scanned
        return index

    def without_module(self, module: str) -> "ModelIndex":
        """This index with one module's record gone (its models deleted in an editor)."""
        if module not in self.records:
            return self
        index = ModelIndex.from_records(r for name, r in self.records.items() if name != module)
        index.scanned = self.scanned
        return index

    def digest(self) -> str:
        """What the results cache is keyed by: every record (a change to any model reaches every user)."""
        if self.known_digest is None:
            text = json.dumps(sorted(self.records.items()), sort_keys=True)
            self.known_digest = hashlib.blake2b(text.encode(), digest_size=12).hexdigest()
        return self.known_digest

    # -- resolution -----------------------------------------------------------------------

    def _resolve(self) -> None:
        """The stored resolution of these records when there is one (the records are those the
        cache's digest was taken of), else computed, and stored when a store is given."""
        store = self.resolution_store
        if store is not None and self.known_digest is not None:
            if self._restore(store.load(self.known_digest)):
                return
        self._compute()
        if store is not None:
            store.save(self.digest(), self.resolution())

    def _index_classes(self) -> None:
        self._classes: Dict[str, dict] = {}
        for module, record in self.records.items():
            for cls_record in record["classes"]:
                self._classes.setdefault(f"{module}.{cls_record['name']}", dict(cls_record, module=module))

    def _compute(self) -> None:
        self.models: Dict[str, ModelInfo] = {}
        self.by_label: Dict[Tuple[str, str], str] = {}  # (app_label, model lower) -> key
        self.user_model = "auth.User"
        app_labels: Dict[str, str] = {}
        for record in self.records.values():
            for cls_record in record["classes"]:
                config = cls_record.get("app_config")
                if config and config.get("name"):
                    app_labels[config["name"]] = config.get("label") or config["name"].rsplit(".", 1)[-1]
            setting = record["variables"].get("AUTH_USER_MODEL")
            if setting:
                self.user_model = setting["value"]
        self._app_labels = app_labels
        self._kinds: Dict[str, Optional[str]] = {}
        for key in self._classes:
            info = self._model(key, set())
            if info is not None:
                self.models[key] = info
                if info.framework == "django" and info.app_label:
                    self.by_label.setdefault((info.app_label.lower(), info.name.lower()), key)
        for module, record in self.records.items():
            for name, variable in record["variables"].items():
                if variable["kind"] == "table":
                    schema, table = variable["table"]
                    key = f"{module}.{name}"
                    self.models[key] = ModelInfo(key, name, "table", schema, table)

    def resolution(self) -> dict:
        """The resolved index as JSON, what :meth:`_restore` reads back."""
        return {
            "models": [[m.key, m.name, m.framework, m.schema, m.table, m.app_label,
                        [list(r) for r in m.relations], list(m.managers), m.managed] for m in self.models.values()],
            "by_label": [[label, name, key] for (label, name), key in self.by_label.items()],
            "user_model": self.user_model,
            "app_labels": self._app_labels,
        }

    def _restore(self, state: object) -> bool:
        """Take a :meth:`resolution` back; False (nothing taken) when it is not one."""
        try:
            models = {}
            for key, name, framework, schema, table, label, relations, managers, managed in state["models"]:
                models[key] = ModelInfo(key, name, framework, schema, table, label,
                                        tuple((source, target) for source, target in relations),
                                        tuple(managers), managed)
            by_label = {(label, name): key for label, name, key in state["by_label"]}
            user_model, app_labels = state["user_model"], dict(state["app_labels"])
        except (TypeError, ValueError, KeyError):
            return False
        if not isinstance(user_model, str):
            return False
        self.models, self.by_label, self.user_model, self._app_labels = models, by_label, user_model, app_labels
        self._kinds = {}
        return True

    def find_class(self, name: str, depth: int = 0) -> Optional[str]:
        """The key of the class ``name`` (a full dotted name) stands for, through re-exports."""
        if name in self._classes:
            return name
        if depth > 5 or "." not in name:
            return None
        module, _, attr = name.rpartition(".")
        record = self.records.get(module) or self._by_suffix(module)
        if record is None:
            return None
        if f"{record['module']}.{attr}" in self._classes:
            return f"{record['module']}.{attr}"
        target = record["imports"].get(attr)
        return self.find_class(target, depth + 1) if target and target != name else None

    def _by_suffix(self, module: str) -> Optional[dict]:
        """``billing.models`` for a tree laid out as ``src/billing/models.py``."""
        cache = self.__dict__.setdefault("_suffix_cache", {})
        if module not in cache:
            ending = "." + module
            cache[module] = next((r for m, r in sorted(self.records.items()) if m.endswith(ending)), None)
        return cache[module]

    def variable(self, name: str) -> Optional[Tuple[str, dict]]:
        """A module-level variable of the index (a declarative base, ``db``, a ``Table``)."""
        module, _, attr = name.rpartition(".")
        record = self.records.get(module) or (self._by_suffix(module) if module else None)
        if record is None:
            return None
        if attr in record["variables"]:
            return f"{record['module']}.{attr}", record["variables"][attr]
        target = record["imports"].get(attr)
        if target and target != name and target.count(".") < 12:
            return self.variable(target)
        return None

    def _kind(self, key: str, seen: set) -> Optional[str]:
        """The framework a class belongs to (through its bases), or None."""
        if key in self._kinds:
            return self._kinds[key]
        if key in seen:
            return None
        seen.add(key)
        record = self._classes[key]
        kind = None
        for base in record["bases"]:
            kind = self._base_kind(base, record, seen)
            if kind:
                break
        if kind is None and ("tablename" in record or "tablename_rule" in record) and record["bases"]:
            kind = "sqlalchemy"
        self._kinds[key] = kind
        return kind

    def _base_kind(self, base: str, record: dict, seen: set) -> Optional[str]:
        if base in DJANGO_MODEL_BASES or base.endswith("django.db.models.Model"):
            return "django"
        if base in SQLMODEL_BASES or base.endswith("sqlmodel.SQLModel"):
            return "sqlmodel" if record["keywords"].get("table") is True else None
        if base in PEEWEE_BASES:
            return "peewee"
        if base in SA_BASES:
            return "sqlalchemy"
        if base.endswith(".Model") and not base.startswith("django."):
            found = self.variable(base[: -len(".Model")])
            if found and found[1]["kind"] == "flask":
                return "flask"
        found = self.variable(base)
        if found and found[1]["kind"] == "declarative":
            return "sqlalchemy"
        parent = self.find_class(base)
        if parent is not None:
            kind = self._kind(parent, seen)
            if kind == "sqlmodel" and record["keywords"].get("table") is not True:
                return None
            return kind
        return None

    def _parents(self, key: str) -> List[str]:
        return [p for p in (self.find_class(b) for b in self._classes[key]["bases"]) if p]

    def _model(self, key: str, seen: set) -> Optional[ModelInfo]:
        kind = self._kind(key, set())
        if kind is None:
            return None
        record = self._classes[key]
        name = record["name"]
        meta = record["meta"]
        relations = dict(self._inherited(key, "relations", set()))
        managers = tuple(sorted(self._inherited_managers(key, set())))
        schema, table, label = None, None, ""
        if kind == "django":
            label = self._app_label(record)
            if meta.get("abstract") is True:
                table = None
            elif meta.get("proxy") is True:
                parent = self._concrete_parent(key, set())
                if parent is not None:
                    return ModelInfo(key, name, kind, parent.schema, parent.table, label,
                                     tuple(sorted(relations.items())), managers)
            else:
                db_table = meta.get("db_table")
                if isinstance(db_table, str):
                    schema, table = _django_table(db_table)
                else:
                    table = f"{label}_{name.lower()}"
        elif kind == "peewee":
            table = meta.get("table_name") if isinstance(meta.get("table_name"), str) else name.lower()
            schema = meta.get("schema") if isinstance(meta.get("schema"), str) else None
        else:
            if record.get("sa_abstract"):
                return ModelInfo(key, name, kind, None, None, "", tuple(sorted(relations.items())), managers)
            table = record.get("tablename")
            if table is None:
                table = self._inherited_table(key, name, kind, set())
            schema = self._inherited_schema(key, set())
        return ModelInfo(key, name, kind, schema, table, label, tuple(sorted(relations.items())), managers,
                         meta.get("managed") is not False)

    def _inherited(self, key: str, what: str, seen: set) -> Dict[str, str]:
        if key in seen:
            return {}
        seen.add(key)
        found: Dict[str, str] = {}
        for parent in reversed(self._parents(key)):
            found.update(self._inherited(parent, what, seen))
        found.update(self._classes[key].get(what, {}))
        return found

    def _inherited_managers(self, key: str, seen: set) -> set:
        if key in seen:
            return set()
        seen.add(key)
        found = set(self._classes[key].get("managers", ()))
        for parent in self._parents(key):
            found |= self._inherited_managers(parent, seen)
        return found

    def _concrete_parent(self, key: str, seen: set) -> Optional[ModelInfo]:
        for parent in self._parents(key):
            if parent in seen:
                continue
            seen.add(parent)
            info = self._model(parent, seen)
            if info is not None and info.table:
                return info
        return None

    def _inherited_table(self, key: str, name: str, kind: str, seen: set) -> Optional[str]:
        """A subclass without ``__tablename__``: a base's rule, else a mapped parent's table."""
        if key in seen:
            return None
        seen.add(key)
        record = self._classes[key]
        rule = record.get("tablename_rule")
        if rule == "lower":
            return name.lower()
        if rule == "snake":
            return snake_case(name)
        if rule == "unknown":
            return None
        if record.get("tablename") and record["name"] != name and not record.get("sa_abstract"):
            return record["tablename"]
        for parent in self._parents(key):
            found = self._inherited_table(parent, name, kind, seen)
            if found:
                return found
        if kind == "flask":
            return snake_case(name)
        if kind == "sqlmodel":
            return name.lower()
        return None

    def _inherited_schema(self, key: str, seen: set) -> Optional[str]:
        if key in seen:
            return None
        seen.add(key)
        record = self._classes[key]
        if record.get("schema"):
            return record["schema"]
        for base in record["bases"]:
            found = self.variable(base)
            if found and found[1].get("schema"):
                return found[1]["schema"]
            parent = self.find_class(base)
            if parent:
                schema = self._inherited_schema(parent, seen)
                if schema:
                    return schema
        return None

    def _app_label(self, record: dict) -> str:
        if isinstance(record["meta"].get("app_label"), str):
            return record["meta"]["app_label"]
        cache = self.__dict__.setdefault("_label_cache", {})  # a module's models share their app
        key = (record["module"], record.get("package"))
        if key not in cache:
            cache[key] = self._module_app_label(record["module"], record.get("package"))
        return cache[key]

    def _module_app_label(self, module: str, package: Optional[bool]) -> str:
        parts = module.split(".")
        if "migrations" in parts:
            parts = parts[: parts.index("migrations") + 1]
        if "models" in parts:
            parts = parts[: len(parts) - 1 - parts[::-1].index("models")]
        elif parts:
            parts = parts[:-1] if len(parts) > 1 or package is False else parts
        app = ".".join(parts)
        for name, label in self._app_labels.items():
            if name == app or name.endswith("." + app) or app.endswith("." + name):
                return label
        return parts[-1] if parts else ""

    # -- lookups used by the checker --------------------------------------------------------

    def model(self, name: Optional[str]) -> Optional[ModelInfo]:
        """The model a full dotted name stands for (a class, a re-export, a ``Table`` variable)."""
        if not name:
            return None
        key = self.find_class(name)
        if key is not None:
            return self.models.get(key)
        found = self.variable(name)
        if found is not None:
            if found[1]["kind"] == "user_model":  # User = get_user_model()
                return self.by_reference(self.user_model)
            return self.models.get(found[0])
        return None

    def by_reference(self, text: str, app_label: str = "") -> Optional[ModelInfo]:
        """A Django string reference: ``"billing.Invoice"``, or ``"Invoice"`` in ``app_label``."""
        if text == "AUTH_USER_MODEL" or text == "setting:AUTH_USER_MODEL":
            text = self.user_model
        if "." in text:
            label, _, model = text.rpartition(".")
        else:
            label, model = app_label, text
        key = self.by_label.get((label.lower(), model.lower()))
        return self.models.get(key) if key else None

    def target(self, reference: str, app_label: str = "", module: str = "") -> Optional[ModelInfo]:
        """The model a recorded relation target names."""
        kind, _, text = reference.partition(":")
        if kind == "setting":
            return self.by_reference(self.user_model)
        if kind == "py":
            return self.model(text)
        if kind == "sa":
            found = self.model(f"{module}.{text}") if module else None
            return found if found is not None and found.framework != "django" else None
        if text == "self":
            return None
        return self.by_reference(text, app_label)

    def referrers(self) -> Dict[str, List[str]]:
        """Model key -> the keys of the models with a relation to it (computed once per index:
        every service's ORM trigger words follow relations backwards from its foreign models)."""
        found = self.__dict__.get("_referrers")
        if found is None:
            found = {}
            for model in self.models.values():
                module = model.key.rpartition(".")[0]
                for _, reference in model.relations:
                    target = self.target(reference, model.app_label, module)
                    if target is not None and model.key not in found.setdefault(target.key, []):
                        found[target.key].append(model.key)
            self._referrers = found
        return found

    def names(self) -> List[str]:
        """Every name a model (or Table variable) is known by in the project."""
        return sorted({m.name for m in self.models.values() if m.table})


def _django_table(db_table: str) -> Tuple[Optional[str], str]:
    """``Meta.db_table`` -> (schema, table): Django quotes it whole, so ``'a"."b'`` is ``"a"."b"``."""
    from boundary_lint.sites.orm import split_qualified

    name = db_table.strip()
    if '"' in name and not (name.startswith('"') and name.endswith('"')):
        name = f'"{name}"'
    parts = split_qualified(name)
    quoted = '"' in name
    if len(parts) >= 2:
        schema, table = parts[-2], parts[-1]
        return (schema if quoted else schema.lower()), (table if quoted else table.lower())
    return None, (parts[0] if quoted else parts[0].lower()) if parts else name


# -- the index of each registry's folder in this process ---------------------------------

EMPTY = ModelIndex()
_PROCESS: Dict[str, ModelIndex] = {}
_ROOTS: Dict[Tuple[str, ...], Path] = {}  # place_key(registry folder as given) -> resolved


def install(registry, index: ModelIndex) -> None:
    """Make ``index`` the one :func:`installed` returns for the registry's folder in this process
    (the run builds it, :mod:`boundary_lint.adapters.model_index_store`; workers receive it)."""
    if getattr(registry, "source", None) is None:
        return
    root = resolved_root(registry)
    _PROCESS[f"{root}\0True"] = index
    _PROCESS[f"{root}\0False"] = index


def installed(registry, use_cache: bool = True) -> Optional[ModelIndex]:
    """The index installed for the registry's folder (EMPTY for a registry with no file: it has
    no folder of its own), None when none was built in this process yet."""
    if getattr(registry, "source", None) is None:
        return EMPTY
    return _PROCESS.get(f"{resolved_root(registry)}\0{use_cache}")


def resolved_root(registry) -> Path:
    """The registry's folder through symlinks, resolved once per process (the checker asks
    for every file it reads)."""
    key = place_key(os.fspath(registry.root))  # the working directory may change
    root = _ROOTS.get(key)
    if root is None:
        root = _ROOTS[key] = Path(os.path.abspath(key[-1])).resolve()
    return root


def forget() -> None:
    """Drop the per-process indexes (tests that edit a tree between runs)."""
    _PROCESS.clear()
    _ROOTS.clear()
