"""Run the corpus's call sites before and after ``fix`` on fresh databases, and compare.

Used by tests/codemod/test_behaviour_corpus.py; loaded by path (it is not a
package), as is fake_clients.py next to it.

A *site* is a module-level function of ``orders_app`` marked with
``@site(driver, *calls)`` (orders_app/sites.py). Running it means: a fresh
database made from the loaded template, the driver's handle on it, the
function called with each set of keyword arguments in turn, the handle
committed and closed; the outcome is what each call returned (or raised) and
a snapshot of every table afterwards.
"""

from __future__ import annotations

import ast
import asyncio
import datetime as dt
import importlib
import itertools
import json
import os
import re
import shutil
import subprocess
import sys
import time
import traceback
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Tuple

from example_pg import load_by_path

CORPUS = Path(__file__).resolve().parent
PACKAGE = "orders_app"
SCHEMA_SQL = CORPUS / "schema.sql"
SNAPSHOT_SCHEMAS = ("public", "algo_engine", "orders")
FIX_COMMAND = ("fix", "--assume-clients", "--contract", "contract.json", "--contract-format", "json", ".")
LEFT_LINE = re.compile(r"^(?P<path>\S+?):(?P<line>\d+): left (?P<code>BND\d+) (?P<table>\S+): (?P<reason>.*)$", re.M)
ERROR_LINE = re.compile(r"^(?P<path>\S+?):(?P<line>\d+): error: (?P<reason>.*)$", re.M)  # a file fix gave up on
# environment the corpus's real clients read: unset, they raise ServiceError (the service is unreachable)
CLIENT_ENV = ("ALGO_ENGINE_URL", "USER_SERVICE_URL", "MARKET_DATA_URL", "RISK_SERVICE_URL")


def load_fake_clients():
    return load_by_path("behaviour_corpus_fake_clients", CORPUS / "fake_clients.py")


class HarnessError(AssertionError):
    """The harness cannot go on (e.g. ``fix`` is not the codemod of docs/fix.md yet)."""


# --------------------------------------------------------------------------
# what a site returned, in a form that compares the object kind too


def canon(value: Any) -> Any:
    """A comparable form of ``value`` that keeps its kind.

    A mapping row (dict, SQLAlchemy RowMapping, psycopg dict_row) compares with
    any other mapping; a tuple Row, an asyncpg Record, a tuple and a list are
    each their own kind; ``True`` is not ``1``; a Decimal keeps its scale.
    """
    from sqlalchemy.engine import Row

    if value is None or isinstance(value, (bool, int, float, str)):
        return (type(value).__name__, value)
    if isinstance(value, Decimal):
        return ("Decimal", str(value))
    if isinstance(value, dt.datetime):
        return ("datetime", value.tzinfo is not None, value)
    if isinstance(value, (dt.date, dt.time, dt.timedelta, uuid.UUID, bytes)):
        return (type(value).__name__, value)
    if isinstance(value, Row):
        return ("Row", tuple(value._fields), tuple(canon(v) for v in value))
    if type(value).__module__.startswith("asyncpg") and type(value).__name__ == "Record":
        return ("asyncpg.Record", tuple((k, canon(v)) for k, v in value.items()))
    if isinstance(value, Mapping):
        return ("mapping", tuple(sorted((str(k), canon(v)) for k, v in value.items())))
    if isinstance(value, (list, tuple)):
        return (type(value).__name__, tuple(canon(v) for v in value))
    if isinstance(value, (set, frozenset)):
        return (type(value).__name__, tuple(sorted(repr(canon(v)) for v in value)))
    return ("object", type(value).__qualname__, repr(value))


# --------------------------------------------------------------------------
# the sites


@dataclass
class SiteRef:
    key: str  # "orders_app.services.strategy_reads:strategy_name"
    module: str
    name: str
    path: str  # relative to the corpus root
    line: int
    end_line: int
    docstring: str
    constants: Tuple[str, ...]  # module-level names the function reads (its SQL may be one)


