"""SQL text -> table references (boundary_lint.sql.refs), driven by data.

Each case is ``(sql, expected)``; ``expected`` lists ``(needle, table, op)``:
``needle`` is the text the reference's offset must point at (``"s.t#2"`` = its
second occurrence), ``table`` is ``schema.name`` with dynamic parts in braces
(``"{bl_hole_0}.orders"``). Larger inputs live in ``tests/sql_cases/*.sql``.
"""

from __future__ import annotations

import doctest
import logging
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from boundary_lint.sql import refs as sql_refs, scan as sql_scan, split as sql_split
from boundary_lint.model import Operation, TableRef
from boundary_lint.model import fingerprint
from boundary_lint.sql.refs import analyze_sql

CASES_DIR = Path(__file__).parents[1] / "sql_cases"


def offset_of(sql: str, needle: str) -> int:
    needle, _, nth = needle.partition("#")
    pos = -1
    for _ in range(int(nth or 1)):
        pos = sql.index(needle, pos + 1)
    return pos


def render(ref) -> tuple:
    t = ref.table
    schema = None if t.schema is None else ("{%s}" % t.schema if t.schema_is_dynamic else t.schema)
    name = "{%s}" % t.name if t.name_is_dynamic else t.name
    return (ref.offset, f"{schema}.{name}" if schema else name, ref.operation.label)


def expected(sql: str, items) -> list:
    return sorted((offset_of(sql, needle), table, op) for needle, table, op in items)


def check(sql: str, items, parsed: bool = True):
    a = analyze_sql(sql)
    assert sorted(render(r) for r in a.refs) == expected(sql, items), a.notices
    assert a.parsed is parsed, a.notices
    if parsed:
        assert a.notices == ()
    assert [r.offset for r in a.refs] == sorted(r.offset for r in a.refs)
    return a


R, W, F, D = "read", "write", "fk", "ddl"

