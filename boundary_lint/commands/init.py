"""``boundary-lint init``: draft a ``boundaries.toml`` from the tables the code already uses.

Every file under the paths given goes through the same SQL and ORM analysis as
``check`` (without a registry). Each top-level folder becomes a service, and
each table goes to the folder that uses it most strongly -- creates it
(DDL), then defines its model (a Django app's models, a SQLAlchemy class or
``Table``, through the same model index as ``check``; not an unmanaged Django
model), then writes it, maps it in an ORM, reads it; a foreign key *to* a
table is evidence it belongs elsewhere. The draft is commented so a person can
review it; it never overwrites a file.

:func:`draft_registry` is pure; :func:`collect_usage` reads the files.
"""

from __future__ import annotations

import argparse
import os
import re
from collections import Counter
from dataclasses import field
from pathlib import Path, PurePosixPath
from typing import Dict, Iterable, List, Optional, Sequence, TextIO, Tuple

from boundary_lint.value_classes import value_class
from boundary_lint.codes import EXIT_CLEAN, EXIT_USAGE
from boundary_lint.adapters.source_files import read_source
from boundary_lint.languages import MAX_FILE_BYTES, PYTHON_SUFFIXES
from boundary_lint.pipeline import decode_source, source_references
from boundary_lint.adapters.files import iter_files
from boundary_lint.adapters.model_index_store import build_index
from boundary_lint.model import Reference
from boundary_lint.registry import SYSTEM_SCHEMAS, ConfigError, Settings
from boundary_lint.registry_schema import check_dialect
from boundary_lint.languages import INSTALL_HINT, host_language, suffixes_for, LANGUAGE_NAMES

Table = Tuple[str, str]  # schema, name
ALL_SUFFIXES = suffixes_for(LANGUAGE_NAMES)
_STRENGTH = ("ddl", "model", "write", "map", "read", "fk")  # what makes a folder the likely owner, strongest first


@value_class(frozen=False)
class Group:
    """A top-level folder: its registry glob and how it uses each table."""

    glob: str
    name: str
    files: int = 0
    tables: Dict[Table, Counter] = field(default_factory=dict)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="*", default=["."], metavar="PATH",
                        help="folders to analyse (each top-level folder under them becomes a service)")
    parser.add_argument("--output", "-o", default="boundaries.toml", metavar="FILE",
                        help="where to write the draft (default: boundaries.toml; never overwritten)")
    parser.add_argument("--dialect", default="postgres",
                        help="sqlglot dialect of the SQL (default: postgres)")
    parser.add_argument("--search-path", default="public", metavar="SCHEMA",
                        help="schema an unqualified table name is taken to be in (default: public)")


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    output = Path(args.output)
    if output.exists():
        print(f"boundary-lint: {output} already exists; init never overwrites it: edit it, "
              "or pass --output NEW_FILE for a fresh draft", file=err)
        return EXIT_USAGE
    missing = [p for p in args.paths if not Path(p).exists()]
    if missing:
        print(f"boundary-lint: no such file or folder: {', '.join(missing)}", file=err)
        return EXIT_USAGE
    try:
        check_dialect(args.dialect, "--dialect", "--dialect")
    except ConfigError as exc:
        print(f"boundary-lint: {exc}", file=err)
        return EXIT_USAGE
    settings = Settings(dialect=args.dialect, search_path=(args.search_path,))
    groups, files = collect_usage(args.paths, settings, output.parent, err)
    if not any(g.tables for g in groups):  # a draft with no table would be rejected by check
        print(f"boundary-lint: no SQL or ORM table use found in {files} Python/SQL "
              f"file{'s' if files != 1 else ''} under {', '.join(args.paths)}; wrote nothing. Run init on the "
              "folder that holds the services' code, or write boundaries.toml by hand (see README)",
              file=err)
        return EXIT_USAGE
    text = draft_registry(groups, files, args.paths, settings)
    try:
        with open(output, "x", encoding="utf-8") as handle:  # "x": never overwrite, even in a race
            handle.write(text)
    except FileExistsError:
        print(f"boundary-lint: {output} appeared meanwhile; not overwritten", file=err)
        return EXIT_USAGE
    except OSError as exc:
        print(f"boundary-lint: cannot write {output} ({exc.strerror or exc})", file=err)
        return EXIT_USAGE
    tables = len({t for g in groups for t in g.tables})
    outside = [g.glob for g in groups if g.glob.startswith(("../", "/"))]
    if outside:
        print(f"boundary-lint: warning: {outside[0]} is outside {output}'s folder, so it can never match; "
              "write the draft at the project root (--output) instead", file=err)
    print(f"boundary-lint: wrote {output}: {len(groups)} service{'s' if len(groups) != 1 else ''}, "
          f"{tables} table{'s' if tables != 1 else ''} from {files} file{'s' if files != 1 else ''}; "
          "review it, then run `boundary-lint check`", file=err)
    return EXIT_CLEAN


# -- reading the code (I/O) ---------------------------------------------------------------


