"""A rewrite never changes behaviour: the corpus's call sites, run before and after ``fix``, agree.

tests/codemod/behaviour/ holds a consumer service (``orders_app``) whose
functions reach into other services' tables the ways real services do, a
legacy schema with seed data, the ownership registry, a fake conventional
owner built from ``fix``'s contract (fake_clients.py) and the harness.

Before: each site runs on a fresh seeded database with the driver it names
(``@site(driver, *calls)``); its return values and every table afterwards are
recorded. After: the corpus is copied, ``fix --assume-clients`` rewrites the
copy and writes its contract, the rewritten modules are imported with the
fake clients in place of the owners' clients, and each site runs again on a
fresh database. Every site must behave the same (return values of the same
kind, equal tables); the sites docs/fix.md says must stay SQL must have been
left, with a reason. The counts and each site whose verdict is not the
expected one are printed (every site with -v; BEHAVIOUR_CORPUS_REPORT=FILE
keeps the JSON report). tests/codemod/behaviour/README.md has the details.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import types
import uuid
from datetime import date, datetime, timezone
from decimal import Decimal
from pathlib import Path

import psycopg
import pytest
from psycopg.rows import dict_row

from example_pg import load_by_path, pg_cluster

HERE = Path(__file__).resolve().parent


harness = load_by_path("behaviour_corpus_harness", HERE / "behaviour" / "harness.py")
fake_clients = harness.load_fake_clients()

# Every test that needs a PostgreSQL cluster (deselect with -m "not postgres").
POSTGRES = pytest.mark.postgres

# On test_the_other_sites_are_rewritten only: remove it once fix rewrites every site this module
# does not list in MUST_REFUSE or UNDECIDED (and abandons no file).
# docs/fix.md says these stay SQL; the key is "module:function".
MUST_REFUSE = {
    "orders_app.services.strategy_reads:strategy_risk_score":
        "scalar_one_or_none() raises on a second row, a derived get_ method answers the first",
    "orders_app.services.strategy_reads:portfolio_name":
        "one_or_none() raises on a second row, a derived get_ method answers the first",
    "orders_app.services.strategy_reads:strategy_name_from_star":
        "row[1] on SELECT *: the projection gives no name for the index",
    "orders_app.services.strategy_reads:strategy_export_header":
        "row._fields: no dict equivalent among the uses docs/fix.md lists",
    "orders_app.services.strategy_reads:load_strategy_row":
        "a tuple Row leaves the function (returned); a dict is another object kind",
    "orders_app.services.strategy_reads:strategy_rows_for_account":
        "a list of tuple Rows leaves the function (returned)",
    "orders_app.services.strategy_reads:strategy_badge":
        "a tuple Row passed to another function",
    "orders_app.services.strategy_reads:order_with_strategy_name":
        "a JOIN: no conventional method, no explicit rewrite",
    "orders_app.services.strategy_reads:strategies_per_status":
        "GROUP BY / count(*): no conventional method",
    "orders_app.services.strategy_reads:portfolios_closed_before_cutover":
        "a cast of a literal ('2024-01-01'::date): a value the client cannot be given",
    "orders_app.services.accounts:margin_row":
        "the explicit rewrite's statement (returns `value or null`) read as a row (fetchrow)",
    "orders_app.services.order_placement:place_order_and_go_live":
        "a write inside `async with session.begin():` that also writes through SQL",
    "orders_app.services.order_placement:claim_strategy":
        "a write followed by commit() of the same session",
    "orders_app.services.order_placement:reset_strategy_pnl":
        "a decimal literal (0.00) in SET: a value the client cannot be given",
    "orders_app.services.order_placement:strategy_name_with_fallback":
        "SQL in `except ServiceError:` of a try that calls the same owner's client",
    "orders_app.services.accounts:deactivate_account":
        "a write inside `async with conn.transaction():` that also writes through SQL",
    "orders_app.jobs.instrument_sync:relist_instrument":
        "a write inside `with session.begin():` that also writes through SQL",
    "orders_app.jobs.risk_report:freeze_account":
        "a write inside `with conn.transaction():` that also writes through SQL",
    "orders_app.jobs.risk_report:limits_with_fallback":
        "SQL in `except ServiceError:` of a try that calls the same owner's (sync) client",
}

# docs/fix.md does not settle whether these are rewritten: either is accepted (the behaviour
# comparison still applies to them). Every other site is expected to be rewritten.
UNDECIDED = {
    "orders_app.jobs.risk_report:order_limits":
        "`a, b = row` on a cursor made without a row factory: the connection's factory decides whether "
        "unpacking gives values (tuple rows) or keys (dict_row), so fix leaves it",
    "orders_app.services.strategy_reads:strategy_ids_and_names":
        "`for a, b in rows` (unpacking in a for target) is not among the uses docs/fix.md lists",
    "orders_app.services.strategy_reads:strategy_display_name":
        "an alias (name AS display_name): a derived method's rows are keyed by `fields`, which name columns",
    "orders_app.services.strategy_reads:strategy_owner_account":
        "scalar_one() reads `value` (raises when none); a derived get_T_c returns `value or null`",
    "orders_app.services.strategy_reads:running_strategy_ids":
        "scalars().all() passed to list(): a call docs/fix.md neither allows (like len) nor forbids",
    "orders_app.services.positions:live_executions":
        "a list of dict_row rows returned: docs/fix.md names a mapping row, not a list of them",
    "orders_app.jobs.risk_report:limits_page":
        "a list of dict_row rows returned: docs/fix.md names a mapping row, not a list of them",
    "orders_app.services.strategy_reads:lot_size_for_order":
        "an async function calling a synchronous (awaitable = false) client",
    "orders_app.services.positions:move_capital":
        "a single write inside `async with conn.transaction():` with no other SQL write in the block",
    "orders_app.jobs.risk_report:create_limits":
        "INSERT ... RETURNING read with fetchone()[0]: a row read indexed at once, not a value read",
    "orders_app.jobs.instrument_sync:tradable_symbols":
        "scalars().all() returned as is (a list before and after)",
}


def expectations(sites):
    return {s.key: "must-refuse" if s.key in MUST_REFUSE else "undecided" if s.key in UNDECIDED else "rewritable"
            for s in sites}


# --------------------------------------------------------------------------
# fixtures


@pytest.fixture(scope="module")
def cluster():
    return pg_cluster.shared_cluster()


@pytest.fixture(scope="module")
def sites():
    return harness.discover(harness.CORPUS)


@pytest.fixture(scope="module", autouse=True)
def no_client_urls():
    """The corpus's real clients are never reachable: unconfigured, they raise ServiceError."""
    with pytest.MonkeyPatch.context() as patch:
        for name in harness.CLIENT_ENV:
            patch.delenv(name, raising=False)
        yield