# ---------------------------------------------------------------------------
# One statement each: every operation and statement kind.
# ---------------------------------------------------------------------------
STATEMENTS = [
    # a temporary table is the session's own (pg_temp), not the search path's
    ("CREATE TEMP TABLE scratch (id int)", [("scratch", "pg_temp.scratch", D)]),
    ("CREATE GLOBAL TEMPORARY TABLE g (a int)", [("g", "pg_temp.g", D)]),
    ("SELECT a INTO TEMP t3 FROM public.b", [("t3", "pg_temp.t3", W), ("public.b", "public.b", R)]),
    ("CREATE TABLE temp_x (a int)", [("temp_x", "temp_x", D)]),
    # reads: FROM, JOIN, aliases, subquery, lateral, TABLE, case, quotes, catalog
    ("SELECT s.id FROM public.strategy s JOIN public.portfolio AS p ON p.sid = s.id",
     [("public.strategy", "public.strategy", R), ("public.portfolio", "public.portfolio", R)]),
    ("SELECT * FROM orders.o WHERE sid IN (SELECT id FROM public.strategy WHERE x > 1)",
     [("orders.o", "orders.o", R), ("public.strategy", "public.strategy", R)]),
    ("SELECT * FROM order_service.orders o, LATERAL (SELECT * FROM public.fills f WHERE f.oid = o.id) x",
     [("order_service.orders", "order_service.orders", R), ("public.fills", "public.fills", R)]),
    ("SELECT * FROM a.t WHERE EXISTS (SELECT 1 FROM b.u WHERE u.id = t.id)",
     [("a.t", "a.t", R), ("b.u", "b.u", R)]),
    ("TABLE public.strategy", [("public.strategy", "public.strategy", R)]),
    ("SELECT * FROM strategy", [("strategy", "strategy", R)]),
    ("SELECT * FROM PUBLIC.Strategy", [("PUBLIC.Strategy", "public.strategy", R)]),
    ('SELECT * FROM "Public"."StrategyX"', [('"Public"', "Public.StrategyX", R)]),
    ('SELECT * FROM public."Strategy" JOIN "orders" o USING (id)',
     [("public.", "public.Strategy", R), ('"orders"', "orders", R)]),
    ("SELECT * FROM proddb.public.strategy", [("proddb.public", "public.strategy", R)]),
    ("SELECT * FROM ONLY public.strategy", [("public.strategy", "public.strategy", R)]),
    ("SELECT a FROM public.t WHERE EXTRACT(YEAR FROM ts) = 2024 AND x IS DISTINCT FROM y",
     [("public.t", "public.t", R)]),
    ("SELECT * FROM generate_series(1, 3) g, unnest(:arr) u(x)", []),
    ("SELECT * FROM public.t FOR UPDATE OF t SKIP LOCKED", [("public.t", "public.t", R)]),
    ("Select the strategy from public.strategy menu", [("public.strategy", "public.strategy", R)]),
    # writes
    ("INSERT INTO public.portfolio (id, name) VALUES (:id, :name) "
     "ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name RETURNING id",
     [("public.portfolio", "public.portfolio", W)]),
    ("INSERT INTO public.portfolio AS p (id) VALUES (1) ON CONFLICT ON CONSTRAINT pk DO NOTHING",
     [("public.portfolio", "public.portfolio", W)]),
    ("INSERT INTO order_service.archive SELECT * FROM public.strategy WHERE done",
     [("order_service.archive", "order_service.archive", W), ("public.strategy", "public.strategy", R)]),
    ("INSERT INTO public.t SELECT * FROM public.t",  # same table twice, both kept
     [("public.t", "public.t", W), ("public.t#2", "public.t", R)]),
    ("UPDATE public.kite_accounts ka SET token = ta.token FROM user_service.trading_accounts ta "
     "WHERE ka.id = ta.id",
     [("public.kite_accounts", "public.kite_accounts", W),
      ("user_service.trading_accounts", "user_service.trading_accounts", R)]),
    ("UPDATE public.strategy SET name = $1 WHERE id = $2 RETURNING *",
     [("public.strategy", "public.strategy", W)]),
    ("DELETE FROM public.portfolio WHERE id IN (SELECT pid FROM order_service.gone)",
     [("public.portfolio", "public.portfolio", W), ("order_service.gone", "order_service.gone", R)]),
    ("DELETE FROM order_service.o USING public.strategy s WHERE o.sid = s.id",
     [("order_service.o", "order_service.o", W), ("public.strategy", "public.strategy", R)]),
    ("MERGE INTO public.portfolio p USING staging.portfolio s ON p.id = s.id "
     "WHEN MATCHED THEN UPDATE SET name = s.name WHEN NOT MATCHED THEN INSERT (id) VALUES (s.id)",
     [("public.portfolio", "public.portfolio", W), ("staging.portfolio", "staging.portfolio", R)]),
    ("TRUNCATE TABLE public.a, public.b RESTART IDENTITY",
     [("public.a", "public.a", W), ("public.b", "public.b", W)]),
    ("TRUNCATE public.c", [("public.c", "public.c", W)]),
    ("COPY public.strategy (id, name) FROM STDIN WITH (FORMAT csv)", [("public.strategy", "public.strategy", W)]),
    ("COPY public.strategy TO STDOUT", [("public.strategy", "public.strategy", R)]),
    ("COPY (SELECT * FROM public.strategy) TO '/tmp/s.csv'", [("public.strategy", "public.strategy", R)]),
    ("SELECT * INTO public.snapshot FROM public.strategy",
     [("public.snapshot", "public.snapshot", W), ("public.strategy", "public.strategy", R)]),
    ("WITH moved AS (DELETE FROM public.queue RETURNING *) INSERT INTO order_service.done SELECT * FROM moved",
     [("public.queue", "public.queue", W), ("order_service.done", "order_service.done", W)]),
    # foreign keys
    ("CREATE TABLE order_service.o (id int, sid int REFERENCES public.strategy(id), "
     "pid int, FOREIGN KEY (pid) REFERENCES public.portfolio (id) ON DELETE CASCADE)",
     [("order_service.o", "order_service.o", D), ("public.strategy", "public.strategy", F),
      ("public.portfolio", "public.portfolio", F)]),
    ("ALTER TABLE order_service.o ADD CONSTRAINT fk_s FOREIGN KEY (sid) REFERENCES public.strategies(id)",
     [("order_service.o", "order_service.o", D), ("public.strategies", "public.strategies", F)]),
    ('ALTER TABLE ONLY order_service.o ADD CONSTRAINT fk FOREIGN KEY (a) REFERENCES "Auth"."Users"("ID")',
     [("order_service.o", "order_service.o", D), ('"Auth"', "Auth.Users", F)]),
    # dropping a foreign key is the fix: nothing at all
    ("ALTER TABLE public.orders DROP CONSTRAINT fk_orders_strategy", []),
    ("ALTER TABLE ONLY public.orders DROP CONSTRAINT IF EXISTS fk_orders_strategy", []),
    # ddl
    ("CREATE TABLE public.strategy (id serial PRIMARY KEY)", [("public.strategy", "public.strategy", D)]),
    ("CREATE TABLE IF NOT EXISTS order_service.copy (LIKE public.strategy INCLUDING ALL)",
     [("order_service.copy", "order_service.copy", D), ("public.strategy", "public.strategy", R)]),
    ("CREATE TABLE order_service.p1 PARTITION OF public.fills FOR VALUES IN (1)",
     [("order_service.p1", "order_service.p1", D), ("public.fills", "public.fills", D)]),
    ("CREATE TABLE order_service.tmp AS SELECT * FROM public.strategy",
     [("order_service.tmp", "order_service.tmp", D), ("public.strategy", "public.strategy", R)]),
    ("CREATE VIEW order_service.v_strat AS SELECT id, name FROM public.strategy",
     [("order_service.v_strat", "order_service.v_strat", D), ("public.strategy", "public.strategy", R)]),
    ("CREATE OR REPLACE VIEW rpt.v (a) AS WITH q AS (SELECT 1 AS a FROM public.strategy) SELECT a FROM q",
     [("rpt.v", "rpt.v", D), ("public.strategy", "public.strategy", R)]),
    ("CREATE MATERIALIZED VIEW rpt.mv AS SELECT 1 FROM public.portfolio",
     [("rpt.mv", "rpt.mv", D), ("public.portfolio", "public.portfolio", R)]),
    ("CREATE INDEX ix_s_name ON public.strategy (name)", [("public.strategy", "public.strategy", D)]),
    ("CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS ix ON public.strategy USING btree (lower(name))",
     [("public.strategy", "public.strategy", D)]),
    ("CREATE TRIGGER trg AFTER INSERT ON public.strategy FOR EACH ROW EXECUTE FUNCTION audit.f()",
     [("public.strategy", "public.strategy", D)]),
    ("ALTER TABLE public.strategy ADD COLUMN note text", [("public.strategy", "public.strategy", D)]),
    ("ALTER TABLE public.strategy RENAME TO strategies", [("public.strategy", "public.strategy", D)]),
    ("ALTER TABLE public.strategy ENABLE ROW LEVEL SECURITY", [("public.strategy", "public.strategy", D)]),
    ("DROP TABLE IF EXISTS public.a, public.b CASCADE", [("public.a", "public.a", D), ("public.b", "public.b", D)]),
    ("DROP VIEW public.v_strategy", [("public.v_strategy", "public.v_strategy", D)]),
    ("GRANT SELECT, UPDATE ON public.strategy TO order_service_user",
     [("public.strategy", "public.strategy", D)]),
    ("GRANT SELECT ON TABLE public.strategy, public.portfolio TO reporting",
     [("public.strategy", "public.strategy", D), ("public.portfolio", "public.portfolio", D)]),
    ("REVOKE ALL ON TABLE public.strategy FROM order_service_user", [("public.strategy", "public.strategy", D)]),
    ("COMMENT ON TABLE public.strategy IS 'owned by algo_engine'", [("public.strategy", "public.strategy", D)]),
    ("COMMENT ON COLUMN public.strategy.name IS 'x'", [("public.strategy", "public.strategy", D)]),
    ("COMMENT ON COLUMN strategy.name IS 'x'", [("strategy", "strategy", D)]),
    # not tables: schemas, sequences, types, functions, indexes, roles
    ("CREATE SCHEMA order_service", []),
    ("DROP SCHEMA order_service CASCADE", []),
    ("CREATE SEQUENCE public.strategy_id_seq", []),
    ("DROP INDEX public.ix_strategy_name", []),
    ("DROP FUNCTION public.f(int)", []),
    ("GRANT USAGE ON SCHEMA public TO order_service_user", []),
    ("GRANT SELECT ON ALL TABLES IN SCHEMA public TO reporting", []),
    ("GRANT reporting TO alice", []),
    ("SELECT nextval('public.strategy_id_seq')", []),
    # commands
    ("SET search_path = order_service, public", []),
    ("VACUUM ANALYZE public.strategy", []),
    ("CALL public.refresh_all()", []),
    ("REFRESH MATERIALIZED VIEW CONCURRENTLY rpt.mv", [("rpt.mv", "rpt.mv", R)]),
    ("LOCK TABLE public.strategy IN ACCESS EXCLUSIVE MODE", [("public.strategy", "public.strategy", W)]),
    ("EXPLAIN (ANALYZE, BUFFERS) SELECT * FROM public.strategy", [("public.strategy", "public.strategy", R)]),
    ("EXPLAIN ANALYZE DELETE FROM public.portfolio", [("public.portfolio", "public.portfolio", W)]),
    ("PREPARE q (int) AS SELECT * FROM public.strategy WHERE id = $1", [("public.strategy", "public.strategy", R)]),
    ("DECLARE cur NO SCROLL CURSOR WITH HOLD FOR SELECT * FROM public.strategy",
     [("public.strategy", "public.strategy", R)]),
    ("(SELECT id FROM public.a) UNION ALL (SELECT id FROM public.b)",
     [("public.a", "public.a", R), ("public.b", "public.b", R)]),
]

