"""BND108: one transaction writing the tables of two or more owners, the service's own included,
under either isolation setting; and BND107 for ORM queries built from several owners' models."""

from __future__ import annotations

import json
import shutil
import textwrap

import pytest

from conftest import FIXTURES
from expectations import as_tuples, at, expected_under, python_findings

from boundary_lint.sites import model_index
from boundary_lint.pipeline import check_sql_source
from boundary_lint.adapters.config_file import registry_from_mapping
from boundary_lint.model import Operation, Position, Reference, TableName
from boundary_lint.sites.sql_files import sql_file_site
from boundary_lint.model import Transaction
from boundary_lint.rules.transactions import transaction_findings
from boundary_lint.sites.transactions import python_transactions
from boundary_lint.sql.transactions import sql_transactions

SPLIT = FIXTURES / "split"


def registry(isolation=None):
    settings = {"isolation": isolation} if isolation else {}
    return registry_from_mapping({"settings": settings, "services": {
        "order_service": {"owns": ["order_service.*"], "may_read": ["public.strategy"],
                          "search_path": ["order_service", "public"]},
        "algo_engine": {"owns": ["public.strategy", "public.portfolio"]},
        "user_service": {"owns": ["user_service.*"]},
    }})


def codes(source, isolation=None):
    found = python_findings(source, registry(isolation), "order_service")
    return [(line, code, table) for line, _, code, table in found]


@pytest.mark.parametrize("config", ["boundaries.toml", "boundaries.schema.toml"])
def test_every_labelled_transaction_of_the_fixture_is_reported_under_both_isolation_settings(run_cli, config):
    result = run_cli("check", "--no-cache", "--format", "json", "--config", config, ".", cwd=SPLIT)
    labelled = {key for key in expected_under(SPLIT, SPLIT) if key[2] == "BND108"}
    assert len(labelled) >= 12 and {path for path, *_ in labelled} >= {
        "order_service/transactions.py", "order_service/transactions.sql", "order_service/orm_queries.py",
        "order_service/migrations/versions/0007_move_strategy.py", "order_service/migrations/0008_django_atomic.py"}
    assert {key for key in as_tuples(result.json["findings"]) if key[2] == "BND108"} == labelled


def test_the_finding_names_both_writes_and_every_owner(run_cli):
    findings = run_cli("check", "--no-cache", "--format", "json", "order_service/transactions.py",
                       cwd=SPLIT).json["findings"]
    three = next(f for f in findings if f["code"] == "BND108" and f["line"] == 75)
    assert (three["table"], three["owner"], three["operation"]) == (
        "user_service.trading_accounts", "user_service", "transaction")
    assert three["owners"] == ["order_service", "user_service", "algo_engine"]
    assert three["message"] == (
        "order_service writes user_service.trading_accounts, owned by user_service, in one transaction with "
        "order_service.orders (line 74, owned by order_service): a service call cannot be part of a database "
        "transaction")


def test_the_second_owner_may_be_the_service_itself():
    """The transaction's first write is algo_engine's: the finding stands at the service's own write."""
    source = '''
    def f(conn):
        with conn.transaction():
            conn.execute("UPDATE public.strategy SET paused = true")
            conn.execute("UPDATE order_service.orders SET status = 'held'")
    '''
    assert codes(source) == [(4, "BND101", "public.strategy"), (5, "BND108", "order_service.orders")]


def test_a_transaction_within_one_owner_is_never_a_finding():
    own = '''
    def f(engine):
        with engine.begin() as conn:
            conn.execute("DELETE FROM order_service.fills WHERE qty = 0")
            conn.execute("DELETE FROM orders WHERE status = 'void'")
    '''
    other = '''
    def f(engine):
        with engine.begin() as conn:
            conn.execute("UPDATE public.strategy SET paused = true")
            conn.execute("UPDATE public.portfolio SET paused = true")
    '''
    assert codes(own) == []
    assert codes(other) == [(4, "BND101", "public.strategy"), (5, "BND101", "public.portfolio")]


def test_reads_do_not_make_a_transaction_cross_owners():
    source = '''
    def f(session):
        session.execute("SELECT * FROM public.strategy")
        session.execute("INSERT INTO order_service.orders DEFAULT VALUES")
        session.commit()
    '''
    assert codes(source) == []


