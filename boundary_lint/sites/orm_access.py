"""ORM operations as table references: ``Invoice.objects.filter(...)``, ``select(Payment)``...

The project's :mod:`~boundary_lint.sites.model_index` says which class maps which table;
this module reads one file's ``ast`` and turns each ORM operation on a known model
into a reference at the model name (or the instance, the lookup keyword, the
string naming the model), with the operation the call implies:

- Django: ``Model.objects`` / a custom manager / ``_default_manager`` /
  ``_base_manager`` followed by any queryset call: a read, or a write when the
  chain holds ``create``, ``get_or_create``, ``update_or_create``, ``bulk_create``,
  ``bulk_update``, ``update`` or ``delete``; ``instance.save()``/``.delete()`` where the
  instance was made from the model in the same function (``x = Invoice(...)``,
  ``x = Invoice.objects.get(...)``, ``for x in Invoice.objects...``); lookups across
  a relation (``filter(invoice__amount__gt=0)``, ``select_related("invoice")``,
  ``values("invoice__amount")``) read the related model's table;
  ``ForeignKey``/``OneToOneField``/``ManyToManyField`` to a model are foreign keys
  (a many-to-many join table belongs to the model that declares the field);
  ``get_object_or_404(Model, ...)``; ``apps.get_model("app", "Model")`` with
  constant arguments is that model (a migration's historical model is a real access).
  ``Model.objects.raw(sql)`` is left to its SQL, which says which tables it reads.
- SQLAlchemy 1.4/2.0, Flask-SQLAlchemy, SQLModel: ``select(Model)``,
  ``select(Model.col)``, ``session.query(Model)`` (then ``.update()``/``.delete()``:
  a write), ``session.get(Model, id)``, ``insert/update/delete(Model)``,
  ``session.add(Model(...))``/``add_all``/``merge``, ``session.add(obj)`` and
  ``session.delete(obj)`` where ``obj`` was made from the model, ``join(Model)``,
  ``Model.__table__``, ``Model.query`` (Flask-SQLAlchemy), a ``Table`` variable's
  ``select()/insert()/update()/delete()``, ``relationship("Model")`` (a read: it loads
  the other table's rows).

What cannot be known is counted, never guessed (``unresolved``): ``x.objects`` on
something that is no known model, a queryset method on a function's parameter,
``getattr(models, name)``, ``apps.get_model(...)`` with run-time arguments (also a
BND105 reference: a table name built at run time).
"""

from __future__ import annotations

import ast
from typing import Dict, List, Optional, Sequence, Set, Tuple

from boundary_lint.prefilter.lines import touches
from boundary_lint.sites.literal_positions import char_column, node_position
from boundary_lint.model import HOLE_PREFIX, Operation, Position, Reference, TableName
from boundary_lint.sites.model_index import RELATION_FIELDS, ModelIndex, ModelInfo, dotted, expand, file_imports

ACCESS_STATEMENT = -2
"""``Reference.statement[0]`` of an ORM operation (SQL sites count from 0, mappings use -1)."""

DEFAULT_MANAGERS = ("objects", "_default_manager", "_base_manager")
DJANGO_WRITES = frozenset("create get_or_create update_or_create bulk_create bulk_update update delete".split())
DJANGO_QUERYSET = frozenset(
    "filter get all exclude values values_list aggregate annotate count exists first last iterator in_bulk "
    "order_by distinct only defer using select_related prefetch_related earliest latest none select_for_update "
    "dates datetimes alias union intersection difference reverse contains explain".split()
) | DJANGO_WRITES
LOOKUP_CALLS = frozenset("filter exclude get get_or_create update_or_create annotate aggregate order_by values "
                         "values_list select_related prefetch_related only defer count".split())
NO_JOIN = frozenset({"id", "pk", "in", "isnull", "exact"})
INSTANCE_FROM = frozenset({"get", "create", "first", "last", "earliest", "latest", "get_or_create",
                           "update_or_create"})
