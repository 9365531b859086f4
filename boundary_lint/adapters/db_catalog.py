"""A snapshot of a live PostgreSQL catalog, read in one read-only transaction.

The only module that imports psycopg (inside :func:`read_catalog`, so the rest
of boundary-lint never needs it). It runs catalog queries only, inside
``BEGIN READ ONLY`` + ``SET TRANSACTION READ ONLY``, checks that the session
really is read-only before reading anything, rolls back and returns plain
frozen values (:mod:`boundary_lint.db_audit.catalog`) that
:mod:`boundary_lint.db_audit.rules` judges without I/O.

System schemas (``pg_*``, ``information_schema``), partitions (their parent
stands for them) and objects that belong to an extension are left out.
"""

from __future__ import annotations

import os
from typing import Any, Callable, Mapping, Optional, Sequence

from boundary_lint.db_audit.catalog import (
    RELATION_KINDS,
    Catalog,
    CatalogError,
    ForeignKey,
    Relation,
    RolePrivileges,
    ViewRead,
)
from boundary_lint.db_audit.location import (
    database_location,
    hide_quoted_fragments,
    redacted_location,
    scrub,
    secrets_of,
)

STATEMENT_TIMEOUT = "60s"
CONNECT_TIMEOUT_S = 10


_NOT_SYSTEM = "({ns}.nspname !~ '^pg_' AND {ns}.nspname <> 'information_schema')"
_IN_SCHEMAS = "(%(schemas)s::text[] IS NULL OR {ns}.nspname = ANY(%(schemas)s::text[]))"
_NOT_EXTENSION = (
    "NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend e WHERE e.classid = 'pg_catalog.pg_class'::regclass"
    " AND e.objid = {rel}.oid AND e.deptype = 'e')"
)
_KINDS = "('r', 'p', 'f', 'v', 'm')"

SCHEMAS_QUERY = f"""
SELECT n.nspname FROM pg_catalog.pg_namespace n
WHERE {_NOT_SYSTEM.format(ns="n")}
ORDER BY 1
"""

RELATIONS_QUERY = f"""
SELECT n.nspname, c.relname, c.relkind
FROM pg_catalog.pg_class c
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN {_KINDS} AND NOT c.relispartition
  AND {_NOT_SYSTEM.format(ns="n")} AND {_IN_SCHEMAS.format(ns="n")} AND {_NOT_EXTENSION.format(rel="c")}
ORDER BY 1, 2
"""

FOREIGN_KEYS_QUERY = f"""
SELECT sn.nspname, s.relname, con.conname, rn.nspname, r.relname
FROM pg_catalog.pg_constraint con
JOIN pg_catalog.pg_class s ON s.oid = con.conrelid
JOIN pg_catalog.pg_namespace sn ON sn.oid = s.relnamespace
JOIN pg_catalog.pg_class r ON r.oid = con.confrelid
JOIN pg_catalog.pg_namespace rn ON rn.oid = r.relnamespace
WHERE con.contype = 'f' AND con.conparentid = 0
  AND {_NOT_SYSTEM.format(ns="sn")} AND {_IN_SCHEMAS.format(ns="sn")}
ORDER BY 1, 2, 3
"""

# A view's rewrite rule depends (pg_depend) on every relation its query reads.
VIEW_READS_QUERY = f"""
SELECT DISTINCT vn.nspname, v.relname, tn.nspname, t.relname, v.relkind
FROM pg_catalog.pg_rewrite rw
JOIN pg_catalog.pg_class v ON v.oid = rw.ev_class
JOIN pg_catalog.pg_namespace vn ON vn.oid = v.relnamespace
JOIN pg_catalog.pg_depend d ON d.classid = 'pg_catalog.pg_rewrite'::regclass AND d.objid = rw.oid
     AND d.refclassid = 'pg_catalog.pg_class'::regclass AND d.refobjid <> v.oid
JOIN pg_catalog.pg_class t ON t.oid = d.refobjid
JOIN pg_catalog.pg_namespace tn ON tn.oid = t.relnamespace
WHERE v.relkind IN ('v', 'm') AND t.relkind IN {_KINDS}
  AND {_NOT_SYSTEM.format(ns="vn")} AND {_IN_SCHEMAS.format(ns="vn")} AND {_NOT_SYSTEM.format(ns="tn")}
ORDER BY 1, 2, 3, 4
"""

ROLES_QUERY = "SELECT rolname FROM pg_catalog.pg_roles WHERE rolname = ANY(%(roles)s::text[]) ORDER BY 1"

# Effective privileges: column-level grants count for SELECT/INSERT/UPDATE.
PRIVILEGES_QUERY = f"""
SELECT * FROM (
  SELECT r.rolname, n.nspname, c.relname, c.relkind,
         array_remove(ARRAY[
           CASE WHEN has_any_column_privilege(r.oid, c.oid, 'SELECT') THEN 'SELECT' END,
           CASE WHEN has_any_column_privilege(r.oid, c.oid, 'INSERT') THEN 'INSERT' END,
           CASE WHEN has_any_column_privilege(r.oid, c.oid, 'UPDATE') THEN 'UPDATE' END,
           CASE WHEN has_table_privilege(r.oid, c.oid, 'DELETE') THEN 'DELETE' END,
           CASE WHEN has_table_privilege(r.oid, c.oid, 'TRUNCATE') THEN 'TRUNCATE' END
         ], NULL) AS privileges
  FROM pg_catalog.pg_roles r
  CROSS JOIN pg_catalog.pg_class c
  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
  WHERE r.rolname = ANY(%(roles)s::text[])
    AND c.relkind IN {_KINDS} AND NOT c.relispartition
    AND {_NOT_SYSTEM.format(ns="n")} AND {_IN_SCHEMAS.format(ns="n")} AND {_NOT_EXTENSION.format(rel="c")}
) granted
WHERE cardinality(privileges) > 0
ORDER BY 1, 2, 3
"""