def test_a_commit_ends_the_transaction_and_a_caller_s_transaction_is_not_seen():
    source = '''
    def committed_apart(session):
        session.execute("INSERT INTO order_service.orders DEFAULT VALUES")
        session.commit()
        session.execute("UPDATE public.strategy SET n = 1")
        session.commit()

    def caller_commits(session):
        session.execute("INSERT INTO order_service.orders DEFAULT VALUES")
        session.execute("UPDATE public.strategy SET n = 1")
    '''
    assert [code for _, code, _ in codes(source)] == ["BND101", "BND101"]


def test_a_script_s_commit_holds_its_own_statements_not_the_functions_it_defines():
    source = '''
    def helper(cur):
        cur.execute("UPDATE public.strategy SET n = 1")

    cur.execute("INSERT INTO order_service.orders DEFAULT VALUES")
    cur.execute("UPDATE public.portfolio SET n = 1")
    conn.commit()
    '''
    assert codes(source) == [(3, "BND101", "public.strategy"), (6, "BND101", "public.portfolio"),
                             (6, "BND108", "public.portfolio")]


def test_alembic_upgrade_and_downgrade_are_separate_transactions():
    source = '''
    from alembic import op

    def upgrade():
        op.execute("INSERT INTO order_service.orders DEFAULT VALUES")

    def downgrade():
        op.execute("DELETE FROM public.strategy")
    '''
    assert codes(source) == [(8, "BND101", "public.strategy")]


def test_a_module_constant_belongs_to_the_transactions_that_name_it():
    source = '''
    PLACE = "INSERT INTO order_service.orders DEFAULT VALUES"
    UNUSED = "INSERT INTO order_service.fills DEFAULT VALUES"

    def f(session):
        with session.begin():
            session.execute(text(PLACE))
            session.execute(text("UPDATE public.strategy SET n = 1"))

    def g(session):
        with session.begin():
            session.execute(text("UPDATE public.portfolio SET n = 1"))
    '''
    assert codes(source) == [(8, "BND101", "public.strategy"), (8, "BND108", "public.strategy"),
                             (12, "BND101", "public.portfolio")]


def test_sql_file_transactions_end_at_commit_and_leave_out_function_bodies():
    sql = textwrap.dedent("""\
        BEGIN;
        INSERT INTO order_service.orders DEFAULT VALUES;
        CREATE FUNCTION order_service.f() RETURNS void LANGUAGE plpgsql AS $$
        BEGIN
            DELETE FROM public.portfolio;
        END $$;
        COMMIT;
        BEGIN;
        UPDATE public.strategy SET n = 1;
        ROLLBACK;
        START TRANSACTION;
        UPDATE order_service.orders SET n = 1;
        UPDATE public.strategy SET n = 2;
        """)
    spans = sql_transactions(sql, sql_file_site(sql))
    assert [[(a.line, b.line) for a, b in t.spans] for t in spans] == [[(1, 2), (6, 7)], [(8, 10)], [(11, 13)]]
    result = check_sql_source("m.sql", sql, registry(), "order_service")
    assert [(f.line, f.code) for f in result.findings] == [
        (5, "BND101"), (9, "BND101"), (13, "BND101"), (13, "BND108")]  # the last one never commits in the file


def test_python_transactions_lists_each_form():
    source = textwrap.dedent('''\
        from django.db import transaction

        @transaction.atomic
        def a(): pass

        async def b(session, conn, engine):
            async with session.begin():
                async with conn.transaction():
                    pass
            with engine.begin() as c, transaction.atomic():
                pass
            with conn:
                conn.cursor()
            with conn:
                pass
            session.commit()
        ''')
    import ast

    found = {(t.line, t.kind) for t in python_transactions(ast.parse(source))}
    assert found == {(4, "decorator"), (7, "block"), (8, "block"), (10, "block"), (12, "block"), (16, "commit")}