@pytest.fixture(scope="module")
def seeded(cluster):
    """The snapshot of a freshly seeded database (what every site starts from)."""
    databases = harness.Databases(cluster)
    try:
        databases.fresh()
        first = harness.snapshot(databases.dsn)
        with psycopg.connect(databases.dsn) as conn:  # dirty it, then check that fresh() puts it back
            conn.execute("DELETE FROM public.strategy WHERE strategy_id = 1")
            conn.execute("INSERT INTO orders.order_events (kind) VALUES ('x')")
        databases.fresh()
        again = harness.snapshot(databases.dsn)
    finally:
        databases.close()
    return first, again


@pytest.fixture(scope="module")
def before(cluster, sites):
    databases = harness.Databases(cluster)
    try:
        return harness.run_all(harness.CORPUS, sites, databases)
    finally:
        databases.close()


@pytest.fixture(scope="module")
def fixed(tmp_path_factory):
    originals = {p: p.stat().st_mtime_ns for p in harness.CORPUS.rglob("*")
                 if p.is_file() and "__pycache__" not in p.parts}
    run = harness.fix_a_copy(tmp_path_factory.mktemp("behaviour") / "corpus")
    assert {p: p.stat().st_mtime_ns for p in originals} == originals, "fix touched the corpus itself"
    return run


class _Comparison:
    """The after-run, made once, on first use inside a test (so a failure is that test's failure)."""

    def __init__(self, cluster, sites, before, fixed) -> None:
        self.cluster, self.sites, self.before, self.fixed = cluster, sites, before, fixed
        self._verdicts = None

    def verdicts(self):
        if self._verdicts is None:
            harness.require_the_new_codemod(self.fixed)
            after = harness.run_after(self.fixed.root, self.sites, self.cluster, self.fixed.contract)
            self._verdicts = harness.classify(self.sites, self.fixed, self.before, after)
        return self._verdicts


@pytest.fixture(scope="module")
def comparison(cluster, sites, before, fixed):
    return _Comparison(cluster, sites, before, fixed)


# --------------------------------------------------------------------------
# the corpus itself (independent of the codemod)


def test_the_corpus_has_the_sites_it_promises(sites):
    keys = [s.key for s in sites]
    assert len(keys) == len(set(keys))
    assert len(sites) >= 45
    assert len({s.module for s in sites}) >= 5
    assert set(MUST_REFUSE) <= set(keys), set(MUST_REFUSE) - set(keys)
    assert set(UNDECIDED) <= set(keys), set(UNDECIDED) - set(keys)
    assert not set(MUST_REFUSE) & set(UNDECIDED)
    assert all(s.docstring for s in sites), [s.key for s in sites if not s.docstring]
    with harness.CorpusImport(harness.CORPUS) as corpus:
        drivers = {corpus.function(s).__behaviour_site__.driver for s in sites}
    sites_module = load_by_path("behaviour_corpus_sites", harness.CORPUS / "orders_app" / "sites.py")
    assert drivers == set(sites_module.DRIVERS)


@POSTGRES
def test_a_fresh_database_is_the_seeded_state(seeded):
    first, again = seeded
    assert first == again
    assert all(rows for name, (columns, rows) in first.items()
               if not name.startswith("sequence") and name != "orders.order_events")


@POSTGRES
def test_every_site_runs_before_fix(sites, before, seeded):
    seed, _ = seeded
    failures = {key: o.error for key, o in before.items() if o.error}
    assert not failures, "\n".join(f"{k}:\n{e}" for k, e in failures.items())
    with harness.CorpusImport(harness.CORPUS) as corpus:
        meta = {s.key: corpus.function(s).__behaviour_site__ for s in sites}
    for site in sites:
        outcome = before[site.key]
        assert len(outcome.results) == len(meta[site.key].calls), site.key
        changed = outcome.snapshot != seed
        assert changed == meta[site.key].writes, (
            f"{site.key}: declared writes={meta[site.key].writes} but the tables "
            f"{'changed' if changed else 'did not change'}")
        if len(meta[site.key].calls) > 1 and not meta[site.key].writes:  # several calls show different cases
            assert len({repr(r) for r in outcome.results}) > 1, f"{site.key}: every call gave {outcome.results[0]}"


