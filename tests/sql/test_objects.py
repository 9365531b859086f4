"""DDL on objects that are not tables (issue 21, cause 1): each DDL form sqlglot gives,
or the token scan reads, names a table only where PostgreSQL's grammar puts one.

Operator classes, extensions, event triggers, types, domains, functions, sequences,
schemas and tablespaces are never table references; the table a trigger, policy,
index or comment hangs on is one (DDL)."""

from __future__ import annotations

import pytest

from boundary_lint.sql.refs import analyze_sql

D, R = "ddl", "read"

FORMS = [
    # CREATE INDEX: the table, never the operator class
    ("CREATE INDEX i ON o.t USING gin (title gin_trgm_ops)", [("o.t", D)]),
    ("CREATE INDEX i ON o.t USING gist (notes gist_trgm_ops)", [("o.t", D)]),
    ("CREATE INDEX CONCURRENTLY IF NOT EXISTS i ON o.t USING gin (lower(title) gin_trgm_ops)", [("o.t", D)]),
    ("CREATE UNIQUE INDEX i ON o.t (a, url text_pattern_ops) WHERE state = 'active'", [("o.t", D)]),
    ("CREATE INDEX i ON o.t USING gin ((args->>'name') gin_trgm_ops)", [("o.t", D)]),
    ("CREATE INDEX i ON o.t USING gin (args jsonb_path_ops)", [("o.t", D)]),
    ("CREATE INDEX i ON o.t USING btree (a, b) INCLUDE (c)", [("o.t", D)]),
    # CREATE TRIGGER (plain, constraint, column list) and DROP TRIGGER ... ON t
    ("CREATE TRIGGER tr BEFORE UPDATE ON o.t FOR EACH ROW EXECUTE FUNCTION s.f()", [("o.t", D)]),
    ("CREATE CONSTRAINT TRIGGER tr AFTER INSERT OR UPDATE ON o.t DEFERRABLE INITIALLY DEFERRED "
     "FOR EACH ROW EXECUTE FUNCTION s.f()", [("o.t", D)]),
    ("CREATE TRIGGER tr AFTER INSERT OR UPDATE OF a, b ON o.t FOR EACH ROW EXECUTE FUNCTION s.f()", [("o.t", D)]),
    ("DROP TRIGGER IF EXISTS tr ON o.t", [("o.t", D)]),
    # CREATE EVENT TRIGGER: an event, no table
    ("CREATE EVENT TRIGGER e ON ddl_command_start EXECUTE FUNCTION s.f()", []),
    ("CREATE EVENT TRIGGER e ON ddl_command_end WHEN TAG IN ('CREATE TABLE') EXECUTE FUNCTION s.f()", []),
    ("CREATE EVENT TRIGGER e ON sql_drop EXECUTE FUNCTION s.f()", []),
    # COMMENT ON every object kind
    ("COMMENT ON TABLE o.t IS 'x'", [("o.t", D)]),
    ("COMMENT ON VIEW o.v IS 'x'", [("o.v", D)]),
    ("COMMENT ON MATERIALIZED VIEW o.v IS 'x'", [("o.v", D)]),
    ("COMMENT ON COLUMN o.t.c IS 'x'", [("o.t", D)]),
    ("COMMENT ON TRIGGER tr ON o.t IS 'x'", [("o.t", D)]),
    ("COMMENT ON POLICY p ON o.t IS 'x'", [("o.t", D)]),
    ("COMMENT ON RULE r ON o.t IS 'x'", [("o.t", D)]),
    ("COMMENT ON CONSTRAINT c ON o.t IS 'x'", [("o.t", D)]),
    ("COMMENT ON EXTENSION pg_trgm IS 'x'", []),
    ("COMMENT ON EVENT TRIGGER e IS 'x'", []),
    ("COMMENT ON TYPE s.k IS 'x'", []),
    ("COMMENT ON DOMAIN s.k IS 'x'", []),
    ("COMMENT ON INDEX s.i IS 'x'", []),
    ("COMMENT ON SCHEMA s IS 'x'", []),
    ("COMMENT ON FUNCTION s.f(text) IS 'x'", []),
    ("COMMENT ON SEQUENCE s.q IS 'x'", []),
    ("COMMENT ON TABLESPACE fast IS 'x'", []),
    # CREATE EXTENSION / TYPE / DOMAIN
    ("CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public", []),
    ("CREATE TYPE s.k AS ENUM ('a', 'b')", []),
    ("CREATE TYPE s.r AS (a int, b interval)", []),
    ("CREATE DOMAIN s.d AS text CHECK (VALUE ~ '^[a-z]+$')", []),
    # CREATE / ALTER / DROP POLICY: the table, and what its expression reads
    ("CREATE POLICY p ON o.t FOR SELECT USING (g IN (SELECT g FROM o.m WHERE u = 1))", [("o.t", D), ("o.m", R)]),
    ("ALTER POLICY p ON o.t RENAME TO q", [("o.t", D)]),
    ("DROP POLICY p ON o.t", [("o.t", D)]),
    # GRANT / REVOKE: tables only
    ("GRANT SELECT ON o.t, o.u TO r", [("o.t", D), ("o.u", D)]),
    ("REVOKE ALL ON o.t FROM public", [("o.t", D)]),
    ("GRANT USAGE ON SCHEMA s TO r", []),
    ("GRANT USAGE, SELECT ON SEQUENCE s.q TO r", []),
    ("GRANT EXECUTE ON FUNCTION s.f(text, jsonb) TO r", []),
    ("GRANT USAGE ON TYPE s.k TO r", []),
    ("GRANT ALL ON TABLESPACE fast TO r", []),
    ("GRANT SELECT ON LARGE OBJECT 1 TO r", []),
]


@pytest.mark.parametrize("sql,expected", FORMS, ids=lambda v: v[:60] if isinstance(v, str) else None)
def test_ddl_forms_name_tables_only(sql, expected):
    found = sorted((r.table.qualified(), r.operation.label) for r in analyze_sql(sql).refs)
    assert found == sorted(expected)


@pytest.mark.parametrize("sql,expected", [f for f in FORMS if f[0].startswith(("COMMENT", "GRANT ALL ON TABLESPACE"))])
def test_the_token_scan_agrees_where_sqlglot_gives_up(sql, expected):
    """Behind a hole the parse fails and the scan decides: same tables."""
    text = sql + " bl_hole_0 ("
    found = sorted((r.table.qualified(), r.operation.label) for r in analyze_sql(text).refs)
    assert found == sorted(expected)
