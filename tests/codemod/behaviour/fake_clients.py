"""A conventional owner for every client the rewritten corpus calls, built from ``fix``'s contract JSON.

Each owning service in the contract (version 2, docs/fix.md) gets a module,
put in ``sys.modules`` under the registry's module name, whose factory returns
a client with one method per contract method (``methods`` and
``methods_to_add``). A method runs what docs/fix.md says the owner runs, on
its own autocommit connection to the same database:

* a derived method (``kind: derived``) is rebuilt from its *name* and the
  call's *keyword arguments* alone (``get_T`` / ``list_T`` / ``get_T_c`` /
  ``list_T_c`` / ``create_T`` / ``upsert_T`` / ``create_T_returning_c`` /
  ``upsert_T_returning_c`` / ``update_T(where=, values=)`` / ``delete_T``,
  conditions ``col``, ``col_ne``, ``_lt``, ``_lte``, ``_gt``, ``_gte``,
  ``_like``, ``_ilike``, ``_in``, ``_is_null``, and ``fields``, ``order_by``
  with ``-``, ``limit``, ``offset``); the table is the contract's ``table``.
  ``replaces_sql`` is never read: a condition or constant the call does not
  carry is not applied, so a rewrite that drops one shows as a difference;
* an explicit method (``kind: explicit``) runs the registry's ``sql`` with its
  placeholders bound from the call's arguments, in the order of the
  registry's ``call`` template.

The result is shaped by the method's ``returns`` (``row or null``: a dict or
None; ``rows``: a list of dicts; ``value or null``; ``values``; ``count``...)
and, like the arguments, goes through JSON (Decimal, datetime, date, time and
UUID carried with a type tag and decoded back), as over HTTP: only what JSON
cannot tell apart changes (tuples become lists, rows become dicts).

Attributes the contract does not name are looked up on the service's real
client module and client (the corpus's HTTP stubs), so code that calls the
client's existing methods behaves as it did.
"""

from __future__ import annotations

import ast
import datetime as dt
import json
import re
import sys
import types
import uuid
from decimal import Decimal
from typing import Any, Callable, Dict, List, Mapping, MutableMapping, Optional, Sequence, Tuple

import psycopg
from psycopg import sql
from psycopg.rows import dict_row

SHAPES = ("row or null", "row", "rows", "value or null", "value", "values", "count", "nothing")
VERBS = ("get", "list", "create", "upsert", "update", "delete")
CONDITION_SUFFIXES = ("is_null", "ilike", "like", "lte", "gte", "ne", "lt", "gt", "in")  # longest match first
READ_OPTIONS = ("fields", "order_by", "limit", "offset")
_OPERATORS = {"ne": "<>", "lt": "<", "lte": "<=", "gt": ">", "gte": ">=", "like": "LIKE", "ilike": "ILIKE"}


class ContractError(Exception):
    """The contract, or a call made through it, does not follow docs/fix.md."""


class NoRowError(LookupError):
    """A method whose shape is ``row`` or ``value`` found no row (the owner's 404)."""


# --------------------------------------------------------------------------
# the wire: JSON with tagged values


def _encode(value: Any) -> Any:
    if isinstance(value, bool) or value is None or isinstance(value, (int, float, str)):
        return value
    if isinstance(value, Decimal):
        return {"$decimal": str(value)}
    if isinstance(value, dt.datetime):
        return {"$datetime": value.isoformat()}
    if isinstance(value, dt.date):
        return {"$date": value.isoformat()}
    if isinstance(value, dt.time):
        return {"$time": value.isoformat()}
    if isinstance(value, uuid.UUID):
        return {"$uuid": str(value)}
    if isinstance(value, Mapping):
        out = {}
        for key, item in value.items():
            if not isinstance(key, str):
                raise TypeError(f"a JSON object key must be a string, not {key!r}")
            out[key] = _encode(item)
        return out
    if isinstance(value, (list, tuple)):
        return [_encode(item) for item in value]
    raise TypeError(f"{type(value).__name__} cannot be sent as JSON: {value!r}")