def test_check_flags_every_site(sites, tmp_path, run_cli):
    copy = harness.copy_corpus(tmp_path / "corpus")
    from boundary_lint import registry_schema as config

    if "returns" not in config.REWRITE_KEYS:  # the registry key docs/fix.md adds; today's check rejects it
        registry = copy / "boundaries.toml"
        registry.write_text(re.sub(r"^returns = .*\n", "", registry.read_text(), flags=re.M))
    result = run_cli("check", "--no-cache", "--format", "json", ".", cwd=copy)
    assert result.code == 1, result.err
    findings = result.json["findings"]
    constants = harness.constant_lines(copy)
    in_transaction = set()
    for site in sites:
        mine = [f for f in findings if f["path"] == site.path and (
            site.line <= f["line"] <= site.end_line or constants.get((f["path"], f["line"])) in site.constants)]
        assert mine, f"{site.key} has no finding"
        assert {f["code"] for f in mine} <= {"BND100", "BND101", "BND108"}, (site.key, mine)
        if any(f["code"] == "BND108" for f in mine):
            in_transaction.add(site.key)
    # check's transactions across owners are the sites fix must leave for their transaction
    assert in_transaction == {k for k, why in MUST_REFUSE.items() if "write inside" in why or "commit()" in why}


# --------------------------------------------------------------------------
# the fake conventional owner, against the database by hand


CONTRACT = {
    "version": 2,
    "services": [
        {"service": "algo_engine",
         "client": {"module": "fake_test.algo", "factory": "get_algo_client", "awaitable": True},
         "methods": [
             {"name": "get_strategy", "kind": "derived", "verb": "select", "table": "public.strategy",
              "returns": "row or null", "replaces_sql": ["DELETE FROM public.strategy"]},
             {"name": "list_strategy", "kind": "derived", "verb": "select", "table": "public.strategy",
              "returns": "rows", "replaces_sql": ["SELECT 1"]},
             {"name": "get_strategy_total_pnl", "kind": "derived", "verb": "select", "table": "public.strategy",
              "returns": "value or null", "replaces_sql": []},
             {"name": "list_strategy_strategy_id", "kind": "derived", "verb": "select",
              "table": "public.strategy", "returns": "values", "replaces_sql": []},
             {"name": "create_strategy_returning_strategy_id", "kind": "derived", "verb": "insert",
              "table": "public.strategy", "returns": "value or null", "replaces_sql": []},
             {"name": "update_strategy", "kind": "derived", "verb": "update", "table": "public.strategy",
              "returns": "count", "replaces_sql": ["UPDATE public.strategy SET name = 'never'"]},
             {"name": "delete_strategy", "kind": "derived", "verb": "delete", "table": "public.strategy",
              "returns": "count", "replaces_sql": []},
             {"name": "upsert_portfolio", "kind": "derived", "verb": "insert", "table": "public.portfolio",
              "returns": "count", "replaces_sql": []},
             {"name": "get_default_strategy", "kind": "explicit", "returns": "row or null",
              "rewrite": {"sql": "SELECT strategy_id, name, status FROM public.strategy "
                                 "WHERE trading_account_id = :trading_account_id AND is_default = TRUE "
                                 "ORDER BY strategy_id LIMIT 1",
                          "call": "get_default_strategy(trading_account_id)"}},
             {"name": "set_strategy_status", "kind": "explicit", "returns": "count",
              "rewrite": {"sql": "UPDATE public.strategy SET status = :status, updated_by = 'orders' "
                                 "WHERE strategy_id = :strategy_id",
                          "call": "set_strategy_status(strategy_id, status)"}},
         ],
         "methods_to_add": [
             {"name": "create_executions", "kind": "derived", "verb": "insert", "table": "algo_engine.executions",
              "returns": "count", "replaces_sql": []},
         ]},
        {"service": "risk",
         "client": {"module": "fake_test.risk", "factory": "get_risk_client", "awaitable": False},
         "methods": [
             {"name": "get_risk_limits", "kind": "derived", "verb": "select", "table": "public.risk_limits",
              "returns": "row", "replaces_sql": []},
         ],
         "methods_to_add": []},
    ],
}


@pytest.fixture(scope="module")
def unit_databases(cluster):
    databases = harness.Databases(cluster)
    yield databases
    databases.close()


@pytest.fixture
def owner_db(unit_databases):
    """A seeded database, a psycopg connection to read it by hand, and the fake clients on it."""
    unit_databases.fresh()
    modules = {}
    real = types.ModuleType("fake_test.algo")

    class RealAlgoClient:
        async def get_strategy_card(self, strategy_id):
            return {"card": strategy_id}

    async def get_algo_client():
        return RealAlgoClient()

    real.get_algo_client = get_algo_client
    real.SOMETHING_ELSE = "from the real module"
    package = types.ModuleType("fake_test")
    package.algo = real
    modules["fake_test"] = package
    modules["fake_test.algo"] = real
    fake = fake_clients.FakeClients(CONTRACT, unit_databases.dsn)
    fake.install(modules)
    with psycopg.connect(unit_databases.dsn, autocommit=True, row_factory=dict_row) as conn:
        yield conn, fake, modules
    fake.close()


def algo(modules):
    async def client():
        return await modules["fake_test.algo"].get_algo_client()

    return client


def call(modules, method, *args, **kwargs):
    async def go():
        return await getattr(await algo(modules)(), method)(*args, **kwargs)

    return asyncio.run(go())


def by_hand(conn, query, params=()):
    return conn.execute(query, params).fetchall()


@POSTGRES
def test_fake_get_is_the_first_row_in_order_with_every_condition(owner_db):
    conn, _, modules = owner_db
    row = call(modules, "get_strategy", trading_account_id=1001, status="active", fields=["strategy_id", "name"],
               order_by=["-created_at"])
    expected = by_hand(conn, "SELECT strategy_id, name FROM public.strategy WHERE trading_account_id = 1001 "
                             "AND status = 'active' ORDER BY created_at DESC LIMIT 1")
    assert row == expected[0] and type(row) is dict
    assert list(row) == ["strategy_id", "name"]
    assert call(modules, "get_strategy", strategy_id=999, fields=["name"]) is None
    star = call(modules, "get_strategy", strategy_id=1)
    assert star == by_hand(conn, "SELECT * FROM public.strategy WHERE strategy_id = 1")[0]