# CTE names and aliases are not tables; scoping follows PostgreSQL.
CTES = [
    ("WITH strategy AS (SELECT * FROM public.strategy WHERE active) "
     "SELECT * FROM strategy s JOIN public.strategy ps ON ps.id = s.id",
     [("public.strategy", "public.strategy", R), ("public.strategy#2", "public.strategy", R)]),
    ('WITH "Strategy" AS (SELECT 1) SELECT * FROM "Strategy", strategy',
     [("strategy", "strategy", R)]),  # quoted CTE name does not hide the unquoted table
    ("WITH orders AS (SELECT * FROM orders WHERE open) SELECT * FROM orders",
     [("orders WHERE", "orders", R)]),  # a CTE's own body sees the real table
    ("WITH a AS (SELECT * FROM b), b AS (SELECT 1) SELECT * FROM a, b",
     [("b)", "b", R)]),  # later CTEs are not visible to earlier ones
    ("WITH RECURSIVE tree AS (SELECT id FROM public.nodes UNION ALL "
     "SELECT n.id FROM public.nodes n JOIN tree t ON n.parent = t.id) SELECT * FROM tree",
     [("public.nodes", "public.nodes", R), ("public.nodes#2", "public.nodes", R)]),
    ("SELECT * FROM public.a WHERE id IN (WITH q AS (SELECT id FROM public.b) SELECT id FROM q)",
     [("public.a", "public.a", R), ("public.b", "public.b", R)]),
    ("SELECT * FROM q WHERE EXISTS (WITH q AS (SELECT 1) SELECT * FROM q)",
     [("q WHERE", "q", R)]),  # a CTE in a subquery does not hide the outer table
    ("WITH src AS (SELECT * FROM public.strategy) INSERT INTO order_service.copy SELECT * FROM src",
     [("public.strategy", "public.strategy", R), ("order_service.copy", "order_service.copy", W)]),
    ("WITH src AS (SELECT 1 AS id) UPDATE public.strategy s SET x = 1 FROM src WHERE s.id = src.id",
     [("public.strategy", "public.strategy", W)]),
]