_DECODERS: Dict[str, Callable[[str], Any]] = {
    "$decimal": Decimal,
    "$datetime": dt.datetime.fromisoformat,
    "$date": dt.date.fromisoformat,
    "$time": dt.time.fromisoformat,
    "$uuid": uuid.UUID,
}


def _decode_object(obj: Dict[str, Any]) -> Any:
    if len(obj) == 1:
        (key, text), = obj.items()
        decoder = _DECODERS.get(key)
        if decoder is not None and isinstance(text, str):
            return decoder(text)
    return obj


def json_round_trip(value: Any) -> Any:
    """``value`` as the other side of an HTTP call sees it."""
    return json.loads(json.dumps(_encode(value)), object_hook=_decode_object)


# --------------------------------------------------------------------------
# the contract


def contract_methods(contract: Mapping[str, Any]) -> Dict[str, Dict[str, Any]]:
    """``{service: {"client": {...}, "methods": {name: method}}}`` from a version-2 contract."""
    if contract.get("version") != 2:
        raise ContractError(f"contract version {contract.get('version')!r}: this fake reads version 2 (docs/fix.md)")
    services: Dict[str, Dict[str, Any]] = {}
    for entry in contract.get("services", ()):
        client = entry.get("client")
        if not isinstance(client, Mapping) or not client.get("module") or not client.get("factory"):
            raise ContractError(f"service {entry.get('service')!r} has no client module and factory")
        methods: Dict[str, Dict[str, Any]] = {}
        for method in [*entry.get("methods", ()), *entry.get("methods_to_add", ())]:
            name = method.get("name")
            if name in methods and _signature(methods[name]) != _signature(method):
                raise ContractError(f"{entry.get('service')}.{name} is listed twice with different shapes")
            _check_method(entry.get("service"), method)
            methods[name] = method
        services[entry["service"]] = {"client": dict(client), "methods": methods}
    return services


def _signature(method: Mapping[str, Any]) -> Tuple:
    return (method.get("kind"), method.get("table"), method.get("returns"), json.dumps(method.get("rewrite")))


def _check_method(service: str, method: Mapping[str, Any]) -> None:
    where = f"{service}.{method.get('name')}"
    if method.get("returns") not in SHAPES:
        raise ContractError(f"{where}: returns {method.get('returns')!r} is not one of {', '.join(SHAPES)}")
    kind = method.get("kind")
    if kind == "derived":
        if not method.get("table"):
            raise ContractError(f"{where}: a derived method needs its table")
        verb, column = parse_derived_name(method["name"], method["table"])
        expected = _DERIVED_SHAPES[(verb, column is not None) if verb in ("get", "list") else verb]
        if method["returns"] not in expected:
            raise ContractError(f"{where}: a {method['name']} returns {' or '.join(expected)}, "
                                f"the contract says {method['returns']!r}")
    elif kind == "explicit":
        rewrite = method.get("rewrite")
        if not isinstance(rewrite, Mapping) or not rewrite.get("sql") or not rewrite.get("call"):
            raise ContractError(f"{where}: an explicit method needs rewrite.sql and rewrite.call")
        template_arguments(rewrite["call"], method["name"])
    else:
        raise ContractError(f"{where}: kind {kind!r} is neither 'derived' nor 'explicit'")


_DERIVED_SHAPES = {
    ("get", False): ("row or null", "row"),
    ("list", False): ("rows",),
    ("get", True): ("value or null", "value"),
    ("list", True): ("values",),
    "create": ("count", "nothing", "value or null", "value"),
    "upsert": ("count", "nothing", "value or null", "value"),
    "update": ("count", "nothing"),
    "delete": ("count", "nothing"),
}


