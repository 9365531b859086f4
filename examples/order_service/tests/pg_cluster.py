"""A throwaway PostgreSQL cluster for tests: initdb + pg_ctl in a temp dir.

Plain module (no pytest import) so both the example's conftest and the
project's own tests can load it by file path. PostgreSQL refuses to run as
root, so when the tests run as root (CI does) the server runs as an
unprivileged system user, created on first use.

If the server cannot start, ``start_cluster`` raises with the tail of the
server log: a database test that silently skips is worse than one that fails.

Usage::

    cluster = start_cluster()
    try:
        cluster.create_database("t1")
        apply_sql_files(cluster.dsn_for("t1"), migration_paths())
    finally:
        cluster.stop()
"""

from __future__ import annotations

import atexit
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, List, Optional, Sequence, Set, Tuple

EXAMPLE_ROOT = Path(__file__).resolve().parent.parent
MIGRATIONS_DIR = EXAMPLE_ROOT / "migrations"
LEGACY_SCHEMA_SQL = Path(__file__).resolve().parent / "legacy_public_schema.sql"
LEGACY_SEED_SQL = Path(__file__).resolve().parent / "legacy_seed_data.sql"

PG_USER = "postgres"  # the cluster's superuser (initdb -U), not an OS user
UNPRIVILEGED_OS_USER = "blpg"
_START_TIMEOUT_S = 60


class ClusterError(RuntimeError):
    """PostgreSQL could not be found, initialised or started."""


# --------------------------------------------------------------------------
# finding the binaries and the user to run them as


def find_pg_bin(name: str) -> str:
    """Return the path of a PostgreSQL server binary (``initdb``, ``pg_ctl``).

    Looks on PATH first, then in Debian's ``/usr/lib/postgresql/*/bin``
    (newest version first).
    """
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(
        glob.glob(f"/usr/lib/postgresql/*/bin/{name}"),
        key=lambda p: _version_key(Path(p).parent.parent.name),
        reverse=True,
    )
    if candidates:
        return candidates[0]
    raise ClusterError(
        f"PostgreSQL's {name!r} is neither on PATH nor in /usr/lib/postgresql/*/bin; "
        "install the server (e.g. `apt-get install postgresql`)"
    )


def _version_key(text: str) -> Tuple[int, ...]:
    return tuple(int(part) for part in text.split(".") if part.isdigit())


def _server_os_user() -> Optional[pwd.struct_passwd]:
    """The OS user to run the server as: None when we are not root."""
    if os.geteuid() != 0:
        return None
    try:
        return pwd.getpwnam(UNPRIVILEGED_OS_USER)
    except KeyError:
        pass
    result = subprocess.run(
        ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", UNPRIVILEGED_OS_USER],
        capture_output=True,
        text=True,
    )
    try:
        return pwd.getpwnam(UNPRIVILEGED_OS_USER)
    except KeyError:
        raise ClusterError(
            f"running as root and could not create the unprivileged user {UNPRIVILEGED_OS_USER!r} "
            f"for PostgreSQL: {result.stderr.strip() or result.stdout.strip()}"
        ) from None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _reachable_by_others(path: Path) -> bool:
    """True when every ancestor of ``path`` can be traversed by any user."""
    for parent in [path, *path.parents]:
        if parent.exists() and not (parent.stat().st_mode & 0o001):
            return False
    return True


# --------------------------------------------------------------------------
# the cluster