def _modules(root: Path) -> List[Path]:
    return sorted(p for p in (root / PACKAGE).rglob("*.py") if "__pycache__" not in p.parts)


def _module_name(root: Path, path: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _is_site_decorator(node: ast.expr) -> bool:
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "site"


def discover(root: Path) -> List[SiteRef]:
    """The ``@site`` functions under ``root/orders_app``, in file and line order."""
    sites = []
    for path in _modules(root):
        tree = ast.parse(path.read_text())
        constants = {t.id for node in tree.body if isinstance(node, ast.Assign)
                     for t in node.targets if isinstance(t, ast.Name)}
        for node in tree.body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and any(
                    _is_site_decorator(d) for d in node.decorator_list):
                used = {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}
                module = _module_name(root, path)
                sites.append(SiteRef(
                    key=f"{module}:{node.name}", module=module, name=node.name,
                    path=str(path.relative_to(root)), line=min(d.lineno for d in node.decorator_list),
                    end_line=node.end_lineno, docstring=ast.get_docstring(node) or "",
                    constants=tuple(sorted(used & constants))))
    return sites


def function_sources(root: Path) -> Dict[str, Tuple[str, int, int]]:
    """``{key: (source, first line, last line)}`` of every module-level function under ``root``."""
    found = {}
    for path in _modules(root):
        text = path.read_text()
        tree = ast.parse(text)
        module = _module_name(root, path)
        for node in tree.body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
                found[f"{module}:{node.name}"] = (ast.get_source_segment(text, node), first, node.end_lineno)
    return found


def constant_lines(root: Path) -> Dict[Tuple[str, int], str]:
    """``{(path, line): name}`` for every line of a module-level assignment under ``root``."""
    lines = {}
    for path in _modules(root):
        for node in ast.parse(path.read_text()).body:
            if isinstance(node, ast.Assign):
                for target in node.targets:
                    if isinstance(target, ast.Name):
                        for n in range(node.lineno, node.end_lineno + 1):
                            lines[(str(path.relative_to(root)), n)] = target.id
    return lines


class CorpusImport:
    """``orders_app`` imported from ``root`` (and only while inside the ``with``)."""

    def __init__(self, root: Path, before_import: Optional[Callable[[], None]] = None) -> None:
        self.root = root
        self.before_import = before_import

    @staticmethod
    def _purge() -> None:
        for name in [n for n in sys.modules if n == PACKAGE or n.startswith(PACKAGE + ".")]:
            del sys.modules[name]

    def __enter__(self) -> "CorpusImport":
        self._purge()
        self._bytecode = sys.dont_write_bytecode
        sys.dont_write_bytecode = True  # no __pycache__ in the corpus's own folder
        sys.path.insert(0, str(self.root))
        importlib.invalidate_caches()
        if self.before_import is not None:
            self.before_import()
        return self

    def function(self, site: SiteRef) -> Callable:
        return getattr(importlib.import_module(site.module), site.name)

    def __exit__(self, *exc: Any) -> None:
        try:
            sys.path.remove(str(self.root))
        except ValueError:
            pass
        sys.dont_write_bytecode = self._bytecode
        self._purge()


# --------------------------------------------------------------------------
# databases


SEED_MARKER = "-- seed data"


class Databases:
    """A database per run with schema.sql loaded, put back to its seeded state before each site.

    ``fresh()`` returns the database's name with every table holding exactly
    the seed rows and every sequence where the seed left it: the first time
    it is a new database, afterwards the tables are truncated (identities
    restarted) and the seed part of schema.sql (after ``-- seed data``) is run
    again. That is the state ``CREATE DATABASE ... TEMPLATE`` would give, in a
    few milliseconds instead of a few hundred.
    """

    _names = itertools.count()

    def __init__(self, cluster) -> None:
        import psycopg

        self.cluster = cluster
        text = SCHEMA_SQL.read_text()
        if SEED_MARKER not in text:
            raise HarnessError(f"{SCHEMA_SQL.name} has no {SEED_MARKER!r} line")
        self.seed_sql = text[text.index(SEED_MARKER):]
        self.name = f"behaviour_{os.getpid()}_{next(self._names)}"
        cluster.drop_database(self.name)
        cluster.create_database(self.name)
        with psycopg.connect(self.dsn) as conn:
            conn.execute(text)
            tables = conn.execute(
                "SELECT format('%%I.%%I', table_schema, table_name) FROM information_schema.tables "
                "WHERE table_schema = ANY(%s) AND table_type = 'BASE TABLE' ORDER BY 1",
                (list(SNAPSHOT_SCHEMAS),)).fetchall()
        self.reset_sql = f"TRUNCATE {', '.join(t for (t,) in tables)} RESTART IDENTITY CASCADE;\n{self.seed_sql}"
        self._dirty = False

    @property
    def dsn(self) -> str:
        return self.cluster.dsn_for(self.name)

    def fresh(self) -> str:
        import psycopg

        if self._dirty:
            with psycopg.connect(self.dsn) as conn:
                conn.execute(self.reset_sql)
        self._dirty = True
        return self.name

    def close(self) -> None:
        self.cluster.drop_database(self.name)


def snapshot(dsn: str) -> Dict[str, Tuple]:
    """Every row of every table in the corpus's schemas, in a stable order, and where each sequence is."""
    import psycopg

    tables = {}
    with psycopg.connect(dsn) as conn:
        for (sequence,) in conn.execute(
                "SELECT format('%%I.%%I', sequence_schema, sequence_name) FROM information_schema.sequences "
                "WHERE sequence_schema = ANY(%s) ORDER BY 1", (list(SNAPSHOT_SCHEMAS),)).fetchall():
            state = conn.execute(f"SELECT last_value, is_called FROM {sequence}").fetchone()
            tables[f"sequence {sequence}"] = tuple(state)
        names = conn.execute(
            "SELECT table_schema, table_name FROM information_schema.tables "
            "WHERE table_schema = ANY(%s) AND table_type = 'BASE TABLE' ORDER BY 1, 2",
            (list(SNAPSHOT_SCHEMAS),)).fetchall()
        for schema, table in names:
            with conn.cursor() as cur:
                cur.execute(f'SELECT * FROM "{schema}"."{table}"')
                columns = tuple(d.name for d in cur.description)
                rows = sorted((canon(tuple(r)) for r in cur.fetchall()), key=repr)
            tables[f"{schema}.{table}"] = (columns, tuple(rows))
    return tables


# --------------------------------------------------------------------------
# running one site


@dataclass
class Outcome:
    results: List[Any] = field(default_factory=list)  # canon() of each call's return, or ("raised", ...)
    snapshot: Dict[str, Tuple] = field(default_factory=dict)
    error: Optional[str] = None  # the traceback of the first call that raised
    seconds: float = 0.0
    client_calls: List[str] = field(default_factory=list)  # "service.method" per fake client call

    def same_as(self, other: "Outcome") -> bool:
        return self.results == other.results and self.snapshot == other.snapshot

    def difference(self, other: "Outcome") -> str:
        lines = []
        for number, (mine, theirs) in enumerate(itertools.zip_longest(self.results, other.results)):
            if mine != theirs:
                lines.append(f"call {number}: before {mine!r}\n        after  {theirs!r}")
        for table in sorted(set(self.snapshot) | set(other.snapshot)):
            if self.snapshot.get(table) != other.snapshot.get(table):
                before = set(self.snapshot.get(table, ((), ()))[1])
                after = set(other.snapshot.get(table, ((), ()))[1])
                lines.append(f"table {table}: rows only before {sorted(before - after, key=repr)!r}; "
                             f"only after {sorted(after - before, key=repr)!r}")
        if other.error:
            lines.append("after raised:\n" + other.error)
        return "\n".join(lines)


def _raised(exc: BaseException) -> Tuple[str, str]:
    return ("raised", type(exc).__name__)


def run_site(function: Callable, cluster, dbname: str) -> Outcome:
    """Call ``function`` with each of its site's calls on database ``dbname``."""
    meta = function.__behaviour_site__
    outcome = Outcome()
    started = time.perf_counter()
    runner = _RUNNERS[meta.driver]
    try:
        if asyncio.iscoroutinefunction(runner):
            asyncio.run(runner(function, meta.calls, cluster, dbname, outcome))
        else:
            runner(function, meta.calls, cluster, dbname, outcome)
    except Exception as exc:  # opening or committing the handle
        outcome.results.append(_raised(exc))
        outcome.error = outcome.error or traceback.format_exc()
    outcome.snapshot = snapshot(cluster.dsn_for(dbname))
    outcome.seconds = time.perf_counter() - started
    return outcome


def _record_sync(function, calls, handle, outcome) -> bool:
    for arguments in calls:
        try:
            outcome.results.append(canon(function(handle, **arguments)))
        except Exception as exc:
            outcome.results.append(_raised(exc))
            outcome.error = traceback.format_exc()
            return False
    return True


async def _record_async(function, calls, handle, outcome) -> bool:
    for arguments in calls:
        try:
            outcome.results.append(canon(await function(handle, **arguments)))
        except Exception as exc:
            outcome.results.append(_raised(exc))
            outcome.error = traceback.format_exc()
            return False
    return True


async def _sqlalchemy_async(function, calls, cluster, dbname, outcome):
    from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine
    from sqlalchemy.pool import NullPool

    engine = create_async_engine(cluster.sqlalchemy_url(dbname), poolclass=NullPool)
    try:
        async with AsyncSession(engine, expire_on_commit=False) as session:
            if await _record_async(function, calls, session, outcome):
                await session.commit()
    finally:
        await engine.dispose()


def _sync_engine(cluster, dbname):
    from sqlalchemy import create_engine
    from sqlalchemy.pool import NullPool

    return create_engine(cluster.sqlalchemy_url(dbname), poolclass=NullPool)


def _sqlalchemy_sync(function, calls, cluster, dbname, outcome):
    from sqlalchemy.orm import Session

    engine = _sync_engine(cluster, dbname)
    try:
        with Session(engine, expire_on_commit=False) as session:
            if _record_sync(function, calls, session, outcome):
                session.commit()
    finally:
        engine.dispose()


def _sqlalchemy_conn(function, calls, cluster, dbname, outcome):
    engine = _sync_engine(cluster, dbname)
    try:
        with engine.connect() as conn:
            if _record_sync(function, calls, conn, outcome):
                conn.commit()
    finally:
        engine.dispose()


async def _asyncpg(function, calls, cluster, dbname, outcome):
    import asyncpg

    conn = await asyncpg.connect(host=cluster.host, port=cluster.port, user="postgres", database=dbname)
    try:
        await _record_async(function, calls, conn, outcome)
    finally:
        await conn.close()


def _psycopg(function, calls, cluster, dbname, outcome):
    import psycopg

    with psycopg.connect(cluster.dsn_for(dbname)) as conn:
        if _record_sync(function, calls, conn, outcome):
            conn.commit()
        else:
            conn.rollback()


async def _psycopg_async(function, calls, cluster, dbname, outcome):
    import psycopg

    async with await psycopg.AsyncConnection.connect(cluster.dsn_for(dbname)) as conn:
        if await _record_async(function, calls, conn, outcome):
            await conn.commit()
        else:
            await conn.rollback()


_RUNNERS = {
    "sqlalchemy_async": _sqlalchemy_async,
    "sqlalchemy_sync": _sqlalchemy_sync,
    "sqlalchemy_conn": _sqlalchemy_conn,
    "asyncpg": _asyncpg,
    "psycopg": _psycopg,
    "psycopg_async": _psycopg_async,
}


def run_all(root: Path, sites: List[SiteRef], databases: Databases, *,
            fake=None, before_import: Optional[Callable[[], None]] = None) -> Dict[str, Outcome]:
    """Each site of ``root``'s corpus on a fresh database; ``fake`` (a FakeClients) serves the same one."""
    outcomes = {}
    with CorpusImport(root, before_import) as corpus:
        for site in sites:
            dbname = databases.fresh()
            try:
                try:
                    function = corpus.function(site)
                except Exception as exc:  # the module does not import (after a bad rewrite)
                    outcome = Outcome(results=[_raised(exc)], error=traceback.format_exc())
                    outcome.snapshot = snapshot(databases.cluster.dsn_for(dbname))
                    outcomes[site.key] = outcome
                    continue
                if fake is not None:
                    fake.use(databases.cluster.dsn_for(dbname))
                    first_call = len(fake.calls)
                outcome = run_site(function, databases.cluster, dbname)
                if fake is not None:
                    outcome.client_calls = [f"{service}.{method}" for service, method, _, _ in fake.calls[first_call:]]
                outcomes[site.key] = outcome
            finally:
                if fake is not None:
                    fake.close()
    return outcomes


def run_after(root: Path, sites: List[SiteRef], cluster, contract: Mapping[str, Any]) -> Dict[str, Outcome]:
    """The rewritten corpus at ``root``, its owners' clients replaced by fakes built from ``contract``."""
    fake = load_fake_clients().FakeClients(contract)

    def install_fakes() -> None:
        for spec in fake.services.values():  # the real module first: it serves the names the contract lacks
            try:
                importlib.import_module(spec["client"]["module"])
            except ModuleNotFoundError:
                pass
        fake.install(sys.modules)

    databases = Databases(cluster)
    try:
        return run_all(root, sites, databases, fake=fake, before_import=install_fakes)
    finally:
        fake.close()
        databases.close()


# --------------------------------------------------------------------------
# fix on a copy


@dataclass
class FixRun:
    root: Path
    code: int
    out: str
    err: str
    contract: Optional[dict]
    seconds: float
    original: Optional[Dict[str, Tuple[str, int, int]]] = None  # function_sources() of what was copied

    @property
    def left(self) -> List[Dict[str, Any]]:
        return [dict(m.groupdict(), line=int(m["line"])) for m in LEFT_LINE.finditer(self.err)]

    @property
    def errors(self) -> Dict[str, str]:
        """``{path: reason}`` for each file whose rewrite ``fix`` abandoned."""
        return {m["path"]: m["reason"] for m in ERROR_LINE.finditer(self.err)}


def copy_corpus(target: Path) -> Path:
    target.mkdir(parents=True, exist_ok=True)
    shutil.copy(CORPUS / "boundaries.toml", target / "boundaries.toml")
    shutil.copytree(CORPUS / PACKAGE, target / PACKAGE, ignore=shutil.ignore_patterns("__pycache__"))
    return target


def fix_a_copy(target: Path) -> FixRun:
    copy_corpus(target)
    original = function_sources(target)  # before fix: what each site was, whatever happens to CORPUS later
    started = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "boundary_lint.cli", *FIX_COMMAND],
                          cwd=target, capture_output=True, text=True, timeout=300)
    contract = None
    path = target / "contract.json"
    if path.exists():
        try:
            contract = json.loads(path.read_text())
        except ValueError:
            contract = None
    return FixRun(target, proc.returncode, proc.stdout, proc.stderr, contract, time.perf_counter() - started,
                  original)