def test_the_pure_core_takes_references_and_spans():
    """No source at all: references and a transaction in, the finding out."""
    def write(line, schema, name):
        return Reference(Position(line, 5), TableName(schema, name), Operation.WRITE, statement=(line, 0))

    refs = [write(2, "order_service", "orders"), write(3, "public", "portfolio"), write(9, "public", "strategy")]
    span = Transaction(((Position(1, 0), Position(4, 99)),), 1, "block")
    found = transaction_findings(refs, [span], registry(), "order_service", "x.py")
    assert [(f.line, f.code, f.table, f.owners) for f in found] == [
        (3, "BND108", "public.portfolio", ("order_service", "algo_engine"))]
    assert transaction_findings(refs, [], registry(), "order_service", "x.py") == []


def test_an_allow_comment_suppresses_bnd108_and_a_baseline_accepts_it(run_cli, tmp_path):
    (tmp_path / "boundaries.toml").write_text((SPLIT / "boundaries.schema.toml").read_text())
    (tmp_path / "order_service").mkdir()
    (tmp_path / "order_service" / "t.py").write_text(textwrap.dedent('''\
        def f(session):
            session.execute("INSERT INTO order_service.orders DEFAULT VALUES")
            session.execute("INSERT INTO public.portfolio DEFAULT VALUES")  # boundary: allow BND101, BND108 -- outbox
            session.commit()
        '''))
    result = run_cli("check", "--no-cache", "--format", "json", "--show-suppressed", ".", cwd=tmp_path)
    assert result.code == 0, result.out
    assert sorted(s["code"] for s in result.json["suppressed"]) == ["BND101", "BND108"]
    source = tmp_path / "order_service" / "t.py"
    source.write_text(source.read_text().replace("  # boundary: allow BND101, BND108 -- outbox", ""))
    assert run_cli("check", "--no-cache", "--write-baseline", "base.json", ".", cwd=tmp_path).code == 0
    assert {e["code"] for e in json.loads((tmp_path / "base.json").read_text())["entries"]} >= {"BND108"}
    assert run_cli("check", "--no-cache", "--baseline", "base.json", ".", cwd=tmp_path).code == 0


def test_explain_and_select_know_bnd108(run_cli):
    assert run_cli("explain", "BND108").out.startswith("BND108: transaction across owners")
    assert run_cli("check", "--no-cache", "--select", "BND108", ".", cwd=SPLIT).code == 1
    assert run_cli("check", "--no-cache", "--ignore", "BND108", "order_service/orm_queries.py",
                   cwd=SPLIT).out.count("BND108") == 0


# -- BND107 for ORM queries ----------------------------------------------------------------

def test_an_orm_query_over_two_owners_models_is_one_statement_under_database_isolation(run_cli):
    path = "order_service/orm_queries.py"
    database = as_tuples(run_cli("check", "--no-cache", "--format", "json", path, cwd=SPLIT).json["findings"])
    schema = as_tuples(run_cli("check", "--no-cache", "--format", "json", "--config", "boundaries.schema.toml",
                               path, cwd=SPLIT).json["findings"])
    labelled = {key for key in expected_under(SPLIT, SPLIT) if key[0] == path}
    assert database == labelled and schema == {key for key in labelled if key[2] != "BND107"}
    assert (path, 9, "BND107", "public.strategy") in database  # select(Order).join(Strategy): a chain


def test_a_django_lookup_into_another_owners_model_is_one_statement(tmp_path, run_cli):
    project = tmp_path / "orm_project"
    shutil.copytree(FIXTURES / "orm_project", project)
    toml = project / "boundaries.toml"
    toml.write_text(toml.read_text().replace("[settings]\n", '[settings]\nisolation = "database"\n', 1))
    service = '''\
    from orders.models import Order

    def paid_orders():
        return Order.objects.filter(invoice__amount__gt=0)

    def with_invoices():
        return Order.objects.select_related("invoice").all()

    def own_only():
        return Order.objects.filter(cart__total__gt=0)
    '''
    (project / "orders" / "split_queries.py").write_text(textwrap.dedent(service))
    model_index.forget()
    try:
        found = run_cli("check", "--no-cache", "--format", "json", "orders/split_queries.py", cwd=project)
    finally:
        model_index.forget()
    cross = [(f["line"], f["column"], f["table"]) for f in found.json["findings"] if f["code"] == "BND107"]
    assert cross == [(*at(service, "invoice__amount"), "billing.invoices"),
                     (*at(service, 'invoice")'), "billing.invoices")]