@dataclass
class Cluster:
    """A running PostgreSQL cluster reachable over a unix socket.

    Attributes:
        dsn: libpq connection string for the ``postgres`` database.
        host: the unix socket directory.
        port: the port (names the socket file; TCP is off).
        root: the temp directory holding data, socket and log.
    """

    dsn: str
    host: str
    port: int
    root: Path
    _pg_ctl: str = field(repr=False)
    _os_user: Optional[pwd.struct_passwd] = field(repr=False, default=None)
    _stopped: bool = field(repr=False, default=False)

    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    @property
    def log_file(self) -> Path:
        return self.root / "postgres.log"

    def dsn_for(self, dbname: str) -> str:
        """libpq connection string for another database of this cluster."""
        return f"host={self.host} port={self.port} user={PG_USER} dbname={dbname}"

    def sqlalchemy_url(self, dbname: str) -> str:
        """``postgresql+psycopg://`` URL for SQLAlchemy's async engine."""
        return f"postgresql+psycopg://{PG_USER}@/{dbname}?host={self.host}&port={self.port}"

    def create_database(self, name: str, template: Optional[str] = None) -> str:
        """Create database ``name`` (from ``template`` if given); return its DSN."""
        import psycopg
        from psycopg import sql

        query = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
        if template:
            query = sql.SQL("{} TEMPLATE {}").format(query, sql.Identifier(template))
        with psycopg.connect(self.dsn, autocommit=True) as conn:
            conn.execute(query)
        return self.dsn_for(name)

    def drop_database(self, name: str) -> None:
        import psycopg
        from psycopg import sql

        with psycopg.connect(self.dsn, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))

    def stop(self) -> None:
        """Stop the server (fast, no checkpoint wait) and delete its directory."""
        if self._stopped:
            return
        self._stopped = True
        try:
            _run(
                [self._pg_ctl, "-D", str(self.data_dir), "-m", "immediate", "-w", "stop"],
                self._os_user,
                check=False,
            )
        finally:
            shutil.rmtree(self.root, ignore_errors=True)


def _run(
    cmd: Sequence[str], os_user: Optional[pwd.struct_passwd], *, check: bool = True, cwd: Optional[Path] = None
) -> subprocess.CompletedProcess:
    kwargs = {}
    env = dict(os.environ, LC_ALL="C", LANG="C")
    if os_user is not None:
        kwargs = {"user": os_user.pw_uid, "group": os_user.pw_gid, "extra_groups": []}
        env["HOME"] = "/tmp"
        env["USER"] = env["LOGNAME"] = os_user.pw_name
    result = subprocess.run(
        list(cmd), capture_output=True, text=True, env=env, cwd=str(cwd or "/"), timeout=_START_TIMEOUT_S, **kwargs
    )
    if check and result.returncode != 0:
        raise ClusterError(
            f"{Path(cmd[0]).name} exited {result.returncode}\n"
            f"command: {' '.join(cmd)}\nstdout:\n{result.stdout}\nstderr:\n{result.stderr}"
        )
    return result


def _log_tail(path: Path, lines: int = 40) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError as exc:
        return f"(no server log: {exc})"


def start_cluster(base_dir: Optional[os.PathLike] = None) -> Cluster:
    """Initialise and start a new cluster in a fresh directory under ``base_dir``.

    Args:
        base_dir: where to create the cluster's directory. When running as
            root and ``base_dir`` is not traversable by other users (pytest's
            tmp dirs are not), the system temp dir is used instead so the
            unprivileged server user can reach its files.

    Returns:
        The running cluster; call ``stop()`` when done.

    Raises:
        ClusterError: with the command output or the server log's tail.
    """
    initdb = find_pg_bin("initdb")
    pg_ctl = find_pg_bin("pg_ctl")
    os_user = _server_os_user()

    parent = Path(base_dir) if base_dir is not None else Path(tempfile.gettempdir())
    if os_user is not None and not _reachable_by_others(parent):
        parent = Path(tempfile.gettempdir())
    parent.mkdir(parents=True, exist_ok=True)
    # Short name: the socket path must stay under ~107 bytes.
    root = Path(tempfile.mkdtemp(prefix="pg-", dir=parent))
    if os_user is not None:
        os.chmod(root, 0o700)
        os.chown(root, os_user.pw_uid, os_user.pw_gid)

    port = _free_port()
    data_dir = root / "data"
    log_file = root / "postgres.log"
    cluster = Cluster(
        dsn=f"host={root} port={port} user={PG_USER} dbname=postgres",
        host=str(root),
        port=port,
        root=root,
        _pg_ctl=pg_ctl,
        _os_user=os_user,
    )
    try:
        _run(
            [initdb, "-D", str(data_dir), "-U", PG_USER, "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync"],
            os_user,
            cwd=root,
        )
        server_options = " ".join(
            [
                f"-p {port}",
                f"-k {root}",
                "-c listen_addresses=''",
                "-c fsync=off",
                "-c synchronous_commit=off",
                "-c full_page_writes=off",
                "-c max_connections=50",
            ]
        )
        result = _run(
            [pg_ctl, "-D", str(data_dir), "-l", str(log_file), "-o", server_options, "-w", "-t", str(_START_TIMEOUT_S), "start"],
            os_user,
            check=False,
            cwd=root,
        )
        if result.returncode != 0:
            raise ClusterError(
                f"pg_ctl start exited {result.returncode}\nstdout:\n{result.stdout}\nstderr:\n{result.stderr}\n"
                f"server log ({log_file}):\n{_log_tail(log_file)}"
            )
    except BaseException:
        cluster.stop()
        raise
    return cluster