def collect_usage(paths: Sequence[str], settings: Settings, registry_dir: Path,
                  err: TextIO) -> Tuple[List[Group], int]:
    """How each top-level folder under ``paths`` uses each table; and how many files were read."""
    groups: Dict[str, Group] = {}
    files = not_read = 0
    for given in paths:
        root = Path(given) if Path(given).is_dir() else Path(given).parent
        models = build_index(root)  # the same model index as check: Django apps and their tables
        for path, display in iter_files([given], suffixes=ALL_SUFFIXES):
            try:
                data = read_source(path)  # never a FIFO, never more than MAX_FILE_BYTES + 1
            except OSError:
                continue
            if len(data) > MAX_FILE_BYTES or b"\0" in data:
                continue
            is_python = path.suffix in PYTHON_SUFFIXES
            text, problem = decode_source(data, display, is_python)
            if problem is not None:
                continue
            host = host_language(path.suffix)
            try:
                refs = host_usage(host, data, text, display, settings, str(path)) if host else \
                    source_references(display, text, is_python, settings)[0]
                if refs is None:
                    not_read += 1
                    continue
                if is_python and models.models:
                    refs = refs + orm_usage(text, path, root, models)
            except Exception:  # a bug of ours on one file must not stop the draft
                continue
            files += 1
            glob = group_glob(Path(given), path, registry_dir)
            group = groups.setdefault(glob, Group(glob, ""))
            group.files += 1
            add_refs(group, refs, settings.search_path[0] if settings.search_path else None)
    if not_read:
        print(f"boundary-lint: {not_read} file{'s' if not_read != 1 else ''} of other languages (Go, TypeScript, "
              f"Java, shell...) not read: their parsers are not installed; {INSTALL_HINT}", file=err)
    named = name_groups(list(groups.values()), registry_dir)
    return sorted(named, key=lambda g: g.glob), files


def host_usage(host, data: bytes, text: str, display: str, settings, file_path: str) -> Optional[List[Reference]]:
    """A host-language file's references (Prisma models and JPA entities count as models);
    None when its parser is not installed."""
    from boundary_lint.host_files import host_references
    from boundary_lint.sites.host_tree_sitter import MissingGrammar

    try:
        return host_references(host, data, text, display, settings, file_path=file_path)[0]
    except MissingGrammar:
        return None


def orm_usage(text: str, path: Path, root: Path, models) -> List[Reference]:
    """The file's models as mappings (default table names too: a Django app's tables follow
    the app), and its ORM reads and writes."""
    import ast

    from boundary_lint.sites.literal_positions import source_lines
    from boundary_lint.sites.model_index import module_name
    from boundary_lint.sites.orm_access import access_references, mapping_references

    try:
        relative = path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        relative = path.name
    module = module_name(relative)
    refs = mapping_references(models, module)
    tree = ast.parse(text)
    found, _ = access_references(tree, source_lines(text), models, module, relative.endswith("__init__.py"))
    return refs + found


def group_glob(given: Path, path: Path, registry_dir: Path) -> str:
    """The registry ``paths`` glob of the top-level folder ``path`` is in, under ``given``."""
    root = given if given.is_dir() else given.parent
    try:
        rel = path.resolve().relative_to(root.resolve())
    except ValueError:
        rel = PurePosixPath(path.name)
    folder = root / rel.parts[0] if len(rel.parts) > 1 else root
    from_registry = Path(os.path.relpath(folder.resolve(), registry_dir.resolve())).as_posix()
    if folder == root and len(rel.parts) == 1:
        return "*" if from_registry == "." else f"{from_registry}/*"
    return "**" if from_registry == "." else f"{from_registry}/**"


def add_refs(group: Group, refs: Iterable[Reference], default_schema: Optional[str]) -> None:
    for ref in refs:
        table = ref.table
        if table.is_dynamic:
            continue
        schema = table.schema or default_schema
        if schema in SYSTEM_SCHEMAS or table.name.startswith("pg_") or schema is None:
            continue
        kind = "model" if ref.mapping and ref.orm == "model" else "map" if ref.mapping else ref.operation.label
        group.tables.setdefault((schema, table.name), Counter())[kind] += 1


def name_groups(groups: List[Group], registry_dir: Path) -> List[Group]:
    """Service names from folder names, made valid and unique."""
    used: Dict[str, int] = {}
    for group in sorted(groups, key=lambda g: g.glob):
        folder = group.glob.rstrip("*").rstrip("/")
        base = PurePosixPath(folder).name if folder else registry_dir.resolve().name
        name = re.sub(r"[^A-Za-z0-9_-]+", "_", base).strip("_") or "service"
        used[name] = used.get(name, 0) + 1
        group.name = name if used[name] == 1 else f"{name}_{used[name]}"
    return groups


# -- the draft (pure) ---------------------------------------------------------------------