def parse_derived_name(name: str, table: str) -> Tuple[str, Optional[str]]:
    """``("get", "total_pnl")`` for ``get_strategy_total_pnl`` on ``public.strategy``;
    the column is the value column (``get_``/``list_``) or the RETURNING column
    (``create_``/``upsert_``), None when the name has none."""
    short = table.split(".")[-1]
    for verb in VERBS:
        stem = f"{verb}_{short}"
        if name == stem:
            return verb, None
        if name.startswith(stem + "_"):
            rest = name[len(stem) + 1:]
            if verb in ("get", "list"):
                return verb, rest
            if verb in ("create", "upsert") and rest.startswith("returning_") and len(rest) > len("returning_"):
                return verb, rest[len("returning_"):]
            break
    raise ContractError(f"{name!r} is not a conventional method name for table {table} "
                        f"({'/'.join(v + '_' + short for v in VERBS)}[_column])")


def template_arguments(call: str, name: str) -> List[str]:
    """The placeholder names of an explicit rewrite's call template, in order."""
    try:
        node = ast.parse(call.strip(), mode="eval").body
    except SyntaxError as exc:
        raise ContractError(f"rewrite call {call!r} does not parse: {exc}") from None
    if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == name
            and all(isinstance(a, ast.Name) for a in node.args) and not node.keywords):
        raise ContractError(f"rewrite call {call!r}: expected {name}(placeholder, ...) with plain names")
    return [a.id for a in node.args]


# --------------------------------------------------------------------------
# running a method


_PLACEHOLDER = re.compile(r"(?<![:\w]):([A-Za-z_]\w*)")


def named_sql_to_psycopg(text: str) -> str:
    """``:name`` placeholders as psycopg's ``%(name)s`` (``::`` casts and ``%`` kept)."""
    return _PLACEHOLDER.sub(r"%(\1)s", text.replace("%", "%%"))