SA_READ_CALLS = frozenset({"select", "query", "exists", "join", "outerjoin", "select_from", "with_entities",
                           "join_from", "outerjoin_from"})
SA_WRITE_CALLS = frozenset({"insert", "update", "delete", "upsert"})
SA_CHAIN_WRITES = frozenset({"update", "delete", "insert", "values"})
SESSION_WRITES = frozenset({"add", "add_all", "merge"})
LOADER_OPTIONS = frozenset({"joinedload", "selectinload", "subqueryload", "lazyload", "contains_eager"})
QUERYSET_ONLY = frozenset("annotate select_related prefetch_related values_list bulk_create "
                          "get_or_create update_or_create in_bulk".split())  # not filter(): the builtin's name too
FRAMEWORK_LABEL = {"django": "django", "sqlalchemy": "sqlalchemy", "flask": "sqlalchemy",
                   "sqlmodel": "sqlalchemy", "table": "sqlalchemy", "peewee": "peewee"}


def access_references(
    tree: ast.AST,
    lines: Sequence[str],
    index: ModelIndex,
    module: str,
    is_package: bool = False,
    hot: Optional[List[int]] = None,
) -> Tuple[List[Reference], int]:
    """The ORM operations of a module as references, and how many uses could not be resolved."""
    if hot is not None and not hot:
        return [], 0
    finder = AccessFinder(tree, lines, index, module, is_package)
    for statement, around in _hot_statements(getattr(tree, "body", []), hot, None):
        if around is not None:
            finder.parents[id(statement)] = around  # a class member's class (its app, its table)
        finder.statement(statement)
    return finder.refs, finder.unresolved


def _hot_statements(body: Sequence[ast.stmt], hot: Optional[List[int]], around: Optional[ast.AST]):
    """The statements to walk: those on hot lines; in a class, only its hot members (a
    function is walked whole: its bindings matter)."""
    for statement in body:
        if hot is not None and not touches(statement, hot):
            continue
        if hot is not None and isinstance(statement, ast.ClassDef) and len(statement.body) > 1:
            if any(touches(d, hot) for d in statement.decorator_list) or any(
                    touches(b, hot) for b in statement.bases + [k.value for k in statement.keywords]):
                yield statement, around
                continue
            yield from _hot_statements(statement.body, hot, statement)
        else:
            yield statement, around