# Every paramstyle, and casts and JSON glued onto them.
PARAMSTYLES = [
    "SELECT * FROM public.strategy WHERE id = :id",
    "SELECT * FROM public.strategy WHERE id = %s",
    "SELECT * FROM public.strategy WHERE id = %(id)s",
    "SELECT * FROM public.strategy WHERE id = $1",
    "SELECT * FROM public.strategy WHERE id = ?",
    "SELECT * FROM public.strategy WHERE id = :id::uuid AND at > '12:30'",
    "SELECT * FROM public.strategy WHERE meta = %(meta)s::jsonb",
    "SELECT * FROM public.strategy WHERE meta @> '{\"owner\": \":owner\", \"n\": \"%s\"}'::jsonb",
    "SELECT * FROM public.strategy WHERE id = ANY(:ids) AND x IN (:a, :b)",
    "SELECT * FROM public.strategy WHERE id = $1::int AND name = $2",
]

# Table names known only at run time: placeholders and f-string holes.
DYNAMIC = [
    ("SELECT * FROM %s", [("%s", "{%s}", R)]),
    ("SELECT * FROM :tbl t WHERE t.id = :id", [(":tbl", "{:tbl}", R)]),
    ("SELECT * FROM %(table)s", [("%(table)s", "{%(table)s}", R)]),
    ("SELECT 1 FROM a.x JOIN $1 ON true", [("a.x", "a.x", R), ("$1", "{$1}", R)]),
    ("DELETE FROM ? WHERE id = ?", [("? WHERE", "{?}", W)]),
    ("SELECT * FROM public.%(t)s", [("public.", "public.{%(t)s}", R)]),
    ("SELECT * FROM bl_hole_0.orders", [("bl_hole_0", "{bl_hole_0}.orders", R)]),
    ("INSERT INTO public.bl_hole_1 (a) VALUES (1)", [("public.", "public.{bl_hole_1}", W)]),
    ("SELECT * FROM public.orders_bl_hole_2", [("public.", "public.{orders_bl_hole_2}", R)]),
    ('SELECT * FROM "bl_hole_0".orders', [('"bl_hole_0"', "{bl_hole_0}.orders", R)]),
]

# A hole that is a whole fragment: parses directly or after a retry, no notice.
FRAGMENT_HOLES = [
    ("SELECT * FROM public.strategy WHERE bl_hole_0", [("public.strategy", "public.strategy", R)]),
    ("SELECT * FROM public.strategy WHERE bl_hole_0 bl_hole_1", [("public.strategy", "public.strategy", R)]),
    ("SELECT * FROM public.strategy bl_hole_0 bl_hole_1", [("public.strategy", "public.strategy", R)]),
    ("SELECT id FROM public.strategy WHERE a = 1 bl_hole_0 ORDER BY id",
     [("public.strategy", "public.strategy", R)]),
    ("SELECT id FROM bl_hole_0 WHERE a = 1 bl_hole_1", [("bl_hole_0", "{bl_hole_0}", R)]),
    ("UPDATE public.strategy SET bl_hole_0 WHERE id = :id", [("public.strategy", "public.strategy", W)]),
]