def require_the_new_codemod(run: FixRun) -> None:
    """Fail with what is missing when ``fix`` is not yet the codemod of docs/fix.md."""
    command = "python -m boundary_lint.cli " + " ".join(FIX_COMMAND)
    if run.code != 0:
        raise HarnessError(
            f"`{command}` exited {run.code} (docs/fix.md: --assume-clients, contract version 2); "
            f"stderr:\n{run.err[-3000:]}")
    if run.contract is None:
        raise HarnessError(f"`{command}` wrote no readable contract.json")
    if run.contract.get("version") != 2:
        raise HarnessError(f"contract.json is version {run.contract.get('version')!r}; "
                           "the fake owner reads version 2 (docs/fix.md, 'Contract JSON')")


# --------------------------------------------------------------------------
# classification


@dataclass
class Verdict:
    key: str
    status: str  # "rewritten+equal", "rewritten+different", "refused", "refused+different"
    reasons: List[str]
    methods: List[str]
    difference: str = ""

    @property
    def rewritten(self) -> bool:
        return self.status.startswith("rewritten")

    @property
    def different(self) -> bool:
        return self.status.endswith("different")


def classify(sites: List[SiteRef], run: FixRun, before: Dict[str, Outcome],
             after: Dict[str, Outcome]) -> Dict[str, Verdict]:
    original = run.original if run.original is not None else function_sources(CORPUS)
    fixed = function_sources(run.root)
    constants = constant_lines(run.root)
    reasons: Dict[str, List[str]] = {site.key: [] for site in sites}
    for left in run.left:
        for site in sites:
            source = fixed.get(site.key)
            in_function = (source is not None and left["path"] == site.path
                           and source[1] <= left["line"] <= source[2])
            in_constant = constants.get((left["path"], left["line"])) in site.constants and left["path"] == site.path
            if in_function or in_constant:
                reasons[site.key].append(f"{left['code']} {left['table']}: {left['reason']}")
    errors = run.errors
    verdicts = {}
    for site in sites:
        changed = fixed.get(site.key, (None,))[0] != original[site.key][0]
        if not changed and site.path in errors:
            reasons[site.key].append(f"the file's rewrite was abandoned: {errors[site.path]}")
        same = before[site.key].same_as(after[site.key])
        if changed:
            status = "rewritten+equal" if same else "rewritten+different"
        else:
            status = "refused" if same else "refused+different"
        verdicts[site.key] = Verdict(site.key, status, reasons[site.key], after[site.key].client_calls,
                                     "" if same else before[site.key].difference(after[site.key]))
    return verdicts