@POSTGRES
def test_fake_values_survive_the_json_round_trip_with_their_types(owner_db):
    conn, _, modules = owner_db
    row = call(modules, "get_strategy", strategy_id=1,
               fields=["total_pnl", "created_at", "external_ref", "config", "is_default", "risk_score"])
    expected = by_hand(conn, "SELECT total_pnl, created_at, external_ref, config, is_default, risk_score "
                             "FROM public.strategy WHERE strategy_id = 1")[0]
    assert row == expected
    assert [type(v) for v in row.values()] == [type(v) for v in expected.values()]
    assert str(row["total_pnl"]) == str(expected["total_pnl"])  # the scale too
    assert isinstance(row["external_ref"], uuid.UUID) and row["created_at"].tzinfo is not None


@POSTGRES
def test_fake_conditions_follow_the_naming_conventions(owner_db):
    conn, _, modules = owner_db
    cases = [
        ({"status_ne": "active"}, "status <> 'active'"),
        ({"risk_score_lt": 4}, "risk_score < 4"),
        ({"risk_score_lte": 4}, "risk_score <= 4"),
        ({"risk_score_gt": 4}, "risk_score > 4"),
        ({"risk_score_gte": 4}, "risk_score >= 4"),
        ({"name_like": "Scalper%"}, "name LIKE 'Scalper%%'"),
        ({"name_ilike": "%basket"}, "name ILIKE '%%basket'"),
        ({"status_in": ["paused", "draft"]}, "status IN ('paused', 'draft')"),
        ({"risk_score_is_null": True}, "risk_score IS NULL"),
        ({"risk_score_is_null": False}, "risk_score IS NOT NULL"),
        ({"is_archived": True}, "is_archived"),
        ({"is_archived": False, "trading_account_id": 1002}, "NOT is_archived AND trading_account_id = 1002"),
        ({"created_at_gte": datetime(2024, 2, 1, tzinfo=timezone.utc)}, "created_at >= '2024-02-01T00:00:00Z'"),
        ({"total_pnl_lt": Decimal("0")}, "total_pnl < 0"),
    ]
    for conditions, where in cases:
        got = call(modules, "list_strategy", fields=["strategy_id"], order_by=["strategy_id"], **conditions)
        expected = by_hand(conn, f"SELECT strategy_id FROM public.strategy WHERE {where} ORDER BY strategy_id")
        assert got == expected and expected, (conditions, got, expected)


@POSTGRES
def test_fake_list_pages_and_value_shapes(owner_db):
    conn, _, modules = owner_db
    page = call(modules, "list_strategy", fields=["name", "status"], order_by=["-total_pnl", "strategy_id"],
                limit=3, offset=2)
    assert page == by_hand(conn, "SELECT name, status FROM public.strategy ORDER BY total_pnl DESC, strategy_id "
                                 "LIMIT 3 OFFSET 2")
    assert call(modules, "list_strategy", strategy_id=999) == []
    values = call(modules, "list_strategy_strategy_id", status="draft", fields=["strategy_id"],
                  order_by=["strategy_id"])
    assert values == [r["strategy_id"] for r in by_hand(
        conn, "SELECT strategy_id FROM public.strategy WHERE status = 'draft' ORDER BY strategy_id")]
    pnl = call(modules, "get_strategy_total_pnl", strategy_id=2)
    assert pnl == by_hand(conn, "SELECT total_pnl FROM public.strategy WHERE strategy_id = 2")[0]["total_pnl"]
    assert isinstance(pnl, Decimal)
    assert call(modules, "get_strategy_total_pnl", strategy_id=999) is None


@POSTGRES
def test_fake_applies_only_the_conditions_the_call_carries(owner_db):
    """What a rewrite that drops a constant would see: the fake never reads replaces_sql."""
    conn, _, modules = owner_db
    with_constant = call(modules, "list_strategy", trading_account_id=1001, status="active", fields=["strategy_id"],
                         order_by=["strategy_id"])
    without = call(modules, "list_strategy", trading_account_id=1001, fields=["strategy_id"], order_by=["strategy_id"])
    assert with_constant != without
    assert without == by_hand(conn, "SELECT strategy_id FROM public.strategy WHERE trading_account_id = 1001 "
                                    "ORDER BY strategy_id")
    # get_strategy's replaces_sql is a DELETE, update_strategy's sets every name: neither ran
    before = by_hand(conn, "SELECT * FROM public.strategy ORDER BY strategy_id")
    call(modules, "get_strategy", strategy_id=3)
    assert call(modules, "update_strategy", where={"strategy_id": 999}, values={"name": "x"}) == 0
    assert by_hand(conn, "SELECT * FROM public.strategy ORDER BY strategy_id") == before


@POSTGRES
def test_fake_writes(owner_db):
    conn, _, modules = owner_db
    ref = uuid.UUID("11111111-2222-4333-8444-555555555555")
    count = call(modules, "create_executions", strategy_id=3, order_ref=ref, status="filled", qty=7,
                 price=Decimal("99.95"), executed_at=datetime(2024, 5, 9, 9, 0, tzinfo=timezone.utc),
                 trade_date=date(2024, 5, 9))
    assert count == 1
    assert by_hand(conn, "SELECT strategy_id, status, qty, price, trade_date FROM algo_engine.executions "
                         "WHERE order_ref = %s", (ref,)) == [
        {"strategy_id": 3, "status": "filled", "qty": 7, "price": Decimal("99.95"), "trade_date": date(2024, 5, 9)}]

    next_id = by_hand(conn, "SELECT max(strategy_id) + 1 AS n FROM public.strategy")[0]["n"]
    new_id = call(modules, "create_strategy_returning_strategy_id", name="New", trading_account_id=1004,
                  status="draft", created_at=datetime(2024, 5, 9, tzinfo=timezone.utc))
    assert new_id == next_id
    assert by_hand(conn, "SELECT name, is_default FROM public.strategy WHERE strategy_id = %s", (new_id,)) == [
        {"name": "New", "is_default": False}]

    updated = call(modules, "update_strategy", where={"trading_account_id": 1002, "status_in": ["draft"]},
                   values={"status": "paused", "updated_by": "orders"})
    assert updated == 2
    assert by_hand(conn, "SELECT count(*) AS n FROM public.strategy WHERE status = 'paused' "
                         "AND updated_by = 'orders' AND trading_account_id = 1002") == [{"n": 2}]

    assert call(modules, "delete_strategy", trading_account_id=1003, is_archived=True) == 1
    assert by_hand(conn, "SELECT count(*) AS n FROM public.strategy WHERE trading_account_id = 1003") == [{"n": 0}]