@pytest.mark.parametrize("sql,items", STATEMENTS + CTES + DYNAMIC + FRAGMENT_HOLES,
                         ids=lambda v: v[:70] if isinstance(v, str) else None)
def test_statement(sql, items):
    a = check(sql, items)
    assert a.statements == 1
    assert {r.statement_offset for r in a.refs} <= {0}


@pytest.mark.parametrize("sql", PARAMSTYLES)
def test_paramstyles(sql):
    check(sql, [("public.strategy", "public.strategy", R)])


# ---------------------------------------------------------------------------
# Multi-statement text, splitting, offsets, fingerprints.
# ---------------------------------------------------------------------------
def test_statements_split_on_semicolons_outside_quotes_and_comments():
    sql = ("-- header; with a semicolon\n"
           "SELECT ';' AS a, $$;$$ AS b, E'\\';' AS c FROM s.t /* ; FROM x.y */ ;\n"
           "  ;\n"
           "SELECT $tag$ ; FROM no.table $tag$ FROM \"we;ird\".u -- ; FROM z.z\n")
    a = check(sql, [("s.t", "s.t", R), ('"we;ird"', "we;ird.u", R)])
    assert a.statements == 2
    assert [r.statement_offset for r in a.refs] == [sql.index("SELECT ';'"), sql.index("SELECT $tag$")]


def test_fingerprint_ignores_whitespace_and_case_and_tracks_the_statement():
    a = analyze_sql("SELECT *\n  FROM public.strategy;\ndelete from public.portfolio")
    b = analyze_sql("  select * from   PUBLIC.strategy  ;DELETE FROM public.portfolio")
    assert [r.statement_fingerprint for r in a.refs] == [r.statement_fingerprint for r in b.refs]
    assert a.refs[0].statement_fingerprint != a.refs[1].statement_fingerprint
    assert len(a.refs[0].statement_fingerprint) == 16
    assert fingerprint("SELECT  1") == fingerprint("select 1")


def test_one_broken_statement_does_not_hide_the_others():
    sql = "SELECT 1 FROM a.x; SELEC broken FROM b.y JOIN c.z ON 1; DELETE FROM d.w"
    a = check(sql, [("a.x", "a.x", R), ("b.y", "b.y", R), ("c.z", "c.z", R), ("d.w", "d.w", W)], parsed=False)
    assert a.statements == 3
    assert len(a.notices) == 1
    assert a.notices[0].startswith("statement at offset %d could not be parsed by sqlglot (" % sql.index("SELEC "))
    assert a.notices[0].endswith("; scanned for table names instead")
    assert [r.statement_offset for r in a.refs] == [0, 19, 19, sql.index("DELETE")]


# ---------------------------------------------------------------------------
# The fallback token scan.
# ---------------------------------------------------------------------------
FALLBACK = [
    ("SELECT * FROM public.strategy WHERE id = :1", [("public.strategy", "public.strategy", R)]),
    ("SELEC a, b FROM public.strategy s, public.portfolio p LEFT JOIN \"X\".\"Y\" ON true WHERE s = 'FROM q.q'",
     [("public.strategy", "public.strategy", R), ("public.portfolio", "public.portfolio", R),
      ('"X"', "X.Y", R)]),
    ("INSERT INTO public.portfolio (a, b) VALUES (:1, :2) RETURNING id",
     [("public.portfolio", "public.portfolio", W)]),
    ("UPDATE public.strategy SET x = EXTRACT(YEAR FROM ts) WHERE id = :1",
     [("public.strategy", "public.strategy", W)]),
    ("DELETE FROM ONLY public.strategy WHERE id = :1", [("public.strategy", "public.strategy", W)]),
    ("CREATE INDEX ix ON ONLY public.strategy (name)", [("public.strategy", "public.strategy", D)]),
    ("DROP TABLE IF EXISTS public.a, b CASCADE :1", [("public.a", "public.a", D), ("b CASCADE", "b", D)]),
    ("SELECT * FROM public.strategy FOR UPDATE SKIP LOCKED WHERE :1", [("public.strategy", "public.strategy", R)]),
    ("SELECT * FROM %s WHERE :1", [("%s", "{%s}", R)]),
    ("SELECT * FROM bl_hole_0.orders WHERE :1", [("bl_hole_0", "{bl_hole_0}.orders", R)]),
    ("this is not sql at all, from here on", [("here", "here", R)]),
]


@pytest.mark.parametrize("sql,items", FALLBACK, ids=lambda v: v[:60] if isinstance(v, str) else None)
def test_fallback_scan(sql, items):
    a = check(sql, items, parsed=False)
    assert len(a.notices) == 1 and "scanned for table names instead" in a.notices[0]


