"""The ownership registry: which service owns which table, and which files are whose.

Loaded from ``boundaries.toml`` or ``[tool.boundary_lint]`` in ``pyproject.toml``.
Everything here is pure lookups over frozen data; reading the file is done once
by :func:`load_registry` and validated by :mod:`boundary_lint.registry_schema`.
"""

from __future__ import annotations

import fnmatch
import functools
import os
import re
from dataclasses import field
from pathlib import Path, PurePosixPath
from typing import Dict, Iterable, List, Mapping, Optional, Tuple, Union

from boundary_lint.value_classes import value_class
from boundary_lint.model import TableName
from boundary_lint.languages import LANGUAGE_NAMES

SYSTEM_SCHEMAS = frozenset(
    {
        "pg_catalog",
        "information_schema",
        "pg_toast",
        "pg_temp",
        "mysql",
        "performance_schema",
        "sys",
        "sqlite_schema",
        "sqlite_master",
    }
)
"""Schemas that are the database's own catalog: never a finding."""


class ConfigError(Exception):
    """A registry that cannot be used; the message names the file and the key."""


class NoRegistry(ConfigError):
    """No registry file was found (the flake8 plugin then stays silent)."""


def normalize_name(part: str) -> str:
    """Registry names compare like unquoted SQL names, unless written in double quotes.

    >>> normalize_name('Public'), normalize_name('"Public"')
    ('public', 'Public')
    """
    part = part.strip()
    if len(part) >= 2 and part[0] == part[-1] == '"':
        return part[1:-1]
    return part.lower()


def split_entry(entry: str) -> Tuple[Optional[str], str]:
    """``"schema.table"`` -> ``("schema", "table")``; a bare ``"table"`` -> ``(None, "table")``.

    >>> split_entry('public.*'), split_entry('orders')
    (('public', '*'), (None, 'orders'))
    """
    parts = [p for p in re.split(r'\.(?=(?:[^"]*"[^"]*")*[^"]*$)', entry)]
    if len(parts) == 1:
        return None, normalize_name(parts[0])
    return normalize_name(parts[-2]), normalize_name(parts[-1])


@value_class
class Service:
    """One service's entry in the registry."""

    name: str
    owns: Tuple[str, ...] = ()
    paths: Tuple[str, ...] = ()
    search_path: Tuple[str, ...] = ()
    may_read: Tuple[str, ...] = ()
    role: Optional[str] = None
    client: Optional[Mapping[str, object]] = None  # the first of ``clients``
    clients: Tuple[Mapping[str, object], ...] = ()  # a call goes to the first that has its method
    rewrites: Tuple[Mapping[str, object], ...] = ()
    isolation: Optional[str] = None  # "schema" or "database"; None: settings.isolation


ISOLATIONS = ("schema", "database")
"""``isolation`` values: tables share one database (schemas apart), or move to their own."""


@value_class
class Settings:
    dialect: str = "postgres"
    search_path: Tuple[str, ...] = ("public",)
    ignore: Tuple[str, ...] = ()
    sinks: Tuple[str, ...] = ()
    exclude: Tuple[str, ...] = ()  # patterns skipped on top of default_exclude
    default_exclude: Optional[Tuple[str, ...]] = None  # None: discovery.DEFAULT_EXCLUDES
    baseline: Optional[str] = None  # baseline file, relative to the registry file
    isolation: str = "schema"  # "database": statements across owners are BND107
    require_ticket: bool = False  # a suppression comment without a ticket does not count
    languages: Tuple[str, ...] = LANGUAGE_NAMES  # the file types a run reads (boundary_lint.languages)