def _unexpected(verdict: Verdict, expectation: str) -> bool:
    return verdict.different or (expectation == "rewritable" and not verdict.rewritten) or (
        expectation == "must-refuse" and verdict.rewritten)


def summary(sites: List[SiteRef], verdicts: Dict[str, Verdict], run: FixRun,
            expectations: Optional[Dict[str, str]] = None, full: bool = True) -> str:
    """The counts, then one line per site (``full``) or per site whose verdict is not the expected one:
    verdict, expectation, key, and the methods called or the reasons."""
    expectations = expectations or {}
    counts: Dict[str, int] = {}
    for verdict in verdicts.values():
        counts[verdict.status] = counts.get(verdict.status, 0) + 1
    lines = [f"behaviour corpus: {len(sites)} sites; fix took {run.seconds:.1f} s",
             *(f"  {status:<20} {counts[status]:>3}" for status in sorted(counts)), ""]
    for site in sites:
        verdict = verdicts[site.key]
        if not full and not _unexpected(verdict, expectations.get(site.key, "")):
            continue
        detail = "; ".join(verdict.reasons) if not verdict.rewritten else ", ".join(dict.fromkeys(verdict.methods))
        lines.append(f"  {verdict.status:<20} {expectations.get(site.key, ''):<12} {site.key}  {detail}")
        if verdict.difference:
            lines.extend("      " + line for line in verdict.difference.splitlines())
    return "\n".join(lines)


def report_json(sites: List[SiteRef], verdicts: Dict[str, Verdict], run: FixRun,
                expectations: Optional[Dict[str, str]] = None) -> str:
    expectations = expectations or {}
    return json.dumps({
        "fix": {"exit": run.code, "seconds": round(run.seconds, 2)},
        "sites": [{"site": s.key, "shape": s.docstring, "status": verdicts[s.key].status,
                   "expected": expectations.get(s.key, ""),
                   "reasons": verdicts[s.key].reasons, "methods": verdicts[s.key].methods,
                   "difference": verdicts[s.key].difference} for s in sites]}, indent=2)