# The scanner on its own (it also reads the DDL that sqlglot keeps as an opaque Command).
SCAN = [
    ("CREATE TABLE order_service.o (sid int REFERENCES public.strategy (id) ON UPDATE CASCADE)",
     [("order_service.o", "order_service.o", D), ("public.strategy", "public.strategy", F)]),
    ("CREATE TEMP TABLE tmp ON COMMIT DROP AS SELECT * FROM public.strategy",
     [("tmp", "pg_temp.tmp", D), ("public.strategy", "public.strategy", R)]),
    ("CREATE POLICY p ON public.strategy USING (owner = current_user)", [("public.strategy", "public.strategy", D)]),
    ("CREATE TRIGGER t BEFORE UPDATE OF a ON public.strategy EXECUTE FUNCTION f()",
     [("public.strategy", "public.strategy", D)]),
    ("ALTER TABLE public.strategy ALTER COLUMN x TYPE int USING x::int", [("public.strategy", "public.strategy", D)]),
    ("ALTER TABLE public.orders DROP CONSTRAINT fk", []),
    ("ALTER TABLE public.orders DROP CONSTRAINT fk, ADD CONSTRAINT fk2 FOREIGN KEY (a) REFERENCES public.s (id)",
     [("public.orders", "public.orders", D), ("public.s", "public.s", F)]),
    ("TRUNCATE TABLE ONLY public.a, public.b *", [("public.a", "public.a", W), ("public.b", "public.b", W)]),
    ("LOCK public.a, public.b IN SHARE MODE", [("public.a", "public.a", W), ("public.b", "public.b", W)]),
    ("COPY public.strategy (a) FROM STDIN", [("public.strategy", "public.strategy", W)]),
    ("COPY public.strategy TO STDOUT", [("public.strategy", "public.strategy", R)]),
    ("COPY (SELECT * FROM public.strategy) TO STDOUT", [("public.strategy", "public.strategy", R)]),
    ("INSERT INTO public.t (a) SELECT a FROM public.u ON CONFLICT DO UPDATE SET a = 1",
     [("public.t", "public.t", W), ("public.u", "public.u", R)]),
    ("MERGE INTO public.t USING public.u ON true", [("public.t", "public.t", W), ("public.u", "public.u", R)]),
    ("SELECT * INTO TEMP snap FROM public.u", [("snap", "pg_temp.snap", W), ("public.u", "public.u", R)]),
    ("INSERT INTO snap SELECT 1", [("snap", "snap", W)]),  # a table the statement does not create
    ("SELECT substring(a FROM 2), trim(both FROM b), x IS DISTINCT FROM y FROM public.t",
     [("public.t", "public.t", R)]),
    ("SELECT * FROM generate_series(1, 2), public.t AS x, LATERAL (SELECT 1) y", [("public.t", "public.t", R)]),
    ("GRANT SELECT, UPDATE, REFERENCES ON public.a, TABLE public.b TO x",
     [("public.a", "public.a", D), ("public.b", "public.b", D)]),
    ("REVOKE ALL ON ALL TABLES IN SCHEMA public FROM x", []),
    ("COMMENT ON COLUMN public.strategy.name IS 'FROM x.y'", [("public.strategy", "public.strategy", D)]),
    ("COMMENT ON CONSTRAINT fk ON public.strategy IS 'x'", [("public.strategy", "public.strategy", D)]),
    ("REFRESH MATERIALIZED VIEW rpt.mv", [("rpt.mv", "rpt.mv", R)]),
    ("CREATE MATERIALIZED VIEW rpt.mv AS SELECT 1 FROM public.t WITH NO DATA",
     [("rpt.mv", "rpt.mv", D), ("public.t", "public.t", R)]),
    ("SELECT * FROM :tbl JOIN $1 ON true JOIN %(t)s ON true, ?",
     [(":tbl", "{:tbl}", R), ("$1", "{$1}", R), ("%(t)s", "{%(t)s}", R)]),
    ('SELECT * FROM "My ""Q"" T".x, public.orders_bl_hole_3',
     [('"My', 'My "Q" T.x', R), ("public.orders", "public.{orders_bl_hole_3}", R)]),
    ("SELECT * FROM a.b.c -- FROM d.e\n WHERE x = 'JOIN f.g' /* UPDATE h.i */", [("a.b.c", "b.c", R)]),
]


@pytest.mark.parametrize("sql,items", SCAN, ids=lambda v: v[:60] if isinstance(v, str) else None)
def test_scan_tables(sql, items):
    found = sql_scan.scan_tables(sql, sql_split.mask(sql), base=100)
    got = sorted(render(TableRef(o - 100, t, op)) for o, t, op in found)
    assert got == expected(sql, items)