@POSTGRES
def test_fake_upserts(owner_db):
    conn, _, modules = owner_db
    columns = dict(trading_account_id=1001, capital=Decimal("1.50"), is_default=False)
    assert call(modules, "upsert_portfolio", portfolio_id=11, name="Renamed", **columns,
                on_conflict=["portfolio_id"], update=["name"]) == 1
    assert by_hand(conn, "SELECT name, capital FROM public.portfolio WHERE portfolio_id = 11") == [
        {"name": "Renamed", "capital": Decimal("100000.00")}]  # capital was not in update=[...]
    assert call(modules, "upsert_portfolio", portfolio_id=10, name="Ignored", **columns,
                on_conflict=["portfolio_id"], update=[]) == 0
    assert by_hand(conn, "SELECT name FROM public.portfolio WHERE portfolio_id = 10") == [{"name": "Core equity"}]
    assert call(modules, "upsert_portfolio", portfolio_id=40, name="Added", **columns,
                on_conflict=["portfolio_id"], update=[]) == 1
    assert by_hand(conn, "SELECT name FROM public.portfolio WHERE portfolio_id = 40") == [{"name": "Added"}]


@POSTGRES
def test_fake_explicit_methods_bind_the_template_arguments_in_order(owner_db):
    conn, _, modules = owner_db
    assert call(modules, "get_default_strategy", 1002) == by_hand(
        conn, "SELECT strategy_id, name, status FROM public.strategy WHERE trading_account_id = 1002 "
              "AND is_default ORDER BY strategy_id LIMIT 1")[0]
    assert call(modules, "get_default_strategy", 1003) is None
    assert call(modules, "set_strategy_status", 2, "active") == 1  # (strategy_id, status), the SQL's order reversed
    assert by_hand(conn, "SELECT status, updated_by FROM public.strategy WHERE strategy_id = 2") == [
        {"status": "active", "updated_by": "orders"}]
    with pytest.raises(fake_clients.ContractError):
        call(modules, "set_strategy_status", 2)


@POSTGRES
def test_fake_clients_are_sync_or_async_as_the_registry_says(owner_db):
    _, fake, modules = owner_db
    algo_module, risk_module = modules["fake_test.algo"], modules["fake_test.risk"]
    assert asyncio.iscoroutinefunction(algo_module.get_algo_client)
    client = asyncio.run(algo_module.get_algo_client())
    assert asyncio.iscoroutinefunction(client.get_strategy)
    risk = risk_module.get_risk_client()
    assert not asyncio.iscoroutinefunction(risk_module.get_risk_client)
    assert risk.get_risk_limits(trading_account_id=1001, fields=["is_enabled"]) == {"is_enabled": True}
    with pytest.raises(fake_clients.NoRowError):  # returns "row": raises when there is none
        risk.get_risk_limits(trading_account_id=1)
    assert modules["fake_test"].algo is algo_module  # the package attribute is the fake too
    # what the contract does not name comes from the real module and client
    assert algo_module.SOMETHING_ELSE == "from the real module"
    assert asyncio.run(client.get_strategy_card(5)) == {"card": 5}
    assert ("risk", "get_risk_limits", [], {"trading_account_id": 1001, "fields": ["is_enabled"]}) in fake.calls


@POSTGRES
def test_fake_arguments_go_through_json_too(owner_db):
    _, fake, modules = owner_db
    call(modules, "list_strategy", strategy_id_in=(1, 2), fields=("name",))
    assert fake.calls[-1][3] == {"strategy_id_in": [1, 2], "fields": ["name"]}
    with pytest.raises(TypeError):
        call(modules, "list_strategy", strategy_id_in={1, 2})


@POSTGRES
@pytest.mark.parametrize("method, args, kwargs", [
    ("get_strategy", (), {"strategy_id": 1, "limit": 1}),  # get_ methods take no limit
    ("get_strategy", (), {"no_such_column": 1}),
    ("get_strategy", (), {"strategy_id": 1, "fields": ["nope"]}),
    ("get_strategy", (1,), {}),  # derived methods take keyword arguments only
    ("get_strategy_total_pnl", (), {"strategy_id": 1, "fields": ["name"]}),
    ("update_strategy", (), {"where": {"strategy_id": 1}}),
    ("upsert_portfolio", (), {"portfolio_id": 1, "name": "x"}),
    ("list_strategy", (), {"risk_score_is_null": "yes"}),
])
def test_fake_rejects_calls_outside_the_conventions(owner_db, method, args, kwargs):
    _, _, modules = owner_db
    with pytest.raises(fake_clients.ContractError):
        call(modules, method, *args, **kwargs)