def likely_owner(table: Table, groups: Sequence[Group]) -> Group:
    """The group that uses ``table`` most strongly (creates > writes > maps > reads > FKs)."""
    users = [g for g in groups if table in g.tables]
    return max(users, key=lambda g: (tuple(g.tables[table].get(k, 0) > 0 for k in _STRENGTH),
                                     tuple(g.tables[table].get(k, 0) for k in _STRENGTH), -len(g.glob)))


def describe_use(counter: Counter) -> str:
    """``creates, 3 writes, 10 reads``.

    >>> describe_use(Counter({"read": 10, "write": 3, "ddl": 1}))
    'schema changes 1, writes 3, reads 10'
    """
    words = {
        "ddl": "schema changes", "model": "models", "write": "writes", "map": "ORM mappings", "read": "reads",
        "fk": "FKs to it",
    }
    return ", ".join(f"{words[k]} {counter[k]}" for k in _STRENGTH if counter.get(k))


def draft_registry(groups: Sequence[Group], files: int, paths: Sequence[str], settings: Settings) -> str:
    """The commented ``boundaries.toml`` draft."""
    tables = sorted({t for g in groups for t in g.tables})
    owner = {t: likely_owner(t, groups).name for t in tables}
    whole_schemas = _whole_schemas(tables, owner, groups, set(settings.search_path))
    lines = [
        f"# boundaries.toml drafted by `boundary-lint init` from {files} files under: {', '.join(paths)}",
        "#",
        "# Each top-level folder became a service, and each table went to the folder that",
        "# uses it most strongly: creates it (schema changes), else writes it, maps it in an",
        "# ORM, reads it. A draft, not a decision: move tables to their real owners, rename",
        "# services, add may_read grants, then run `boundary-lint check`.",
        "",
        "[settings]",
        f"dialect = {_toml(settings.dialect)}",
        f"search_path = [{', '.join(_toml(s) for s in settings.search_path)}]",
        '# baseline = "boundary-lint-baseline.json"   # accept today\'s findings, fail only on new ones',
        "",
    ]
    for group in sorted(groups, key=lambda g: g.name):
        top_level = group.glob.endswith("/*") or group.glob == "*"
        where = f"{group.glob} (files at the top level)" if top_level else group.glob
        lines.append(f"# {where}: {group.files} file{'s' if group.files != 1 else ''}")
        lines.append(f"[services.{_key(group.name)}]")
        lines.append(f"paths = [{_toml(group.glob)}]")
        owned = [t for t in tables if owner[t] == group.name]
        entries: List[Tuple[str, str]] = []
        for schema in sorted(s for s, g in whole_schemas.items() if g == group.name):
            names = [n for (s, n) in owned if s == schema]
            entries.append((f"{sql_name(schema)}.*", f"{len(names)} table{'s' if len(names) != 1 else ''}: "
                            + ", ".join(names[:8]) + (", ..." if len(names) > 8 else "")))
        for table in owned:
            if table[0] not in whole_schemas:
                entries.append((qualified(table), describe_use(group.tables[table])))
        if entries:
            lines.append("owns = [")
            width = max(len(_toml(e)) for e, _ in entries) + 1
            lines.extend(f"    {(_toml(e) + ','):<{width}}  # {why}" for e, why in entries)
            lines.append("]")
        else:
            lines.append("owns = []")
        others = [t for t in sorted(group.tables) if owner[t] != group.name]
        if others:
            lines.append("# Also used here, given to another service by this draft:")
            lines.extend(
                f"#   {qualified(t)} ({describe_use(group.tables[t])}) -> {owner[t]}" for t in others
            )
        lines.append("")
    if not groups or not tables:
        lines.append("# No SQL or ORM table use was found: list each service's tables by hand.")
    return "\n".join(lines).rstrip("\n") + "\n"


def sql_name(part: str) -> str:
    """A name part as the registry reads it: quoted unless it is a plain lower-case name.

    >>> sql_name("orders"), sql_name("Strategy")
    ('orders', '"Strategy"')
    """
    return part if re.fullmatch(r"[a-z_][a-z0-9_$]*", part) else '"' + part.replace('"', '""') + '"'


def qualified(table: Table) -> str:
    return f"{sql_name(table[0])}.{sql_name(table[1])}"


def _whole_schemas(
    tables: Sequence[Table], owner: Dict[Table, str], groups: Sequence[Group], shared: set
) -> Dict[str, str]:
    """Schemas (other than the shared search path) whose every table goes to one service."""
    out: Dict[str, str] = {}
    for schema in sorted({s for s, _ in tables} - shared):
        owners = {owner[t] for t in tables if t[0] == schema}
        if len(owners) == 1:
            out[schema] = owners.pop()
    return out


def _toml(text: str) -> str:
    """A TOML basic string.

    >>> _toml('a"b')
    '"a\\\\"b"'
    """
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    escaped = re.sub(r"[\x00-\x1f\x7f]", lambda m: f"\\u{ord(m.group()):04x}", escaped)
    return f'"{escaped}"'


def _key(name: str) -> str:
    return name if re.fullmatch(r"[A-Za-z0-9_-]+", name) else _toml(name)
