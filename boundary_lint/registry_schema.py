"""The registry's TOML shape -> a :class:`~boundary_lint.registry.Registry`, every key and type
checked, with messages a user can act on (``did you mean``, the allowed keys, the types).

Pure: it gets the parsed TOML; :mod:`boundary_lint.adapters.config_file` finds and reads the file.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import Any, Dict, Mapping, Optional, Sequence, Tuple

from boundary_lint.codes import is_known_code, unknown_code_message
from boundary_lint.languages import LANGUAGE_NAMES
from boundary_lint.registry import (
    ISOLATIONS,
    ConfigError,
    Registry,
    Service,
    Settings,
    is_name_glob,
    split_entry,
)

# key -> expected type ("str", "list", "table", "list-of-tables")
SETTINGS_KEYS = {
    "dialect": "str",
    "search_path": "list",
    "ignore": "list",
    "sinks": "list",
    "exclude": "list",
    "extend_exclude": "list",
    "baseline": "str",
    "isolation": "str",
    "require_ticket": "bool",
    "languages": "list",
}
SERVICE_KEYS = {
    "owns": "list",
    "paths": "list",
    "search_path": "list",
    "may_read": "list",
    "client": "table-or-tables",
    "role": "str",
    "rewrites": "list-of-tables",
    "isolation": "str",
}
CLIENT_KEYS = {"module": "str", "factory": "str", "awaitable": "bool"}
REWRITE_KEYS = {"sql": "str", "call": "str", "returns": "str", "endpoint": "str"}
TOP_KEYS = {"settings": "table", "services": "table"}

_TYPE_CHECKS = {
    "str": lambda v: isinstance(v, str),
    "bool": lambda v: isinstance(v, bool),
    "list": lambda v: isinstance(v, list) and all(isinstance(x, str) for x in v),
    "table": lambda v: isinstance(v, dict),
    "list-of-tables": lambda v: isinstance(v, list) and all(isinstance(x, dict) for x in v),
    "table-or-tables": lambda v: isinstance(v, dict) or (isinstance(v, list) and v
                                                         and all(isinstance(x, dict) for x in v)),
}
_TYPE_WORDS = {
    "str": "a string",
    "bool": "true or false",
    "list": "a list of strings",
    "table": "a table",
    "list-of-tables": "an array of tables",
    "table-or-tables": "a table or an array of tables",
}


def registry_from_mapping(
    raw: Mapping[str, Any],
    source: Optional[Path] = None,
    root: Path = Path("."),
    key_prefix: str = "",
) -> Registry:
    """Build a Registry from parsed TOML, checking every key and type."""
    where = str(source) if source else "registry"
    _check_table(raw, TOP_KEYS, where, key_prefix.rstrip("."))
    settings_raw = raw.get("settings", {})
    _check_table(settings_raw, SETTINGS_KEYS, where, f"{key_prefix}settings")
    services_raw = raw.get("services", {})
    if not services_raw:
        raise ConfigError(f"{where}: no [{key_prefix}services.NAME] table: name at least one service")
    services: Dict[str, Service] = {}
    for name, body in services_raw.items():
        key = f"{key_prefix}services.{name}"
        if not isinstance(body, dict):
            raise ConfigError(f"{where}: {key} must be a table ([{key}])")
        _check_table(body, SERVICE_KEYS, where, key)
        client = body.get("client")
        clients = client if isinstance(client, list) else [client] if client is not None else []
        for number, entry in enumerate(clients):
            label = f"{key}.client" if isinstance(client, dict) else f"{key}.client[{number}]"
            _check_table(entry, CLIENT_KEYS, where, label)
            missing = [k for k in ("module", "factory") if k not in entry]
            if missing:
                raise ConfigError(f"{where}: {label} needs {' and '.join(missing)}")
            if not all(part.isidentifier() for part in entry["module"].split(".")):
                raise ConfigError(f"{where}: {label}.module is not a dotted module name: {entry['module']!r}")
        for number, rewrite in enumerate(body.get("rewrites", ())):
            _check_rewrite(rewrite, where, f"{key}.rewrites[{number}]")
        _check_entries(body.get("owns", []), where, f"{key}.owns")
        _check_entries(body.get("may_read", []), where, f"{key}.may_read")
        _check_isolation(body.get("isolation"), where, f"{key}.isolation")
        services[name] = Service(
            name=name,
            owns=tuple(body.get("owns", ())),
            paths=tuple(body.get("paths", ())),
            search_path=tuple(body.get("search_path", ())),
            may_read=tuple(body.get("may_read", ())),
            role=body.get("role"),
            client=clients[0] if clients else None,
            clients=tuple(clients),
            rewrites=tuple(body.get("rewrites", ())),
            isolation=body.get("isolation"),
        )
    settings = Settings(
        dialect=settings_raw.get("dialect", "postgres"),
        search_path=tuple(settings_raw.get("search_path", ("public",))),
        ignore=tuple(settings_raw.get("ignore", ())),
        sinks=tuple(settings_raw.get("sinks", ())),
        # ruff's names: ``exclude`` replaces the default list, ``extend_exclude`` adds to it;
        # ``exclude`` (what every walk adds) holds both, ``default_exclude`` the list it replaces
        exclude=tuple(settings_raw.get("extend_exclude", ())) + tuple(settings_raw.get("exclude", ())),
        default_exclude=tuple(settings_raw["exclude"]) if "exclude" in settings_raw else None,
        baseline=settings_raw.get("baseline"),
        isolation=settings_raw.get("isolation", "schema"),
        require_ticket=settings_raw.get("require_ticket", False),
        languages=_check_languages(settings_raw.get("languages", LANGUAGE_NAMES), where,
                                   f"{key_prefix}settings.languages"),
    )
    _check_isolation(settings.isolation, where, f"{key_prefix}settings.isolation")
    check_dialect(settings.dialect, where, f"{key_prefix}settings.dialect")
    _check_ignore(settings.ignore, where, f"{key_prefix}settings.ignore")
    return Registry(services=services, settings=settings, root=root, source=source)


def _did_you_mean(name: str, known: Sequence[str]) -> str:
    """``; did you mean 'x'?`` for the known word closest to a misspelt one, or nothing."""
    import difflib  # only a mistake pays for it

    hint = difflib.get_close_matches(name, known, n=1)
    return f"; did you mean {hint[0]!r}?" if hint else ""


def _check_languages(names: Sequence[str], where: str, key: str) -> Tuple[str, ...]:
    """``settings.languages``: names of :data:`~boundary_lint.languages.LANGUAGE_NAMES`."""
    for name in names:
        if name not in LANGUAGE_NAMES:
            did_you_mean = _did_you_mean(name, LANGUAGE_NAMES)
            raise ConfigError(f"{where}: {key}: unknown language {name!r}{did_you_mean} "
                              f"(known: {', '.join(LANGUAGE_NAMES)})")
    return tuple(names)


def _check_table(table: Mapping[str, Any], schema: Mapping[str, str], where: str, key: str) -> None:
    if not isinstance(table, dict):
        raise ConfigError(f"{where}: {key} must be a table")
    for name, value in table.items():
        full = f"{key}.{name}" if key else name
        if name not in schema:
            did_you_mean = _did_you_mean(name, list(schema))
            allowed = ", ".join(sorted(schema))
            raise ConfigError(
                f"{where}: unknown key {full!r}{did_you_mean} (allowed here: {allowed})"
            )
        expected = schema[name]
        if not _TYPE_CHECKS[expected](value):
            raise ConfigError(
                f"{where}: {full} must be {_TYPE_WORDS[expected]}, not {_describe(value)}"
            )


def _check_rewrite(rewrite: Mapping[str, Any], where: str, key: str) -> None:
    """``{sql, call}``: both strings, ``call`` a Python call on a method name (its
    placeholders are checked against ``sql`` when ``fix`` runs)."""
    _check_table(rewrite, REWRITE_KEYS, where, key)
    missing = [k for k in ("sql", "call") if k not in rewrite]
    if missing:
        raise ConfigError(f"{where}: {key} needs {' and '.join(missing)}")
    try:
        call = ast.parse(rewrite["call"].strip(), mode="eval").body
    except (SyntaxError, ValueError, RecursionError, MemoryError):  # NUL bytes (< 3.12), deep nesting
        call = None
    while isinstance(call, (ast.Subscript, ast.Attribute)) or (
            isinstance(call, ast.Call) and not isinstance(call.func, ast.Name)):
        call = call.func if isinstance(call, ast.Call) else call.value
    if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Name)):
        raise ConfigError(f"{where}: {key}.call must be a method call such as "
                          f"'get_strategy(strategy_id)', not {rewrite['call'][:80]!r}")


def _check_entries(entries: Sequence[str], where: str, key: str) -> None:
    for entry in entries:
        text = entry.strip()
        if not text or text.startswith(".") or text.endswith(".") or text.count(".") > 2:
            raise ConfigError(
                f"{where}: {key} has {entry!r}; write 'schema.table', 'schema.*' or 'table'"
            )
        schema, _ = split_entry(text)
        if schema is not None and is_name_glob(schema):
            raise ConfigError(
                f"{where}: {key} has {entry!r}: a glob is allowed in the table name ('public.mathesar_*'), "
                "not in the schema; list each schema"
            )


def _check_isolation(value: Optional[str], where: str, key: str) -> None:
    if value is not None and value not in ISOLATIONS:
        raise ConfigError(f"{where}: {key} = {value!r}; write \"schema\" (the services share one database, "
                          "the default) or \"database\" (their tables move to separate databases: BND107)")


_CODE_LIKE = re.compile(r"[A-Z]+[0-9][A-Za-z0-9]*")


def _check_ignore(entries: Sequence[str], where: str, key: str) -> None:
    """``settings.ignore`` names schemas and tables; a rule code there (``BND104``, or a
    typo such as ``BND1O4``) would silently be taken as a schema that matches nothing."""
    for entry in entries:
        text = entry.strip()
        if not _CODE_LIKE.fullmatch(text):
            continue
        if not is_known_code(text):
            raise ConfigError(f"{where}: {key} has {entry!r}: {unknown_code_message(text)}")
        raise ConfigError(
            f"{where}: {key} has {entry!r}, a rule code: settings.ignore lists schemas and tables "
            f"not to check; to leave out a code pass --ignore {text} (or # boundary: allow {text} -- why)"
        )


def check_dialect(dialect: str, where: str, key: str) -> None:
    """A sqlglot dialect name (``init --dialect`` checks it too); sqlglot is imported only for a rare one."""
    if dialect in _COMMON_DIALECTS:
        return
    from sqlglot.dialects.dialect import Dialect

    try:
        Dialect.get_or_raise(dialect)
    except Exception as exc:  # sqlglot raises ValueError with its own suggestion
        raise ConfigError(f"{where}: {key} = {dialect!r} is not a sqlglot dialect ({exc})") from None


_COMMON_DIALECTS = frozenset(
    "postgres mysql sqlite bigquery snowflake duckdb tsql oracle redshift spark trino presto "
    "clickhouse databricks hive".split()
)
"""Dialects accepted without importing sqlglot (a config load must stay cheap)."""


def _describe(value: Any) -> str:
    return f"{type(value).__name__} {value!r}"[:80]


def check_service_name(registry: Registry, name: str) -> None:
    """``--service NAME`` must name a service of the registry."""
    if name in registry.services:
        return
    did_you_mean = _did_you_mean(name, list(registry.services))
    known = ", ".join(sorted(registry.services))
    raise ConfigError(f"unknown service {name!r}{did_you_mean} (the registry has: {known})")