@pytest.mark.parametrize("change", [
    lambda c: c.update(version=1),
    lambda c: c["services"][0]["methods"][0].update(returns="rows"),  # get_ is a row
    lambda c: c["services"][0]["methods"][0].update(name="fetch_strategy"),  # not a conventional name
    lambda c: c["services"][0]["methods"][8].update(rewrite={"sql": "SELECT 1", "call": "other(x)"}),
    lambda c: c["services"][0]["methods"][8].pop("rewrite"),
    lambda c: c["services"][0]["methods"][2].pop("table"),
])
def test_fake_rejects_a_contract_outside_docs_fix_md(change):
    contract = json.loads(json.dumps(CONTRACT))
    change(contract)
    with pytest.raises(fake_clients.ContractError):
        fake_clients.FakeClients(contract)


def test_fake_derived_names():
    parse = fake_clients.parse_derived_name
    assert parse("get_strategy", "public.strategy") == ("get", None)
    assert parse("list_kite_accounts_account_id", "public.kite_accounts") == ("list", "account_id")
    assert parse("create_executions_returning_execution_id", "algo_engine.executions") == ("create", "execution_id")
    assert parse("delete_instrument_registry", "public.instrument_registry") == ("delete", None)
    with pytest.raises(fake_clients.ContractError):
        parse("get_strategies", "public.strategy")
    assert fake_clients.named_sql_to_psycopg("SELECT :a::text, x FROM t WHERE y LIKE 'a%' AND b = :b") == (
        "SELECT %(a)s::text, x FROM t WHERE y LIKE 'a%%' AND b = %(b)s")


def test_canon_keeps_the_object_kind():
    canon = harness.canon
    assert canon({"a": 1}) == canon({"a": 1})
    assert canon((1, 2)) != canon([1, 2])
    assert canon(True) != canon(1)
    assert canon(Decimal("1.0")) != canon(Decimal("1.00"))
    assert canon(None) != canon(0)


# --------------------------------------------------------------------------
# before and after fix (end to end)


def test_fix_runs_as_docs_fix_md_says(fixed):
    harness.require_the_new_codemod(fixed)
    left = fixed.left
    assert left, "fix left nothing, yet some sites must stay SQL"
    services = {s["service"] for s in fixed.contract["services"]}
    assert services <= {"algo_engine", "user_service", "market_data", "risk"}
    methods = [m for s in fixed.contract["services"] for m in [*s.get("methods", ()), *s.get("methods_to_add", ())]]
    assert methods, "the contract lists no method"
    # without --allow-non-atomic nothing is moved out of a transaction
    moved = [m["name"] for m in methods if m.get("no_longer_atomic")]
    assert not moved, moved
    # the fake owner accepts the contract: every method named, shaped and kinded as docs/fix.md says
    fake_clients.FakeClients(fixed.contract)


@POSTGRES
def test_rewritten_sites_behave_as_before(comparison, sites, fixed, capsys, request):
    """Prints the counts and each site whose verdict is not the expected one (every site with -v)."""
    verdicts = comparison.verdicts()
    expected = expectations(sites)
    text = harness.summary(sites, verdicts, fixed, expected, full=request.config.getoption("verbose") > 0)
    with capsys.disabled():
        print("\n" + text)
    if os.environ.get("BEHAVIOUR_CORPUS_REPORT"):
        Path(os.environ["BEHAVIOUR_CORPUS_REPORT"]).write_text(harness.report_json(sites, verdicts, fixed, expected))
    different = {k: v.difference for k, v in verdicts.items() if v.different}
    assert not different, "\n".join(f"{k} ({verdicts[k].status}):\n{d}" for k, d in different.items())
    assert sum(v.rewritten for v in verdicts.values()) >= 57, "fewer sites rewritten than the last measured 58"


@POSTGRES
def test_must_refuse_sites_are_left_with_a_reason(comparison):
    verdicts = comparison.verdicts()
    rewritten = {k: MUST_REFUSE[k] for k in MUST_REFUSE if verdicts[k].rewritten}
    assert not rewritten, rewritten
    unexplained = [k for k, v in verdicts.items() if not v.rewritten and not v.reasons]
    assert not unexplained, f"left without a `left` line naming the reason: {unexplained}"


@POSTGRES
def test_the_other_sites_are_rewritten(comparison, fixed):
    verdicts = comparison.verdicts()
    assert not fixed.errors, f"fix abandoned a file's rewrite: {fixed.errors}"
    expected = [k for k in verdicts if k not in MUST_REFUSE and k not in UNDECIDED]
    missed = {k: verdicts[k].reasons for k in expected if not verdicts[k].rewritten}
    assert not missed, "\n".join(f"{k}: {r}" for k, r in missed.items())


# --------------------------------------------------------------------------
# the harness itself, on rewrites made by hand (one of them wrong)

HAND_IMPORTS = {
    "orders_app/services/strategy_reads.py": "from orders_app.clients.algo_engine import get_algo_client\n",
    "orders_app/services/order_placement.py": "",  # already imports get_algo_client
    "orders_app/services/accounts.py": "from orders_app.clients.user_service import get_user_client\n",
    "orders_app/jobs/risk_report.py": "from orders_app.clients.risk import get_risk_client\n",
    "orders_app/jobs/instrument_sync.py": "from orders_app.clients.market_data import get_market_data_client\n",
    "orders_app/services/positions.py": "from orders_app.clients.algo_engine import get_algo_client\n",
}