_shared: Optional[Cluster] = None
_shared_lock = threading.Lock()


def shared_cluster() -> Cluster:
    """One cluster per process, started on first use and stopped at exit.

    The example's conftest and the project's tests both load this module under
    the same name (see ``MODULE_NAME``) so one test run starts one server.
    """
    global _shared
    with _shared_lock:
        if _shared is None or _shared._stopped:
            _shared = start_cluster()
            atexit.register(_shared.stop)
        return _shared


MODULE_NAME = "order_service_example_pg_cluster"
"""The ``sys.modules`` name every loader of this file should use."""


# --------------------------------------------------------------------------
# schema helpers


def migration_paths(upto: Optional[int] = None) -> List[Path]:
    """The example's migrations in order, those numbered ``<= upto`` if given."""
    paths = sorted(MIGRATIONS_DIR.glob("[0-9][0-9][0-9]_*.sql"))
    if upto is not None:
        paths = [p for p in paths if int(p.name[:3]) <= upto]
    return paths


def apply_sql_files(dsn: str, paths: Iterable[os.PathLike]) -> None:
    """Run each SQL file in its own transaction, in order (psql-free SQL only)."""
    import psycopg

    for path in paths:
        text = Path(path).read_text()
        try:
            with psycopg.connect(dsn) as conn:  # commits on clean exit
                conn.execute(text)
        except psycopg.Error as exc:
            raise ClusterError(f"{Path(path).name} failed: {exc}") from exc


CROSS_SCHEMA_FK_QUERY = """
SELECT src_ns.nspname || '.' || src.relname AS constraint_table,
       ref_ns.nspname || '.' || ref.relname AS referenced_table,
       con.conname                         AS constraint_name
FROM pg_catalog.pg_constraint con
JOIN pg_catalog.pg_class src ON src.oid = con.conrelid
JOIN pg_catalog.pg_namespace src_ns ON src_ns.oid = src.relnamespace
JOIN pg_catalog.pg_class ref ON ref.oid = con.confrelid
JOIN pg_catalog.pg_namespace ref_ns ON ref_ns.oid = ref.relnamespace
WHERE con.contype = 'f'
  AND src_ns.nspname <> ref_ns.nspname
"""


def cross_schema_foreign_keys(conn) -> Set[Tuple[str, str, str]]:
    """Foreign keys whose table and referenced table are in different schemas.

    Args:
        conn: an open psycopg (sync) connection.

    Returns:
        ``{("order_service.orders", "public.strategies", "fk_orders_strategy_id"), ...}``
    """
    with conn.cursor() as cur:
        cur.execute(CROSS_SCHEMA_FK_QUERY)
        return {tuple(row) for row in cur.fetchall()}