@value_class
class Registry:
    """Services, their tables and files, with the lookups the rules need."""

    services: Mapping[str, Service]
    settings: Settings = Settings()
    root: Path = Path(".")
    source: Optional[Path] = None
    _exact: Dict[Tuple[str, str], str] = field(default_factory=dict, repr=False, compare=False)
    _schemas: Dict[str, str] = field(default_factory=dict, repr=False, compare=False)
    _bare: Dict[str, str] = field(default_factory=dict, repr=False, compare=False)
    _path_globs: Tuple[Tuple[int, "re.Pattern[str]", str], ...] = field(
        default=(), repr=False, compare=False
    )
    _table_globs: Tuple[Tuple[Optional[str], str, str], ...] = field(
        default=(), repr=False, compare=False
    )  # (schema or None, glob on the table name, service), most literal characters first
    _read_entries: frozenset = field(default=frozenset(), init=False, repr=False, compare=False)  # may_read, split
    _search_paths: Dict[Optional[str], Tuple[str, ...]] = field(
        default_factory=dict, init=False, repr=False, compare=False)
    _relative_texts: Dict[Tuple[str, ...], str] = field(  # place_key(path, root) -> relative_text
        default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        seen: Dict[Tuple[Optional[str], str], str] = {}
        table_globs: List[Tuple[Optional[str], str, str]] = []
        for service in self.services.values():
            for entry in service.owns:
                key = split_entry(entry)
                other = seen.get(key)
                if other is not None and other != service.name:
                    raise ConfigError(
                        f"{self._where()}: {entry!r} is owned by both services "
                        f"{other!r} and {service.name!r}; give it to one of them"
                    )
                seen[key] = service.name
                schema, table = key
                if table != "*" and is_name_glob(table):
                    table_globs.append((schema, table, service.name))
                elif schema is None:
                    self._bare[table] = service.name
                elif table == "*":
                    self._schemas[schema] = service.name
                else:
                    self._exact[(schema, table)] = service.name
        globs = []
        for service in self.services.values():
            for pattern in service.paths:
                globs.append((glob_specificity(pattern), glob_to_regex(pattern), service.name))
        globs.sort(key=lambda g: -g[0])
        object.__setattr__(self, "_path_globs", tuple(globs))
        table_globs.sort(key=lambda g: (-glob_specificity(g[1]), g[1], g[2]))
        object.__setattr__(self, "_table_globs", tuple(table_globs))
        object.__setattr__(self, "_read_entries", frozenset(
            split_entry(entry) for service in self.services.values() for entry in service.may_read))

    def _where(self) -> str:
        return str(self.source) if self.source else "registry"

    # -- tables ---------------------------------------------------------

    def owner_of(self, schema: Optional[str], name: str) -> Optional[str]:
        """The owning service of ``schema.name``: exact entry > ``schema.*`` > bare name."""
        if schema is not None:
            owner = self._exact.get((schema, name)) or self._glob_owner(schema, name) or self._schemas.get(schema)
            if owner:
                return owner
        return self._bare.get(name) or self._glob_owner(None, name)

    def _glob_owner(self, schema: Optional[str], name: str) -> Optional[str]:
        """The owner by a table-name glob (``public.mathesar_*``), the most literal one first."""
        for g_schema, pattern, service in self._table_globs:
            if g_schema == schema and fnmatch.fnmatchcase(name, pattern):
                return service
        return None

    def sole_owner_of_schema(self, schema: str) -> Optional[str]:
        """The service owning every table of ``schema``, if one service does."""
        owner = self._schemas.get(schema)
        if owner is None:
            return None
        if any(s == schema and o != owner for (s, _), o in self._exact.items()):
            return None
        if any(s == schema and o != owner for s, _, o in self._table_globs):
            return None
        return owner

    def names_explicitly(self, schema: str, name: str) -> bool:
        """Does any ``owns`` or ``may_read`` entry name ``schema.name`` itself?"""
        return (schema, name) in self._exact or bool(self._glob_owner(schema, name)) \
            or (schema, name) in self._read_entries

    def search_path_for(self, service: Optional[str]) -> Tuple[str, ...]:
        """The service's search_path, normalized (once per service: every unqualified table asks)."""
        path = self._search_paths.get(service)
        if path is None:
            own = self.services[service].search_path if service in self.services else ()
            path = tuple(normalize_name(s) for s in (own or self.settings.search_path)) or ("public",)
            self._search_paths[service] = path
        return path

    def resolve(self, table: TableName, service: Optional[str]) -> Tuple[str, str]:
        """Schema-qualify a table as PostgreSQL would through the service's search_path."""
        if table.schema is not None:
            return table.schema, table.name
        path = self.search_path_for(service)
        for schema in path:
            if self.names_explicitly(schema, table.name):
                return schema, table.name
        return path[0], table.name

    def isolation_of(self, service: str) -> str:
        """``"database"`` when the service's tables move to a database of their own."""
        own = self.services[service].isolation if service in self.services else None
        return own or self.settings.isolation

    @property
    def splits_databases(self) -> bool:
        """Does any service move to a database of its own (so BND107 can be reported)?"""
        return self.settings.isolation == "database" or any(
            s.isolation == "database" for s in self.services.values())

    def may_read(self, service: str, schema: str, name: str) -> bool:
        grants = self.services[service].may_read if service in self.services else ()
        for entry in grants:
            g_schema, g_name = split_entry(entry)
            if g_schema in (None, schema) and (g_name in ("*", name) or (
                    is_name_glob(g_name) and fnmatch.fnmatchcase(name, g_name))):
                return True
        return False

    def is_ignored(self, schema: Optional[str], name: str) -> bool:
        """System catalogs and ``settings.ignore`` entries are never findings."""
        if schema in SYSTEM_SCHEMAS or (schema is None and name.startswith("pg_")):
            return True
        if schema is None and name.startswith("sqlite_"):
            return True
        for entry in self.settings.ignore:
            if "." not in entry:
                if normalize_name(entry) == schema:
                    return True
                continue
            i_schema, i_name = split_entry(entry)
            if i_schema in ("*", schema) and i_name in ("*", name):
                return True
        return False

    # -- files ----------------------------------------------------------

    def relative_text(self, path: Union[str, Path]) -> Optional[str]:
        """``path`` relative to the registry's folder, with ``/``; None when outside it.

        ``os.path.abspath`` (no system call) decides in the usual case; only a path
        outside the folder that way is resolved through symlinks.
        """
        key = place_key(os.fspath(path), os.fspath(self.root))  # asked several times a file
        known = self._relative_texts.get(key)
        if known is not None:
            return known
        root_abs, root_resolved = _root_forms(os.path.abspath(self.root))
        absolute = os.path.abspath(path)
        if absolute.startswith(root_abs):
            relative = absolute[len(root_abs):]  # already normalized by abspath
            text = (relative.replace(os.sep, "/") if os.sep != "/" else relative) or "."
            if len(self._relative_texts) > 8192:
                self._relative_texts.clear()
            self._relative_texts[key] = text  # by text alone: the same in any later call
            return text
        try:
            return PurePosixPath(_resolved(Path(path)).relative_to(root_resolved)).as_posix()
        except ValueError:
            return None

    def service_for_path(self, path: Path) -> Optional[str]:
        """The service whose ``paths`` glob matches ``path`` most specifically."""
        text = self.relative_text(path)
        if text is None:
            return None
        for _, regex, service in self._path_globs:
            if regex.fullmatch(text):
                return service
        return None

    def unmatched_paths(self, files: Iterable[Path]) -> List[Tuple[str, str]]:
        """``(service, glob)`` of each ``paths`` entry matching none of ``files`` (a typo,
        or a folder that moved): such a service's files are silently not checked."""
        texts = [text for text in map(self.relative_text, files) if text is not None]
        unmatched = []
        for service in self.services.values():
            for pattern in service.paths:
                regex = glob_to_regex(pattern)
                if not any(regex.fullmatch(text) for text in texts):
                    unmatched.append((service.name, pattern))
        return sorted(unmatched)


def place_key(*paths: str) -> Tuple[str, ...]:
    """``paths`` with the working folder when one of them is relative: what a cache of their
    absolute forms is keyed by (the folder is not asked for when none is: it may be gone)."""
    if all(map(os.path.isabs, paths)):  # asked per file per run: no generator
        return paths
    return (os.getcwd(),) + paths


@functools.lru_cache(maxsize=16)
def _root_forms(root: str) -> Tuple[str, Path]:
    """A registry folder (an absolute path: a relative one would be cached for the working
    folder it was first asked in) as an absolute prefix (with its ``/``) and resolved."""
    return os.path.join(root, ""), _resolved(Path(root))


def _resolved(path: Path) -> Path:
    """``path.resolve()``, or the absolute path when symlinks cannot be resolved (a loop
    raises RuntimeError before Python 3.13): the read that follows says what is wrong.

    >>> import os, tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     os.symlink("b.py", os.path.join(folder, "a.py")); os.symlink("a.py", os.path.join(folder, "b.py"))
    ...     print(_resolved(Path(folder, "a.py")).name)
    a.py
    """
    try:
        return path.resolve()
    except (OSError, RuntimeError):
        return Path(os.path.abspath(path))


def glob_to_regex(pattern: str) -> "re.Pattern[str]":
    """Compile a path glob where ``**`` spans folders and ``*``/``?`` stay inside one.

    >>> bool(glob_to_regex('app/**').fullmatch('app/services/x.py'))
    True
    >>> bool(glob_to_regex('app/*.py').fullmatch('app/services/x.py'))
    False
    """
    pattern = pattern.strip().lstrip("./") if pattern.startswith("./") else pattern.strip()
    out = []
    i = 0
    while i < len(pattern):
        c = pattern[i]
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
            continue
        if pattern.startswith("**", i):
            out.append(".*")
            i += 2
            continue
        if c == "*":
            out.append("[^/]*")
        elif c == "?":
            out.append("[^/]")
        else:
            out.append(re.escape(c))
        i += 1
    if pattern.endswith("/"):
        out.append(".*")
    return re.compile("".join(out))


def is_name_glob(name: str) -> bool:
    """Does a registry table name hold glob characters (``mathesar_*``, ``log_20??``)?

    >>> is_name_glob("mathesar_*"), is_name_glob("orders")
    (True, False)
    """
    return any(c in name for c in "*?[")


def glob_specificity(pattern: str) -> int:
    """More literal characters means a more specific glob (``app/services/**`` > ``app/**``)."""
    return len(re.sub(r"[*?]", "", pattern))


def service_names(registry: Registry) -> Iterable[str]:
    return sorted(registry.services)