HAND_REWRITES = {  # path: [(the original text, what a rewrite per docs/fix.md makes of it)]
    "orders_app/services/strategy_reads.py": [
        ('''    row = (await session.execute(text(STRATEGY_BY_ID), {"strategy_id": strategy_id})).fetchone()
    if row is None:
        return None
    return row.name''',
         '''    row = await (await get_algo_client()).get_strategy(
        strategy_id=strategy_id, fields=["strategy_id", "name", "status"])
    if row is None:
        return None
    return row["name"]'''),
        # wrong on purpose: the constant condition status = 'active' is dropped
        ('''    result = await session.execute(
        text(
            "SELECT strategy_id, name FROM public.strategy "
            "WHERE trading_account_id = :account AND status = 'active' ORDER BY name"
        ),
        {"account": trading_account_id},
    )
    rows = result.mappings().all()''',
         '''    rows = await (await get_algo_client()).list_strategy(
        trading_account_id=trading_account_id, fields=["strategy_id", "name"], order_by=["name"])'''),
    ],
    "orders_app/services/order_placement.py": [
        ('''    result = await session.execute(
        text(
            "UPDATE public.strategy SET is_archived = TRUE, status = 'archived' "
            "WHERE strategy_id = :strategy_id AND is_archived = FALSE"
        ),
        {"strategy_id": strategy_id},
    )
    return result.rowcount''',
         '''    return await (await get_algo_client()).update_strategy(
        where={"strategy_id": strategy_id, "is_archived": False},
        values={"is_archived": True, "status": "archived"})'''),
        ('''    result = await session.execute(
        text("UPDATE public.strategy SET status = :status, updated_by = 'orders' WHERE strategy_id = :strategy_id"),
        {"status": status, "strategy_id": strategy_id},
    )
    return result.rowcount''',
         '''    return await (await get_algo_client()).set_strategy_status(strategy_id, status)'''),
    ],
    "orders_app/services/accounts.py": [
        ("    tier = await conn.fetchval("
         "\"SELECT sync_tier FROM public.kite_accounts WHERE account_id = $1\", account_id)",
         "    tier = await (await get_user_client()).get_kite_accounts_sync_tier("
         "account_id=account_id, fields=[\"sync_tier\"])"),
    ],
    "orders_app/jobs/risk_report.py": [
        ('''    with conn.cursor() as cur:
        cur.execute(
            "SELECT max_order_value, max_daily_loss FROM public.risk_limits "
            "WHERE trading_account_id = %s AND is_enabled",
            (trading_account_id,),
        )
        row = cur.fetchone()
    if row is None:
        return None
    max_order, max_loss = row''',
         '''    row = get_risk_client().get_risk_limits(
        trading_account_id=trading_account_id, is_enabled=True, fields=["max_order_value", "max_daily_loss"])
    if row is None:
        return None
    max_order, max_loss = row["max_order_value"], row["max_daily_loss"]'''),
    ],
}

HAND_REWRITES["orders_app/jobs/instrument_sync.py"] = [
    ('''    return session.execute(
        text("SELECT lot_size FROM public.instrument_registry WHERE instrument_token = :token"),
        {"token": instrument_token},
    ).scalar()''',
     '''    return get_market_data_client().get_instrument_registry_lot_size(
        instrument_token=instrument_token, fields=["lot_size"])'''),
    ('''    rows = conn.execute(
        text("SELECT instrument_token FROM public.instrument_registry WHERE exchange = :e AND is_tradable = TRUE"),
        {"e": exchange},
    ).fetchall()''',
     '''    rows = get_market_data_client().list_instrument_registry(
        exchange=exchange, is_tradable=True, fields=["instrument_token"])'''),
]
HAND_REWRITES["orders_app/services/positions.py"] = [
    ('''    async with conn.cursor() as cur:
        await cur.execute(
            "INSERT INTO algo_engine.executions (strategy_id, order_ref, status, qty, price, executed_at, trade_date) "
            "VALUES (%s, %s, 'filled', %s, %s, %s, %s)",
            (strategy_id, uuid.UUID("9e5d1f00-2c3b-4a59-8e7d-6f5a4b3c2d1e"), qty, price,
             datetime(2024, 5, 8, 10, 0, tzinfo=timezone.utc), date(2024, 5, 8)),
        )
        return cur.rowcount''',
     '''    return await (await get_algo_client()).create_executions(
        strategy_id=strategy_id, order_ref=uuid.UUID("9e5d1f00-2c3b-4a59-8e7d-6f5a4b3c2d1e"), status="filled",
        qty=qty, price=price, executed_at=datetime(2024, 5, 8, 10, 0, tzinfo=timezone.utc),
        trade_date=date(2024, 5, 8))'''),
]

HAND_REWRITES["orders_app/services/strategy_reads.py"] += [
    # wrong: the helper returned a tuple Row, the rewrite returns a dict (another object kind)
    ('''    result = await session.execute(text(STRATEGY_ROW), {"strategy_id": strategy_id})
    return result.fetchone()''',
     '''    return await (await get_algo_client()).get_strategy(
        strategy_id=strategy_id, fields=["strategy_id", "name", "status"])'''),
    # wrong: calls a method the contract does not list
    ('''    result = await session.execute(
        text("SELECT total_pnl FROM public.strategy WHERE strategy_id = :sid"), {"sid": strategy_id}
    )
    return result.scalar()''',
     '''    return await (await get_algo_client()).get_strategy_pnl(strategy_id=strategy_id)'''),
]
HAND_REWRITES["orders_app/services/order_placement.py"] += [
    # wrong: the constant condition status = 'draft' of a DELETE is dropped
    ('''    result = await session.execute(
        text("DELETE FROM public.strategy WHERE trading_account_id = :a AND status = 'draft'"),
        {"a": trading_account_id},
    )
    return result.rowcount''',
     '''    return await (await get_algo_client()).delete_strategy(trading_account_id=trading_account_id)'''),
]