class Owner:
    """Runs contract methods on one database: the conventional owner's side."""

    def __init__(self, dsn: Optional[str] = None) -> None:
        self._dsn = dsn
        self._conn: Optional[psycopg.Connection] = None
        self._columns: Dict[str, List[str]] = {}
        self.calls: List[Tuple[str, str, Any, Any]] = []

    def use(self, dsn: str) -> None:
        """Serve another database from now on."""
        self.close()
        self._dsn = dsn

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    @property
    def conn(self) -> psycopg.Connection:
        if self._conn is None:
            if self._dsn is None:
                raise RuntimeError("the fake owner has no database (call use(dsn))")
            self._conn = psycopg.connect(self._dsn, autocommit=True)
            self._conn.execute("SET lock_timeout = '5s'")
            self._conn.execute("SET statement_timeout = '20s'")
        return self._conn

    # -- entry point

    def call(self, service: str, method: Mapping[str, Any], args: Sequence[Any], kwargs: Mapping[str, Any]) -> Any:
        args, kwargs = json_round_trip([list(args), dict(kwargs)])
        self.calls.append((service, method["name"], args, kwargs))
        if method["kind"] == "explicit":
            result = self._explicit(method, args, kwargs)
        else:
            if args:
                raise ContractError(f"{method['name']}: a derived method takes keyword arguments only, got {args!r}")
            result = self._derived(method, kwargs)
        return json_round_trip(result)

    # -- explicit rewrites

    def _explicit(self, method: Mapping[str, Any], args: List[Any], kwargs: Dict[str, Any]) -> Any:
        names = template_arguments(method["rewrite"]["call"], method["name"])
        if len(args) > len(names):
            raise ContractError(f"{method['name']} takes {len(names)} arguments ({', '.join(names)}), got {len(args)}")
        params = dict(zip(names, args))
        for key, value in kwargs.items():
            if key not in names or key in params:
                raise ContractError(f"{method['name']}: unexpected or repeated argument {key!r}")
            params[key] = value
        missing = [n for n in names if n not in params]
        if missing:
            raise ContractError(f"{method['name']}: missing {', '.join(missing)}")
        query = named_sql_to_psycopg(method["rewrite"]["sql"])
        with self.conn.cursor(row_factory=dict_row) as cur:
            cur.execute(query, params)
            return self._shape(method, cur)

    # -- derived methods

    def _derived(self, method: Mapping[str, Any], kwargs: Dict[str, Any]) -> Any:
        table = method["table"]
        verb, column = parse_derived_name(method["name"], table)
        ident = sql.Identifier(*table.split("."))
        if verb in ("get", "list"):
            query, params = self._select(method["name"], table, ident, verb, column, kwargs)
        elif verb in ("create", "upsert"):
            query, params = self._insert(method["name"], table, ident, verb, column, kwargs)
        elif verb == "update":
            unexpected = set(kwargs) - {"where", "values"}
            if unexpected or not isinstance(kwargs.get("values"), dict) or not kwargs["values"]:
                raise ContractError(f"{method['name']} takes where={{...}} and values={{...}}, got {sorted(kwargs)}")
            where, params = self._conditions(table, kwargs.get("where") or {})
            sets = [sql.SQL("{} = %s").format(sql.Identifier(self._column(table, c))) for c in kwargs["values"]]
            query = sql.SQL("UPDATE {} SET {}").format(ident, sql.SQL(", ").join(sets))
            params = list(kwargs["values"].values()) + params
            if where:
                query = sql.SQL("{} WHERE {}").format(query, where)
        else:  # delete
            where, params = self._conditions(table, kwargs)
            query = sql.SQL("DELETE FROM {}").format(ident)
            if where:
                query = sql.SQL("{} WHERE {}").format(query, where)
        with self.conn.cursor(row_factory=dict_row) as cur:
            cur.execute(query, params)
            return self._shape(method, cur)

    def _select(self, name, table, ident, verb, column, kwargs):
        kwargs = dict(kwargs)
        fields = kwargs.pop("fields", None)
        order_by = kwargs.pop("order_by", None)
        limit = kwargs.pop("limit", None)
        offset = kwargs.pop("offset", None)
        if column is not None:
            if fields is not None and list(fields) != [column]:
                raise ContractError(f"{name} reads {column!r}, but fields={fields!r}")
            fields = [column]
        if fields is not None:
            if not isinstance(fields, list) or not fields:
                raise ContractError(f"{name}: fields must be a non-empty list of column names, got {fields!r}")
            projection = sql.SQL(", ").join(sql.Identifier(self._column(table, f)) for f in fields)
        else:
            projection = sql.SQL("*")
        if verb == "get" and limit is not None:
            raise ContractError(f"{name}: get_ methods take no limit (they return the first row)")
        where, params = self._conditions(table, kwargs)
        query = sql.SQL("SELECT {} FROM {}").format(projection, ident)
        if where:
            query = sql.SQL("{} WHERE {}").format(query, where)
        if order_by is not None:
            if not isinstance(order_by, list) or not order_by:
                raise ContractError(f"{name}: order_by must be a non-empty list, got {order_by!r}")
            keys = []
            for key in order_by:
                descending = key.startswith("-")
                col = sql.Identifier(self._column(table, key[1:] if descending else key))
                keys.append(sql.SQL("{} DESC").format(col) if descending else col)
            query = sql.SQL("{} ORDER BY {}").format(query, sql.SQL(", ").join(keys))
        if verb == "get":
            limit = 1
        if limit is not None:
            query = sql.SQL("{} LIMIT %s").format(query)
            params.append(self._integer(name, "limit", limit))
        if offset is not None:
            query = sql.SQL("{} OFFSET %s").format(query)
            params.append(self._integer(name, "offset", offset))
        return query, params

    def _insert(self, name, table, ident, verb, column, kwargs):
        kwargs = dict(kwargs)
        on_conflict = kwargs.pop("on_conflict", None)
        update = kwargs.pop("update", None)
        if verb == "create" and (on_conflict is not None or update is not None):
            raise ContractError(f"{name}: on_conflict/update are upsert_ arguments")
        if verb == "upsert" and (not isinstance(on_conflict, list) or not on_conflict or not isinstance(update, list)):
            raise ContractError(f"{name} needs on_conflict=[columns] and update=[columns], "
                                f"got {on_conflict!r}, {update!r}")
        if not kwargs:
            raise ContractError(f"{name}: no column values")
        columns = [sql.Identifier(self._column(table, c)) for c in kwargs]
        query = sql.SQL("INSERT INTO {} ({}) VALUES ({})").format(
            ident, sql.SQL(", ").join(columns), sql.SQL(", ").join(sql.Placeholder() * len(kwargs)))
        if verb == "upsert":
            target = sql.SQL(", ").join(sql.Identifier(self._column(table, c)) for c in on_conflict)
            if update:
                sets = sql.SQL(", ").join(
                    sql.SQL("{0} = EXCLUDED.{0}").format(sql.Identifier(self._column(table, c))) for c in update)
                query = sql.SQL("{} ON CONFLICT ({}) DO UPDATE SET {}").format(query, target, sets)
            else:
                query = sql.SQL("{} ON CONFLICT ({}) DO NOTHING").format(query, target)
        if column is not None:
            query = sql.SQL("{} RETURNING {}").format(query, sql.Identifier(self._column(table, column)))
        return query, list(kwargs.values())

    def _conditions(self, table: str, conditions: Mapping[str, Any]) -> Tuple[Optional[sql.Composable], List[Any]]:
        parts: List[sql.Composable] = []
        params: List[Any] = []
        for key, value in conditions.items():
            col, op = self._condition_key(table, key)
            ident = sql.Identifier(col)
            if op is None:
                parts.append(sql.SQL("{} = %s").format(ident))
                params.append(value)
            elif op == "in":
                if not isinstance(value, list):
                    raise ContractError(f"{key} takes a list, got {value!r}")
                parts.append(sql.SQL("{} = ANY(%s)").format(ident))
                params.append(value)
            elif op == "is_null":
                if not isinstance(value, bool):
                    raise ContractError(f"{key} takes True or False, got {value!r}")
                parts.append(sql.SQL("{} IS NULL" if value else "{} IS NOT NULL").format(ident))
            else:
                parts.append(sql.SQL("{} " + _OPERATORS[op] + " %s").format(ident))
                params.append(value)
        if not parts:
            return None, params
        return sql.SQL(" AND ").join(parts), params

    def _condition_key(self, table: str, key: str) -> Tuple[str, Optional[str]]:
        columns = self.columns(table)
        if key in columns:
            return key, None
        for suffix in CONDITION_SUFFIXES:
            if key.endswith("_" + suffix) and key[: -len(suffix) - 1] in columns:
                return key[: -len(suffix) - 1], suffix
        raise ContractError(f"{key!r} is neither a column of {table} nor a column with a condition suffix")

    def _column(self, table: str, name: str) -> str:
        if name not in self.columns(table):
            raise ContractError(f"{table} has no column {name!r}")
        return name

    @staticmethod
    def _integer(name: str, option: str, value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ContractError(f"{name}: {option} must be an integer, got {value!r}")
        return value

    def columns(self, table: str) -> List[str]:
        if table not in self._columns:
            schema, _, name = table.rpartition(".")
            rows = self.conn.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_schema = %s AND table_name = %s "
                "ORDER BY ordinal_position", (schema or "public", name)).fetchall()
            if not rows:
                raise ContractError(f"no table {table}")
            self._columns[table] = [r[0] for r in rows]
        return self._columns[table]

    # -- shaping

    @staticmethod
    def _shape(method: Mapping[str, Any], cur: psycopg.Cursor) -> Any:
        shape = method["returns"]
        if shape in ("count", "nothing"):
            return cur.rowcount
        if cur.description is None:
            raise ContractError(f"{method['name']} returns {shape}, but its statement returns no rows")
        rows = cur.fetchall()
        first_column = cur.description[0].name
        if shape == "rows":
            return rows
        if shape == "values":
            return [r[first_column] for r in rows]
        if not rows:
            if shape in ("row", "value"):
                raise NoRowError(f"{method['name']}: no row")
            return None
        return rows[0] if shape in ("row", "row or null") else rows[0][first_column]