def test_fallback_scan_can_be_switched_off():
    a = analyze_sql("SELECT * FROM public.strategy WHERE id = :1; SELECT 1 FROM a.b", fallback_scan=False)
    assert [r.table.qualified() for r in a.refs] == ["a.b"]
    assert not a.parsed
    assert a.notices == ("statement at offset 0 could not be parsed by sqlglot (Required keyword "
                         "missing); no table names reported",)


def test_statement_over_max_chars_is_scanned_not_parsed():
    sql = "SELECT * FROM public.strategy WHERE id IN (%s)" % ", ".join(["1"] * 50)
    a = analyze_sql(sql, max_statement_chars=100)
    assert [render(r) for r in a.refs] == [(14, "public.strategy", R)]
    assert not a.parsed and "max_statement_chars=100" in a.notices[0]


def test_unknown_dialect_is_a_notice_not_a_crash():
    a = analyze_sql("SELECT * FROM public.strategy", dialect="no_such_dialect")
    assert [render(r) for r in a.refs] == [(14, "public.strategy", R)]
    assert not a.parsed and "unknown dialect" in a.notices[0]


def test_other_dialect():
    a = analyze_sql("SELECT * FROM `shop`.`Orders` o JOIN users u ON u.id = o.uid", dialect="mysql")
    assert [render(r) for r in a.refs] == [(14, "shop.Orders", R), (37, "users", R)]


# ---------------------------------------------------------------------------
# Files: DO blocks, function bodies, a 30-line JOIN, a broken migration.
# ---------------------------------------------------------------------------
FILES = {
    "migration_do_block.sql": dict(statements=4, parsed=True, refs=[
        ("order_service.orders (\n", "order_service.orders", D),
        ("information_schema", "information_schema.table_constraints", R),
        ("order_service.orders\n            ADD", "order_service.orders", D),
        ("public.strategy (id)", "public.strategy", F),
        ("order_service.orders (strategy_id)", "order_service.orders", D),
        ("order_service.orders.strategy_id", "order_service.orders", D),
    ]),
    "function_body.sql": dict(statements=1, parsed=True, refs=[
        ("public.portfolio", "public.portfolio", R),
        ("order_service.portfolio_cache (user_id", "order_service.portfolio_cache", W),
        ("public.strategy s", "public.strategy", R),
        ("public.strategy_portfolio", "public.strategy_portfolio", W),
        ("public.audit", "public.audit", W),  # EXECUTE 'constant SQL' runs that SQL
        ("order_service.portfolio_cache)", "order_service.portfolio_cache", R),
    ]),
    "long_join.sql": dict(statements=1, parsed=True, refs=[
        ("order_service.orders", "order_service.orders", R),
        ("public.strategy s", "public.strategy", R),
        ("public.strategy_portfolio", "public.strategy_portfolio", R),
        ("public.portfolio", "public.portfolio", R),
        ("public.kite_accounts", "public.kite_accounts", R),
        ("user_service.trading_accounts", "user_service.trading_accounts", R),
        ("market_data.instrument_registry", "market_data.instrument_registry", R),
        ("auth_service.v_users", "auth_service.v_users", R),
    ]),
    "plpgsql_control.sql": dict(statements=1, parsed=True, refs=[
        ("public.cursor_src", "public.cursor_src", R),
        ("public.queue)", "public.queue", R),
        ("public.queue WHERE", "public.queue", W),
        ("public.queue);", "public.queue", R),
        ("public.strategy;", "public.strategy", R),
        ("public.flags", "public.flags", R),
        ("public.a SET", "public.a", W),
        ("public.b", "public.b", W),
        ("public.c;", "public.c", R),
        ("public.d", "public.d", W),
        ("public.e", "public.e", R),
        ("public.g", "public.g", R),
        ("public.h", "public.h", R),
        ("public.errors", "public.errors", W),
    ]),
    "broken_middle.sql": dict(statements=3, parsed=False, refs=[
        ("public.portfolio", "public.portfolio", W),
        ("public.strategy", "public.strategy", R),
        ("order_service.orders", "order_service.orders", W),
    ]),
}


@pytest.mark.parametrize("name", sorted(FILES))
def test_sql_files(name):
    sql = (CASES_DIR / name).read_text()
    want = FILES[name]
    a = check(sql, want["refs"], parsed=want["parsed"])
    assert a.statements == want["statements"]


def test_do_block_statement_offsets_point_into_the_body():
    sql = (CASES_DIR / "migration_do_block.sql").read_text()
    a = analyze_sql(sql)
    fk = next(r for r in a.refs if r.operation == Operation.FK)
    assert sql[fk.statement_offset:].startswith("ALTER TABLE order_service.orders")
    assert fk.statement_fingerprint == fingerprint(sql[fk.statement_offset:sql.index(";", fk.offset)])