def read_catalog(
    dsn: str,
    schemas: Optional[Sequence[str]] = None,
    roles: Sequence[str] = (),
    env: Optional[Mapping[str, str]] = None,
    probe: Optional[Callable[[Any], None]] = None,
) -> Catalog:
    """Connect, read the catalog in one read-only transaction, roll back, close.

    Args:
        dsn: a libpq ``key=value`` string or a ``postgresql://`` URL.
        schemas: audit only these schemas (``None``: every non-system schema).
        roles: the service roles whose privileges to read.
        env: the environment libpq reads (``PGPASSWORD``...), for scrubbing messages.
        probe: called with the open connection inside the read-only transaction,
            after the catalog queries (tests use it to show the session cannot write).

    Raises:
        CatalogError: psycopg missing, a DSN that does not parse, a failed connection,
            missing privileges on the catalog; the message names the database, never a password.
    """
    env = os.environ if env is None else env
    secrets = secrets_of(dsn, env)
    where = redacted_location(dsn, env)
    try:
        import psycopg
        from psycopg.conninfo import conninfo_to_dict
    except ImportError:
        raise CatalogError("db-audit needs psycopg 3: pip install 'boundary-lint[db]'") from None

    try:
        given = conninfo_to_dict(dsn)
    except psycopg.Error as exc:
        message = hide_quoted_fragments(scrub(str(exc).strip(), secrets))
        raise CatalogError(f"the DSN is neither key=value pairs nor a postgresql:// URL: {message}") from None
    extra = {}
    if "connect_timeout" not in given and "PGCONNECT_TIMEOUT" not in env:
        extra["connect_timeout"] = CONNECT_TIMEOUT_S
    if "application_name" not in given and "PGAPPNAME" not in env:
        extra["application_name"] = "boundary-lint db-audit"
    try:
        conn = psycopg.connect(dsn, **extra)
    except psycopg.Error as exc:
        raise CatalogError(f"cannot connect to {where}: {_one_line(scrub(str(exc), secrets))}") from None
    try:
        info = conn.info
        location = database_location(info.host, str(info.port) if info.port else None, info.dbname)
        return _read(conn, location, schemas, roles, probe)
    except psycopg.errors.InsufficientPrivilege as exc:
        raise CatalogError(
            f"cannot read the catalog of {where} as user {conn.info.user!r}: "
            f"{_one_line(scrub(str(exc), secrets))}; db-audit needs SELECT on pg_catalog "
            "(PostgreSQL grants it to PUBLIC unless revoked)"
        ) from None
    except psycopg.Error as exc:
        message = _one_line(scrub(str(exc), secrets))
        raise CatalogError(f"reading the catalog of {where} failed: {message}") from None
    finally:
        conn.close()


def _read(conn, location: str, schemas, roles, probe) -> Catalog:
    conn.read_only = True  # psycopg opens the transaction with BEGIN READ ONLY
    try:
        with conn.cursor() as cur:
            cur.execute("SET TRANSACTION READ ONLY")
            cur.execute(f"SET LOCAL statement_timeout = '{STATEMENT_TIMEOUT}'")
            cur.execute("SHOW transaction_read_only")
            read_only = cur.fetchone()[0] == "on"
            if not read_only:
                raise CatalogError(f"{location}: the audit's transaction is not read-only; refusing to go on")
            params = {"schemas": list(schemas) if schemas is not None else None, "roles": list(roles)}
            found_roles = tuple(r for (r,) in cur.execute(ROLES_QUERY, params).fetchall())
            catalog = Catalog(
                location=location,
                database=conn.info.dbname,
                schemas=tuple(s for (s,) in cur.execute(SCHEMAS_QUERY).fetchall()),
                roles=found_roles,
                relations=tuple(
                    Relation(s, n, RELATION_KINDS[k]) for s, n, k in cur.execute(RELATIONS_QUERY, params)
                ),
                foreign_keys=tuple(ForeignKey(*row) for row in cur.execute(FOREIGN_KEYS_QUERY, params)),
                view_reads=tuple(
                    ViewRead(vs, v, ts, t, RELATION_KINDS[k])
                    for vs, v, ts, t, k in cur.execute(VIEW_READS_QUERY, params)
                ),
                privileges=tuple(
                    RolePrivileges(r, s, n, RELATION_KINDS[k], tuple(p))
                    for r, s, n, k, p in cur.execute(PRIVILEGES_QUERY, params)
                ),
                transaction_read_only=read_only,
            )
            if probe is not None:
                probe(conn)
            return catalog
    finally:
        conn.rollback()


def _one_line(message: str) -> str:
    return " ".join(message.split())