# --------------------------------------------------------------------------
# the client modules


class FakeClients:
    """The fake client modules of one contract, served by one :class:`Owner`.

    ``install(modules)`` puts them in ``modules`` (``sys.modules``) under the
    registry's names, keeping the real module (if any) for the names the
    contract does not cover; ``use(dsn)`` points them at a database.
    """

    def __init__(self, contract: Mapping[str, Any], dsn: Optional[str] = None) -> None:
        self.services = contract_methods(contract)
        self.owner = Owner(dsn)
        self.modules: Dict[str, types.ModuleType] = {}

    @property
    def calls(self) -> List[Tuple[str, str, Any, Any]]:
        return self.owner.calls

    def use(self, dsn: str) -> None:
        self.owner.use(dsn)

    def close(self) -> None:
        self.owner.close()

    def install(self, modules: MutableMapping[str, types.ModuleType] = sys.modules) -> None:
        for service, spec in self.services.items():
            name = spec["client"]["module"]
            real = modules.get(name)
            module = self._module(service, spec, real)
            self.modules[name] = module
            modules[name] = module
            parent, _, child = name.rpartition(".")
            if parent and parent in modules:  # `from pkg import mod` and `pkg.mod.f()` see the fake too
                setattr(modules[parent], child, module)

    def _module(self, service: str, spec: Mapping[str, Any], real: Optional[types.ModuleType]) -> types.ModuleType:
        client_spec = spec["client"]
        awaitable = bool(client_spec.get("awaitable"))
        factory_name = client_spec["factory"]
        owner = self.owner
        methods = spec["methods"]
        real_factory = getattr(real, factory_name, None) if real is not None else None

        class Client:
            def __init__(self, real_client: Any = None) -> None:
                self._real = real_client

            def __getattr__(self, attr: str) -> Any:
                if attr.startswith("__") or self._real is None:
                    raise AttributeError(attr)
                return getattr(self._real, attr)

        for method in methods.values():
            setattr(Client, method["name"], _bound(owner, service, method, awaitable))
        Client.__name__ = Client.__qualname__ = f"Fake{''.join(p.title() for p in service.split('_'))}Client"

        module = types.ModuleType(client_spec["module"], f"fake {service} client (from the contract)")
        if awaitable:
            async def factory() -> Any:
                real_client = await real_factory() if real_factory is not None else None
                return Client(real_client)
        else:
            def factory() -> Any:
                return Client(real_factory() if real_factory is not None else None)
        factory.__name__ = factory_name
        setattr(module, factory_name, factory)
        setattr(module, Client.__name__, Client)

        def module_getattr(attr: str) -> Any:
            if real is not None and not attr.startswith("__"):
                return getattr(real, attr)
            raise AttributeError(f"module {client_spec['module']!r} has no attribute {attr!r}")

        module.__getattr__ = module_getattr  # PEP 562
        return module


def _bound(owner: Owner, service: str, method: Mapping[str, Any], awaitable: bool) -> Callable:
    if awaitable:
        async def call(self, *args: Any, **kwargs: Any) -> Any:
            return owner.call(service, method, args, kwargs)
    else:
        def call(self, *args: Any, **kwargs: Any) -> Any:
            return owner.call(service, method, args, kwargs)
    call.__name__ = method["name"]
    return call