HAND_CONTRACT = {
    "version": 2,
    "services": [
        {"service": "algo_engine",
         "client": {"module": "orders_app.clients.algo_engine", "factory": "get_algo_client", "awaitable": True},
         "methods": [],
         "methods_to_add": [
             {"name": "get_strategy", "kind": "derived", "verb": "select", "table": "public.strategy",
              "returns": "row or null", "fields": ["strategy_id", "name", "status"]},
             {"name": "list_strategy", "kind": "derived", "verb": "select", "table": "public.strategy",
              "returns": "rows", "fields": ["strategy_id", "name"]},
             {"name": "update_strategy", "kind": "derived", "verb": "update", "table": "public.strategy",
              "returns": "count"},
             {"name": "create_executions", "kind": "derived", "verb": "insert",
              "table": "algo_engine.executions", "returns": "count"},
             {"name": "delete_strategy", "kind": "derived", "verb": "delete", "table": "public.strategy",
              "returns": "count"},
             {"name": "set_strategy_status", "kind": "explicit", "verb": "update", "table": "public.strategy",
              "returns": "count",
              "rewrite": {"sql": "UPDATE public.strategy SET status = :status, updated_by = 'orders' "
                                 "WHERE strategy_id = :strategy_id",
                          "call": "set_strategy_status(strategy_id, status)"}},
         ]},
        {"service": "user_service",
         "client": {"module": "orders_app.clients.user_service", "factory": "get_user_client", "awaitable": True},
         "methods": [],
         "methods_to_add": [
             {"name": "get_kite_accounts_sync_tier", "kind": "derived", "verb": "select",
              "table": "public.kite_accounts", "returns": "value or null", "fields": ["sync_tier"]},
         ]},
        {"service": "market_data",
         "client": {"module": "orders_app.clients.market_data", "factory": "get_market_data_client",
                    "awaitable": False},
         "methods": [],
         "methods_to_add": [
             {"name": "get_instrument_registry_lot_size", "kind": "derived", "verb": "select",
              "table": "public.instrument_registry", "returns": "value or null", "fields": ["lot_size"]},
             {"name": "list_instrument_registry", "kind": "derived", "verb": "select",
              "table": "public.instrument_registry", "returns": "rows", "fields": ["instrument_token"]},
         ]},
        {"service": "risk",
         "client": {"module": "orders_app.clients.risk", "factory": "get_risk_client", "awaitable": False},
         "methods": [],
         "methods_to_add": [
             {"name": "get_risk_limits", "kind": "derived", "verb": "select", "table": "public.risk_limits",
              "returns": "row or null", "fields": ["max_order_value", "max_daily_loss"]},
         ]},
    ],
}

HAND_EXPECTED = {
    "orders_app.services.strategy_reads:strategy_name": "rewritten+equal",
    "orders_app.services.strategy_reads:active_strategies": "rewritten+different",
    "orders_app.services.order_placement:archive_strategy": "rewritten+equal",
    "orders_app.services.order_placement:set_status": "rewritten+equal",
    "orders_app.services.accounts:account_tier": "rewritten+equal",
    "orders_app.jobs.risk_report:order_limits": "rewritten+equal",
    "orders_app.jobs.instrument_sync:lot_size": "rewritten+equal",
    "orders_app.jobs.instrument_sync:tradable_count": "rewritten+equal",
    "orders_app.services.positions:book_fill": "rewritten+equal",
    "orders_app.services.strategy_reads:load_strategy_row": "rewritten+different",
    "orders_app.services.strategy_reads:strategy_total_pnl": "rewritten+different",
    "orders_app.services.order_placement:discard_drafts": "rewritten+different",
    "orders_app.services.strategy_reads:strategy_name_from_star": "refused",
    "orders_app.services.strategy_reads:strategies_per_status": "refused",
}


@POSTGRES
def test_the_harness_tells_a_faithful_rewrite_from_a_wrong_one(cluster, sites, before, tmp_path):
    copy = harness.copy_corpus(tmp_path / "corpus")
    for path, rewrites in HAND_REWRITES.items():
        source = (copy / path).read_text()
        for old, new in rewrites:
            assert source.count(old) == 1, f"{path} no longer has the text this test rewrites:\n{old}"
            source = source.replace(old, new)
        marker = "from orders_app.sites import site\n"
        (copy / path).write_text(source.replace(marker, marker + HAND_IMPORTS[path]))
    star_line = next(n for n, line in enumerate((copy / "orders_app/services/strategy_reads.py").read_text()
                                                .splitlines(), 1) if "SELECT * FROM public.strategy" in line)
    run = harness.FixRun(
        copy, 0, "", f"orders_app/services/strategy_reads.py:{star_line}: left BND100 public.strategy: "
                     "line 0: row[1] on a SELECT * row\n", HAND_CONTRACT, 0.0)
    chosen = [s for s in sites if s.key in HAND_EXPECTED]
    verdicts = harness.classify(chosen, run, before,
                                harness.run_after(copy, chosen, cluster, HAND_CONTRACT))
    assert {k: v.status for k, v in verdicts.items()} == HAND_EXPECTED, harness.summary(chosen, verdicts, run)
    assert verdicts["orders_app.services.strategy_reads:strategy_name_from_star"].reasons == [
        "BND100 public.strategy: line 0: row[1] on a SELECT * row"]
    assert not verdicts["orders_app.services.strategy_reads:strategies_per_status"].reasons
    assert verdicts["orders_app.services.accounts:account_tier"].methods == [
        "user_service.get_kite_accounts_sync_tier"] * 2
    assert "BANK MEAN REVERT" in verdicts["orders_app.services.strategy_reads:active_strategies"].difference
    assert "Row" in verdicts["orders_app.services.strategy_reads:load_strategy_row"].difference
    assert "get_strategy_pnl" in verdicts["orders_app.services.strategy_reads:strategy_total_pnl"].difference
    assert "table public.strategy" in verdicts["orders_app.services.order_placement:discard_drafts"].difference
    text = harness.summary(chosen, verdicts, run, expectations(chosen))
    for line in ("rewritten+different    4", "rewritten+equal        8", "refused                2"):
        assert line in text, text
    report = json.loads(harness.report_json(chosen, verdicts, run, expectations(chosen)))
    assert {s["site"]: s["status"] for s in report["sites"]} == HAND_EXPECTED