class AccessFinder:
    def __init__(self, tree: ast.AST, lines: Sequence[str], index: ModelIndex, module: str, is_package: bool):
        self.lines = lines
        self.index = index
        self.module = module
        self.imports = file_imports(tree, module, is_package)
        self.local = {n.name for n in getattr(tree, "body", []) if isinstance(n, ast.ClassDef)}
        self.local |= {t.id for n in getattr(tree, "body", []) if isinstance(n, ast.Assign)
                       for t in n.targets if isinstance(t, ast.Name)}
        self.app_label = index._app_label({"module": module, "meta": {}})
        self.refs: List[Reference] = []
        self.unresolved = 0
        self.constructs = 0
        self.chains: Dict[int, int] = {}  # id of a call chain's top -> its statement number
        self.parents: Dict[int, ast.AST] = {}
        self.done: Set[int] = set()
        self.aliases: Dict[int, Dict[str, Optional[ModelInfo]]] = {}  # function id -> name -> model
        self.instances: Dict[int, Dict[str, ModelInfo]] = {}
        self.params: Dict[int, Set[str]] = {}

    # -- names --------------------------------------------------------------------------

    def function_of(self, node: ast.AST) -> Optional[ast.AST]:
        current = self.parents.get(id(node))
        while current is not None:
            if isinstance(current, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
                return current
            current = self.parents.get(id(current))
        return None

    def model_of(self, expr: ast.AST, at: Optional[ast.AST] = None) -> Optional[ModelInfo]:
        """The model an expression names (a class, an alias, ``apps.get_model`` with constants)."""
        at = at if at is not None else expr
        if isinstance(expr, ast.Call):
            name = dotted(expr.func) or ""
            if name.endswith("get_model"):
                texts = [a.value for a in expr.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
                if len(texts) == len(expr.args) and texts:
                    return self.index.by_reference(".".join(texts[:2]), self.app_label)
                return None
            if name.endswith("get_user_model") and not expr.args:
                return self.index.by_reference(self.index.user_model)
            return None
        text = dotted(expr)
        if text is None:
            return None
        head = text.split(".")[0]
        function = self.function_of(at)
        while function is not None:
            aliases = self.aliases.get(id(function), {})
            if head in aliases:
                model = aliases[head]
                return model if model is not None and text == head else None
            if head in self.params.get(id(function), ()):
                return None
            function = self.function_of(function)
        if head not in self.local and head not in self.imports:
            return None
        return self.index.model(expand(text, self.imports, self.local, self.module))

    def _known_class(self, expr: ast.AST) -> bool:
        """A class of this file or of the index that is no model (``Invoice.objects`` of a local class)."""
        text = dotted(expr)
        if text is None:
            return isinstance(expr, ast.Call) and not (dotted(expr.func) or "").endswith("get_model")
        if text.split(".")[0] in self.local:
            return True
        return self.index.find_class(expand(text, self.imports, self.local, self.module)) is not None

    def instance_of(self, expr: ast.AST) -> Optional[ModelInfo]:
        if not isinstance(expr, ast.Name):
            return None
        function = self.function_of(expr)
        while function is not None:
            found = self.instances.get(id(function), {}).get(expr.id)
            if found is not None:
                return found
            function = self.function_of(function)
        return None

    # -- walking ------------------------------------------------------------------------

    def statement(self, statement: ast.stmt) -> None:
        nodes = [statement]
        parents = self.parents
        index = 0
        while index < len(nodes):  # one walk: every node, its parent
            node = nodes[index]
            index += 1
            for child in ast.iter_child_nodes(node):
                parents[id(child)] = node
                nodes.append(child)
        bindings = []
        for node in nodes:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                self._parameters(node)
            elif isinstance(node, (ast.Assign, ast.For, ast.AsyncFor)):
                bindings.append(node)
        for node in bindings:
            function = self.function_of(node)
            if function is not None and id(function) in self.aliases:
                self._bind(function, node)
        for node in nodes:
            if id(node) in self.done:
                continue
            if isinstance(node, ast.Attribute):
                self._attribute(node)
            elif isinstance(node, ast.Call):
                self._call(node)

    def _parameters(self, function: ast.AST) -> None:
        args = function.args
        self.params[id(function)] = {a.arg for a in args.args + args.kwonlyargs + args.posonlyargs} | (
            {args.vararg.arg} if args.vararg else set()) | ({args.kwarg.arg} if args.kwarg else set())
        self.aliases[id(function)] = {}
        self.instances[id(function)] = {}

    def _bind(self, function: ast.AST, node: ast.AST) -> None:
        """A name bound in a function to a model (an alias) or to an instance of one."""
        aliases = self.aliases[id(function)]
        instances = self.instances[id(function)]
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target, value = node.targets[0], node.value
            if isinstance(target, ast.Name):
                model = self.model_of(value)
                if model is not None:
                    aliases[target.id] = model
                    return
                made = self._made_from(value)
                if made is not None:
                    instances[target.id] = made
            elif isinstance(target, ast.Tuple) and target.elts and isinstance(target.elts[0], ast.Name):
                made = self._made_from(value)  # obj, created = M.objects.get_or_create(...)
                if made is not None:
                    instances[target.elts[0].id] = made
        elif isinstance(node, (ast.For, ast.AsyncFor)) and isinstance(node.target, ast.Name):
            made = self._chain_model(node.iter)
            if made is not None:
                instances[node.target.id] = made

    def _made_from(self, value: ast.AST) -> Optional[ModelInfo]:
        """``M(...)`` or ``M.objects.get(...)``-like: the model of the instance it gives."""
        if isinstance(value, ast.Call):
            model = self.model_of(value.func, value)
            if model is not None and not isinstance(value.func, ast.Call):
                return model
            if isinstance(value.func, ast.Attribute) and value.func.attr in INSTANCE_FROM:
                made = self._chain_model(value.func.value)
                if made is not None:
                    return made
            if (dotted(value.func) or "").endswith("get_object_or_404") and value.args:
                return self.model_of(value.args[0], value)
            if isinstance(value.func, ast.Attribute) and value.func.attr == "get" and len(value.args) >= 2:
                return self.model_of(value.args[0], value)  # session.get(Model, id)
        if isinstance(value, ast.Subscript):
            return self._made_from(value.value)
        if isinstance(value, ast.Await):
            return self._made_from(value.value)
        return None

    def _chain_model(self, expr: ast.AST) -> Optional[ModelInfo]:
        """The model at the root of ``M.objects.filter(...)...``."""
        while True:
            if isinstance(expr, ast.Call):
                expr = expr.func
            elif isinstance(expr, ast.Attribute):
                if expr.attr in DEFAULT_MANAGERS:
                    return self.model_of(expr.value, expr)
                model = self.model_of(expr.value, expr)
                if model is not None and expr.attr in model.managers:
                    return model
                expr = expr.value
            elif isinstance(expr, ast.Subscript):
                expr = expr.value
            else:
                return None

    # -- references ---------------------------------------------------------------------

    def add(self, where: Position, model: ModelInfo, operation: Operation, construct: ast.AST,
            fresh: bool = True, source: Optional[ModelInfo] = None, chain: Optional[ast.AST] = None) -> None:
        """A reference; ``fresh`` starts a statement of its own, unless ``chain`` (the top of a
        call chain: ``select(A).join(B)``) already has one: a chain is one statement."""
        if not model.table:
            return
        if chain is not None and id(chain) in self.chains:
            number = self.chains[id(chain)]
        else:
            self.constructs += fresh
            number = self.constructs
            if chain is not None:
                self.chains[id(chain)] = number
        from boundary_lint.sites.orm import fingerprint_of

        self.refs.append(Reference(
            position=where,
            table=TableName(model.schema, model.table),
            operation=operation,
            statement=(ACCESS_STATEMENT, number),
            statement_line=getattr(construct, "lineno", where.line),
            fingerprint=fingerprint_of(construct, self.lines),
            source=TableName(source.schema, source.table) if source is not None and source.table else None,
            orm=FRAMEWORK_LABEL.get(model.framework, "orm"),
        ))

    def name_position(self, expr: ast.AST) -> Position:
        """Where the model's own name is written (``Invoice`` of ``bm.Invoice``)."""
        if isinstance(expr, ast.Attribute) and getattr(expr, "end_lineno", None) == expr.lineno:
            text = self.lines[expr.lineno - 1] if 0 < expr.lineno <= len(self.lines) else ""
            return Position(expr.lineno, char_column(text, expr.end_col_offset - len(expr.attr)))
        if isinstance(expr, ast.Call) and expr.args:
            return self.string_position(expr.args[-1])
        return node_position(expr, self.lines)

    def string_position(self, expr: ast.AST) -> Position:
        """Inside a one-line string literal, at its first character; else the expression."""
        where = node_position(expr, self.lines)
        if isinstance(expr, ast.Constant) and isinstance(expr.value, str) and expr.lineno == expr.end_lineno:
            text = self.lines[expr.lineno - 1]
            column = where.column - 1
            while column < len(text) and text[column] not in "'\"":
                column += 1
            quote = text[column:column + 3]
            skip = 3 if quote in ('"""', "'''") else 1
            return Position(where.line, column + skip + 1)
        return where

    # -- Django and Flask chains ----------------------------------------------------------

    def _attribute(self, node: ast.Attribute) -> None:
        if node.attr in DEFAULT_MANAGERS or node.attr in ("query", "__table__"):
            model = self.model_of(node.value, node)
            if model is None:
                if node.attr in DEFAULT_MANAGERS and not self._known_class(node.value) or (
                        isinstance(node.value, ast.Call) and (dotted(node.value.func) or "").endswith("get_model")):
                    self.unresolved += 1
                return
        else:
            model = self.model_of(node.value, node)
            if model is None or node.attr not in model.managers:
                return
        if node.attr == "__table__":
            parent = self.parents.get(id(node))
            operation = Operation.READ
            if isinstance(parent, ast.Attribute) and parent.attr in SA_WRITE_CALLS:
                operation = Operation.WRITE
            self.add(self.name_position(node.value), model, operation, node)
            return
        if node.attr == "query" and model.framework == "django":
            return
        methods, calls, top = self._chain_up(node)
        if "raw" in methods:
            return  # the SQL says which tables it reads
        writes = DJANGO_WRITES if node.attr != "query" else SA_CHAIN_WRITES
        operation = Operation.WRITE if any(m in writes for m in methods) else Operation.READ
        self.add(self.name_position(node.value), model, operation, top)
        for call in calls:
            self._lookups(call, model)

    def _chain_up(self, node: ast.AST) -> Tuple[List[str], List[ast.Call], ast.AST]:
        """The method names called along a chain starting at ``node``, the calls, and its top."""
        methods: List[str] = []
        calls: List[ast.Call] = []
        current = node
        while True:
            parent = self.parents.get(id(current))
            if isinstance(parent, ast.Attribute) and parent.value is current:
                methods.append(parent.attr)
                current = parent
            elif isinstance(parent, ast.Call) and parent.func is current:
                calls.append(parent)
                current = parent
            elif isinstance(parent, ast.Subscript) and parent.value is current:
                current = parent
            else:
                return methods, calls, current

    def _lookups(self, call: ast.Call, model: ModelInfo) -> None:
        """Lookups across a relation in a queryset call: reads of the related model's table."""
        if not isinstance(call.func, ast.Attribute) or call.func.attr not in LOOKUP_CALLS or not model.relations:
            return
        for keyword in call.keywords:
            if keyword.arg and "__" in keyword.arg:
                self._path(keyword.arg, model, node_position(keyword, self.lines), call, require_join=True)
        if call.func.attr in ("select_related", "prefetch_related", "values", "values_list", "only", "order_by"):
            for arg in call.args:
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                    path = arg.value.lstrip("-")
                    always = call.func.attr in ("select_related", "prefetch_related")
                    self._path(path, model, self.string_position(arg), call, require_join=not always)

    def _path(self, path: str, model: ModelInfo, where: Position, call: ast.AST, require_join: bool) -> None:
        parts = path.split("__")
        current: Optional[ModelInfo] = model
        for index, part in enumerate(parts):
            relations = dict(current.relations) if current is not None else {}
            if part not in relations:
                return
            if require_join and (index + 1 == len(parts) or parts[index + 1] in NO_JOIN):
                return
            target = self.index.target(relations[part], current.app_label, current.key.rpartition(".")[0])
            if target is None:
                self.unresolved += 1
                return
            self.add(where, target, Operation.READ, call, fresh=False)
            current = target

    # -- calls --------------------------------------------------------------------------

    def _call(self, node: ast.Call) -> None:
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
        if not name:
            return
        imported = self.imports.get(name, "") if isinstance(func, ast.Name) else ""
        if imported.startswith("sqlalchemy.") and imported.rsplit(".", 1)[-1] in SA_WRITE_CALLS:
            name = imported.rsplit(".", 1)[-1]  # from sqlalchemy.dialects.postgresql import insert as pg_insert
        if name in RELATION_FIELDS:
            self._relation_field(node)
        elif name in LOADER_OPTIONS:
            self._loader_option(node)
        elif name == "relationship":
            self._relationship(node)
        elif name in SA_READ_CALLS:
            self._sa_read(node, name)
        elif name in SA_WRITE_CALLS and self._table_method(node, name):
            pass
        elif name in SA_WRITE_CALLS and node.args:
            self._sa_write(node)
        elif name == "get" and isinstance(func, ast.Attribute) and len(node.args) >= 2:
            model = self.model_of(node.args[0], node)
            if model is not None and model.framework != "django":
                self.add(self.name_position(node.args[0]), model, Operation.READ, node)
        elif name in SESSION_WRITES and isinstance(func, ast.Attribute) and node.args:
            self._session_write(node, name)
        elif name in ("save", "delete", "refresh_from_db") and isinstance(func, ast.Attribute):
            model = self.instance_of(func.value)
            if model is not None:
                operation = Operation.READ if name == "refresh_from_db" else Operation.WRITE
                self.add(node_position(func.value, self.lines), model, operation, node)
        elif name in ("get_object_or_404", "get_list_or_404") and node.args:
            model = self.model_of(node.args[0], node)
            if model is not None:
                self.add(self.name_position(node.args[0]), model, Operation.READ, node)
        elif name == "get_model":
            self._get_model(node)
        elif name == "getattr" and len(node.args) >= 2 and isinstance(node.args[0], ast.Name):
            if node.args[0].id in ("models", "apps") and not isinstance(node.args[1], ast.Constant):
                self.unresolved += 1
        elif name in QUERYSET_ONLY and isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
            function = self.function_of(node)
            if function is not None and func.value.id in self.params.get(id(function), ()):
                self.unresolved += 1  # a queryset passed in from elsewhere

    def _loader_option(self, node: ast.Call) -> None:
        """``joinedload(Order.strategy)``: loads the related class's rows, a read of its table."""
        for arg in node.args:
            if not isinstance(arg, ast.Attribute):
                continue
            owner = self.model_of(arg.value, node)
            if owner is None or owner.framework == "django":
                continue
            target = dict(owner.relations).get(arg.attr)
            model = self.index.target(target, "", owner.key.rpartition(".")[0]) if target else None
            if model is not None:
                self.add(self.name_position(arg), model, Operation.READ, node)

    def _relation_field(self, node: ast.Call) -> None:
        django = any(k.arg in ("on_delete", "to", "related_name", "through") for k in node.keywords) or (
            isinstance(node.func, ast.Attribute) and isinstance(node.func.value, ast.Name)
            and node.func.value.id == "models")
        if not django:
            return
        if any(k.arg == "db_constraint" and isinstance(k.value, ast.Constant) and k.value.value is False
               for k in node.keywords):
            return  # db_constraint=False: no foreign key in the database
        target = next((k.value for k in node.keywords if k.arg == "to"), None)
        if target is None and node.args:
            target = node.args[0]
        if target is None:
            return
        text = target.value if isinstance(target, ast.Constant) and isinstance(target.value, str) else None
        if text is not None:
            model = self.index.by_reference(text, self._app_of(node))
            where = self.string_position(target)
        elif (dotted(target) or "").endswith("AUTH_USER_MODEL"):
            model = self.index.by_reference(self.index.user_model)
            where = self.name_position(target)
        else:
            model = self.model_of(target, node)
            where = self.name_position(target)
        if model is None:
            return
        self.add(where, model, Operation.FK, node, source=self._class_model(node))

    def _class_model(self, node: ast.AST) -> Optional[ModelInfo]:
        """The model whose class body holds ``node``."""
        current = self.parents.get(id(node))
        while current is not None:
            if isinstance(current, ast.ClassDef):
                return self.index.model(f"{self.module}.{current.name}")
            current = self.parents.get(id(current))
        return None

    def _app_of(self, node: ast.AST) -> str:
        """The app label of the model class around ``node`` (else the file's app)."""
        current = self.parents.get(id(node))
        while current is not None:
            if isinstance(current, ast.ClassDef):
                info = self.index.model(f"{self.module}.{current.name}")
                if info is not None and info.app_label:
                    return info.app_label
            current = self.parents.get(id(current))
        return self.app_label

    def _relationship(self, node: ast.Call) -> None:
        target = node.args[0] if node.args else next((k.value for k in node.keywords if k.arg == "argument"), None)
        if target is None:
            return
        if isinstance(target, ast.Constant) and isinstance(target.value, str):
            text = target.value.rpartition(".")[2]
            # SQLAlchemy resolves the name in the class's registry: a class of this module or one
            # it imports; a class of that name elsewhere may belong to another registry (not guessed)
            model = self.model_of(ast.Name(id=text, lineno=node.lineno, col_offset=0), node) if (
                text in self.local or text in self.imports) else None
            if model is None:
                self.unresolved += 1
                return
            where = self.string_position(target)
        else:
            model = self.model_of(target, node)
            where = self.name_position(target)
        if model is not None:
            self.add(where, model, Operation.READ, node)

    def _entity(self, expr: ast.AST, call: ast.AST) -> Tuple[Optional[ModelInfo], Optional[ast.AST]]:
        """``Model``, ``Model.col``, ``Model.__table__``, a ``Table`` variable, ``t.c.col``."""
        model = self.model_of(expr, call)
        if model is not None and model.framework != "django":
            return model, expr
        if isinstance(expr, ast.Call) and isinstance(expr.func, ast.Attribute) and expr.args:
            return self._entity(expr.args[0], call)  # func.sum(Payment.amount), Payment.amount.label(...)
        if isinstance(expr, ast.Attribute):
            base = expr.value
            if isinstance(base, ast.Attribute) and base.attr == "c":
                base = base.value
            model = self.model_of(base, call)
            if model is not None and model.framework != "django":
                self.done.add(id(expr))
                return model, base
        return None, None

    def _table_method(self, node: ast.Call, name: str) -> bool:
        """``refund_log.select()``, ``refund_log.insert()``: a ``Table`` variable's own statements."""
        if not isinstance(node.func, ast.Attribute) or name not in ("select", "insert", "update", "delete"):
            return False
        model = self.model_of(node.func.value, node)
        if model is None or model.framework != "table":
            return False
        operation = Operation.READ if name == "select" else Operation.WRITE
        self.add(self.name_position(node.func.value), model, operation, node)
        return True

    def _sa_read(self, node: ast.Call, name: str) -> None:
        if self._table_method(node, name):
            return
        if name == "query" and not isinstance(node.func, ast.Attribute):
            return
        methods, _, top = self._chain_up(node)
        operation = Operation.WRITE if name == "query" and any(m in ("update", "delete") for m in methods) \
            else Operation.READ
        fresh = True
        for arg in node.args:
            model, at = self._entity(arg, node)
            if model is not None:
                self.add(self.name_position(at), model, operation, top, fresh=fresh, chain=top)
                fresh = False

    def _sa_write(self, node: ast.Call) -> None:
        if not node.args:
            return
        model, at = self._entity(node.args[0], node)
        if model is not None and (isinstance(at, (ast.Name, ast.Attribute))):
            self.add(self.name_position(at), model, Operation.WRITE, node)
        elif isinstance(node.func, ast.Attribute) and node.func.attr == "delete":
            model = self.instance_of(node.args[0])  # session.delete(obj)
            if model is not None and model.framework != "django":
                self.add(node_position(node.args[0], self.lines), model, Operation.WRITE, node)

    def _session_write(self, node: ast.Call, name: str) -> None:
        items = [node.args[0]]
        if name == "add_all" and isinstance(node.args[0], (ast.List, ast.Tuple)):
            items = node.args[0].elts
        elif name == "add_all" and isinstance(node.args[0], (ast.ListComp, ast.GeneratorExp)):
            items = [node.args[0].elt]  # add_all([Model(**row) for row in rows])
        fresh = True
        for item in items:
            if isinstance(item, ast.Call):
                model = self.model_of(item.func, node)
                where = self.name_position(item.func)
            else:
                model = self.instance_of(item)
                where = node_position(item, self.lines)
            if model is not None and model.framework != "django":
                self.add(where, model, Operation.WRITE, node, fresh=fresh)
                fresh = False

    def _get_model(self, node: ast.Call) -> None:
        if all(isinstance(a, ast.Constant) for a in node.args) and node.args:
            return  # a model of the index, found where it is used
        if not node.args:
            return
        self.unresolved += 1
        self.constructs += 1
        from boundary_lint.sites.orm import fingerprint_of

        self.refs.append(Reference(
            position=node_position(node.args[-1], self.lines),
            table=TableName(None, HOLE_PREFIX + "0", name_is_dynamic=True),
            operation=Operation.READ,
            statement=(ACCESS_STATEMENT, self.constructs),
            statement_line=node.lineno,
            fingerprint=fingerprint_of(node, self.lines),
            orm="django",
        ))


_WORDS: Dict[Tuple[int, int, str], tuple] = {}


def trigger_words(index: ModelIndex, registry, service: str) -> frozenset:
    """The words whose lines the ORM pass must read in a file of ``service``: the names of models
    mapping a table another service owns (or no service), of models with a relation to one,
    ``app_label.model`` in lower case (how migrations name them), ``get_model``, and
    ``AUTH_USER_MODEL`` / ``get_user_model`` when the user model is such a model. A file
    mentioning none of them holds no ORM finding, so the pre-filter stays off for it. The coverage
    count is taken in the statements walked for these words (a function naming no such model is
    not walked: it would cost a parse)."""
    if not index.models:
        return frozenset()
    memo = (id(index), id(registry), service)
    hit = _WORDS.get(memo)
    if hit is not None and hit[0] is index and hit[1] is registry:
        return hit[2]
    foreign: Set[str] = set()
    for model in index.models.values():
        if not model.table:
            continue
        table = TableName(model.schema, model.table)
        schema, name = registry.resolve(table, service)
        if registry.is_ignored(schema, name):
            continue
        if registry.owner_of(schema, name) != service:
            foreign.add(model.key)
    words = {index.models[key].name for key in foreign}
    reaching = set(foreign)  # models with a relation path to a foreign one: lookups cross it
    referrers = index.referrers() if foreign else {}  # (a service owning every model needs none)
    todo = list(foreign)
    while todo:
        for key in referrers.get(todo.pop(), ()):
            if key not in reaching:
                reaching.add(key)
                words.add(index.models[key].name)
                todo.append(key)
    for key in foreign:  # migrations name models in lower case: to="billing.invoice"
        model = index.models[key]
        if model.framework == "django" and model.app_label:
            words.add(f"{model.app_label}.{model.name}".lower())
    user = index.by_reference(index.user_model)
    if user is not None and user.key in foreign:
        words |= {"AUTH_USER_MODEL", "get_user_model"}
    if foreign:
        words.add("get_model")  # apps.get_model(app, name): a historical model, or BND105 at run time
    if len(_WORDS) > 64:
        _WORDS.clear()
    _WORDS[memo] = (index, registry, frozenset(words))
    return _WORDS[memo][2]


def mapping_references(index: ModelIndex, module: str) -> List[Reference]:
    """Each model class of ``module`` as a mapping of its table (for ``init``); ``orm="model"``
    marks a model that creates its table (not Django's ``managed = False``)."""
    refs = []
    for model in index.models.values():
        if model.table and model.key.rpartition(".")[0] == module:
            refs.append(Reference(position=Position(1, 1), table=TableName(model.schema, model.table),
                                  operation=Operation.READ, statement=(ACCESS_STATEMENT, 0), mapping=True,
                                  orm="model" if model.managed else FRAMEWORK_LABEL.get(model.framework, "orm")))
    return refs