def test_plpgsql_into_variables_are_not_writes():
    sql = ("DO $$ DECLARE n int; BEGIN SELECT count(*) INTO n FROM public.a; "
           "INSERT INTO public.b VALUES (1) RETURNING id INTO n; END $$")
    check(sql, [("public.a", "public.a", R), ("public.b", "public.b", W)])


def test_function_with_sql_language_body_and_single_quoted_body():
    sql = ("CREATE FUNCTION f() RETURNS int LANGUAGE sql AS $$ SELECT count(*) FROM public.a $$;\n"
           "CREATE PROCEDURE p() LANGUAGE sql AS $$ DELETE FROM public.b; INSERT INTO public.c VALUES (1) $$;\n"
           "CREATE FUNCTION g() RETURNS int AS 'SELECT 1 FROM public.d' LANGUAGE sql")
    a = check(sql, [("public.a", "public.a", R), ("public.b", "public.b", W), ("public.c", "public.c", W)])
    assert a.statements == 3


def test_broken_statement_inside_a_do_block_gets_a_notice_at_its_offset():
    sql = "DO $$ BEGIN SELECT x FROM public.a WHERE id = :1; RAISE NOTICE 'ok'; END $$"
    a = check(sql, [("public.a", "public.a", R)], parsed=False)
    assert a.notices[0].startswith("statement at offset %d " % sql.index("SELECT"))


# ---------------------------------------------------------------------------
# Robustness: never raises, no letters, sqlglot's logger left alone.
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("sql", ["", "   ", "1; 2; 3", ";;", "-- only a comment\n", "SELECT 'unterminated FROM x",
                                 "DO $$ BEGIN unterminated", "/* open comment", "(" * 3000 + "1" + ")" * 3000,
                                 "SELECT * FROM a WHERE x = '\x00'", "\"unterminated ident", "$1$2$$$"])
def test_odd_input_never_raises(sql):
    a = analyze_sql(sql)
    assert isinstance(a.refs, tuple) and isinstance(a.notices, tuple)


_TOKENS = ["SELECT", "FROM", "JOIN", "INTO", "UPDATE", "DELETE", "INSERT", "WITH", "AS", "DO", "$$", "$a$",
           "'", '"', ";", "(", ")", ",", ".", "--", "/*", "*/", "\n", "public", "t", "bl_hole_0", ":x", "%s",
           "$1", "?", "::", "CREATE", "TABLE", "ALTER", "DROP", "CONSTRAINT", "REFERENCES", "ON", "IF",
           "THEN", "END", "BEGIN", "E'", "\\", "COPY", "TO", "VALUES", "1", "=", "*", "USING"]


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.lists(st.sampled_from(_TOKENS), max_size=40))
def test_token_soup_never_raises_and_offsets_stay_in_range(tokens):
    sql = " ".join(tokens)
    a = analyze_sql(sql)
    for r in a.refs:
        assert 0 <= r.offset < len(sql)
        assert 0 <= r.statement_offset <= r.offset


def test_sqlglot_warnings_are_silenced_without_leaking_state(caplog):
    logger = logging.getLogger("sqlglot")
    filters, level = list(logger.filters), logger.level
    with caplog.at_level(logging.WARNING, logger="sqlglot"):
        analyze_sql("ALTER TABLE public.strategy ENABLE ROW LEVEL SECURITY; CREATE POLICY p ON public.t USING (1)")
    assert not [r for r in caplog.records if r.name == "sqlglot"]
    assert logger.filters == filters and logger.level == level


def test_no_letters_returns_quickly():
    assert analyze_sql("123 + 4; (5)") == sql_refs.SqlAnalysis((), True, (), 0)


@pytest.mark.parametrize("module", [sql_refs, sql_scan, sql_split])
def test_docstring_examples(module):
    result = doctest.testmod(module)
    assert result.failed == 0 and result.attempted > 0


def test_without_fallback_scan_opaque_commands_give_nothing():
    sql = "ALTER TABLE settings ENABLE ROW LEVEL SECURITY; LOCK TABLE public.a; SELECT 1 FROM public.b"
    assert [r.table.qualified() for r in analyze_sql(sql).refs] == ["settings", "public.a", "public.b"]
    a = analyze_sql(sql, fallback_scan=False)
    assert [r.table.qualified() for r in a.refs] == ["public.b"] and a.parsed and a.notices == ()


def test_execute_of_a_constant_string_in_a_body_is_analysed_and_dynamic_sql_is_not():
    sql = ("DO $$ BEGIN EXECUTE 'UPDATE public.a SET n = ''x'' WHERE id = 1'; "
           "EXECUTE 'DELETE FROM ' || quote_ident(t); EXECUTE format('DROP TABLE %I', t); END $$")
    a = check(sql, [("public.a", "public.a", W)])
    assert a.parsed and not a.notices
