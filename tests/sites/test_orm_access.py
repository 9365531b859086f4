"""ORM operations as table references: Django querysets, relations and SQLAlchemy statements
on models another service owns, found through the project's model index."""

from __future__ import annotations

import ast
import shutil
import sys
import textwrap
from pathlib import Path

import pytest

from boundary_lint.sites import model_index
from boundary_lint.adapters.config_file import load_registry
from boundary_lint.registry_schema import registry_from_mapping
from boundary_lint.adapters import model_index_store
from boundary_lint.adapters.model_index_store import build_index
from boundary_lint.sites.model_index import ModelIndex
from boundary_lint.prefilter.lines import trigger_lines
from conftest import FIXTURES
from expectations import as_tuples, at, expected_under

PROJECT = FIXTURES / "orm_project"


@pytest.fixture
def project(tmp_path):
    copy = tmp_path / "orm_project"
    shutil.copytree(PROJECT, copy)
    model_index.forget()
    yield copy
    model_index.forget()


def test_the_cli_reports_exactly_the_labelled_orm_findings(run_cli):
    result = run_cli("check", "--no-cache", "--format", "json", ".", cwd=PROJECT)
    assert result.code == 1
    assert as_tuples(result.json["findings"]) == expected_under(PROJECT, PROJECT)


def test_the_issue_example_is_found_at_the_model_names(tmp_path, run_cli):
    service = '''\
    from sqlalchemy import select
    from billing.models import Invoice
    from billing.sa_models import Payment
    def unpaid(order_id):
        return Invoice.objects.filter(order_id=order_id, paid=False)
    def mark_paid(order_id):
        Invoice.objects.filter(order_id=order_id).update(paid=True)
    def payments(session, order_id):
        return session.execute(select(Payment).where(Payment.order_id == order_id)).scalars().all()
    '''
    models = '''\
    from django.db import models
    class Order(models.Model):
        invoice = models.ForeignKey("billing.Invoice", on_delete=models.CASCADE)
    '''
    (tmp_path / "billing").mkdir()
    (tmp_path / "orders").mkdir()
    (tmp_path / "boundaries.toml").write_text(
        '[services.billing]\nowns = ["billing.*"]\npaths = ["billing/**"]\n'
        '[services.orders]\nowns = ["orders.*"]\npaths = ["orders/**"]\n')
    (tmp_path / "billing" / "models.py").write_text(
        "from django.db import models\nclass Invoice(models.Model):\n"
        "    class Meta:\n        db_table = 'billing\".\"invoices'\n")
    (tmp_path / "billing" / "sa_models.py").write_text(
        "class Payment(Base):\n    __tablename__ = 'payments'\n    __table_args__ = {'schema': 'billing'}\n")
    (tmp_path / "orders" / "service.py").write_text(textwrap.dedent(service))
    (tmp_path / "orders" / "models.py").write_text(textwrap.dedent(models))
    result = run_cli("check", "--format", "json", ".", cwd=tmp_path)
    assert result.code == 1
    found = [(f["path"], f["line"], f["column"], f["code"], f["table"], f.get("via")) for f in result.json["findings"]]
    assert found == [
        ("orders/models.py", *at(models, 'billing.Invoice"'), "BND102", "billing.invoices", "orm"),  # in the string
        ("orders/service.py", *at(service, "Invoice.objects", 0), "BND100", "billing.invoices", "orm"),
        ("orders/service.py", *at(service, "Invoice.objects", 1), "BND101", "billing.invoices", "orm"),
        ("orders/service.py", *at(service, "Payment).where"), "BND100", "billing.payments", "orm"),
    ]


def test_each_orm_finding_points_at_a_name_of_the_model_or_its_instance(run_cli):
    findings = run_cli("check", "--no-cache", "--format", "json", ".", cwd=PROJECT).json["findings"]
    allowed = ("Invoice", "Inv", "bm", "Receipt", "OpenInvoice", "Refund", "Payment", "Ledger", "refund_log",
               "PayoutBatch", "invoice", "found", "item", "payment", "old", "receipt", "billing.", "settings",
               "SELECT", "billing", "AUTH_USER_MODEL", "Order")  # Order: the own write of a BND108
    for finding in findings:
        if finding["code"] == "BND105":
            continue
        text = (PROJECT / finding["path"]).read_text().splitlines()[finding["line"] - 1]
        assert text[finding["column"] - 1:].startswith(allowed), (finding, text)


def test_coverage_counts_what_cannot_be_known(run_cli):
    result = run_cli("check", "--no-cache", "--format", "json", "orders/dynamic.py",
                     "orders/migrations/0002_backfill.py", "orders/traps.py", cwd=PROJECT)
    # dynamic.py: a queryset passed in, getattr(models, name) and the .objects of what it gave;
    # the migration: get_model with run-time arguments and the .objects of what it returned;
    # traps.py: nothing unknown (its Invoice is a class of its own)
    assert result.json["summary"]["orm_unresolved"] == 5
    text = run_cli("check", "--no-cache", "orders/dynamic.py", cwd=PROJECT).out
    assert "3 ORM uses of an unknown model not checked" in text
    assert [f["code"] for f in result.json["findings"] if f["path"].endswith("0002_backfill.py")] == [
        "BND101", "BND108", "BND105", "BND102"]  # BND108: the migration writes billing's table and its own


def test_a_warm_run_reads_no_file_for_the_index_and_a_model_change_reaches_its_users(project, run_cli,
                                                                                     monkeypatch):
    first = run_cli("check", "--format", "json", "orders/service.py", cwd=project)
    assert ("orders/service.py", 13, "BND100", "billing.invoices") in as_tuples(first.json["findings"])
    reads = []
    original = model_index_store.file_record
    monkeypatch.setattr(model_index_store, "file_record", lambda data, rel: reads.append(rel) or original(data, rel))
    again = run_cli("check", "--format", "json", "orders/service.py", cwd=project)
    assert reads == [] and again.json == first.json
    models = project / "billing" / "models.py"
    models.write_text(models.read_text().replace('billing"."invoices', 'billing"."bills'))
    changed = run_cli("check", "--format", "json", "orders/service.py", cwd=project)
    assert reads == ["billing/models.py"]
    assert ("orders/service.py", 13, "BND100", "billing.bills") in as_tuples(changed.json["findings"])


def test_a_file_naming_no_model_stays_unparsed():
    registry = load_registry(PROJECT / "boundaries.toml")
    index = build_index(PROJECT)
    from boundary_lint.sites.orm_access import trigger_words

    words = trigger_words(index, registry, "orders")
    assert {"Invoice", "Payment", "Order", "get_model"} <= words and "Cart" not in words
    plain = b"def total(xs):\n    return sum(x.amount for x in xs)\n"
    assert trigger_lines(plain, (), words).all == []
    uses = b"from billing.models import Invoice\n\nx = 1\ny = Invoice.objects.all()\n"
    assert trigger_lines(uses, (), words) == trigger_lines(uses.decode(), (), words)
    assert trigger_lines(uses, (), words).orm == [1, 4]


def test_the_flake8_plugin_builds_the_index_once_from_the_registrys_folder(monkeypatch):
    from boundary_lint.flake8_plugin import BoundaryLintPlugin

    model_index.forget()
    built = []
    original = model_index_store.build_index
    monkeypatch.setattr(model_index_store, "build_index", lambda *a, **k: built.append(a) or original(*a, **k))
    BoundaryLintPlugin.config_path = str(PROJECT / "boundaries.toml")
    BoundaryLintPlugin.service = None
    BoundaryLintPlugin._registry = None
    BoundaryLintPlugin._registry_error = None
    try:
        results = {}
        for name in ("orders/service.py", "orders/sa_service.py"):
            path = PROJECT / name
            lines = path.read_text().splitlines(keepends=True)
            plugin = BoundaryLintPlugin(ast.parse("".join(lines)), str(path), lines)
            results[name] = [(line, col + 1, text.split()[0]) for line, col, text, _ in plugin.run()]
    finally:
        BoundaryLintPlugin.config_path = None
        BoundaryLintPlugin._registry = None
        model_index.forget()
    assert len(built) == 1
    assert (13, 12, "BND100") in results["orders/service.py"]
    assert (20, 28, "BND101") in results["orders/sa_service.py"]


# -- the index: default table names and how names resolve -------------------------------------


def index_of(sources):
    return ModelIndex.from_sources({name: textwrap.dedent(text) for name, text in sources.items()})


def table_of(index, key):
    info = index.models[key]
    return (info.schema, info.table)


def test_django_default_table_names_follow_the_app_label():
    index = index_of({
        "shop/payments/apps.py": "from django.apps import AppConfig\nclass C(AppConfig):\n"
                                 "    name = 'shop.payments'\n    label = 'pay'\n",
        "shop/payments/models/__init__.py": "from .charge import Charge\n",
        "shop/payments/models/charge.py": "from django.db import models\nclass Charge(models.Model):\n    pass\n",
        "catalog/models.py": '''
            from django.db import models
            class Base(models.Model):
                class Meta:
                    abstract = True
            class Item(Base):
                pass
            class Legacy(models.Model):
                class Meta:
                    app_label = "old"
            class Quoted(models.Model):
                class Meta:
                    db_table = '"Catalog"."Items"'
            class ItemProxy(Item):
                class Meta:
                    proxy = True
        ''',
    })
    assert table_of(index, "shop.payments.models.charge.Charge") == (None, "pay_charge")
    assert index.model("shop.payments.models.Charge").key == "shop.payments.models.charge.Charge"  # re-export
    assert table_of(index, "catalog.models.Base") == (None, None)
    assert table_of(index, "catalog.models.Item") == (None, "catalog_item")
    assert table_of(index, "catalog.models.Legacy") == (None, "old_legacy")
    assert table_of(index, "catalog.models.Quoted") == ("Catalog", "Items")
    assert table_of(index, "catalog.models.ItemProxy") == (None, "catalog_item")
    assert index.by_reference("pay.Charge").name == "Charge"
    assert index.by_reference("item", "catalog").name == "Item"


def test_sqlalchemy_flask_sqlmodel_and_peewee_table_names():
    index = index_of({
        "app/db.py": '''
            import re
            from sqlalchemy.orm import DeclarativeBase, declared_attr
            class Base(DeclarativeBase):
                @declared_attr.directive
                def __tablename__(cls):
                    return re.sub(r"(?<!^)(?=[A-Z])", "_", cls.__name__).lower()
            class OrderLine(Base):
                pass
            class Shipment(Base):
                __tablename__ = "shipments"
                __table_args__ = {"schema": "logistics"}
            class ExpressShipment(Shipment):
                pass
        ''',
        "app/flask.py": "db = SQLAlchemy()\nclass PayoutBatch(db.Model):\n    pass\n",
        "app/sqlm.py": '''
            from sqlmodel import Field, SQLModel
            class HeroTeam(SQLModel, table=True):
                id: int = Field(primary_key=True)
            class HeroBase(SQLModel):
                name: str
        ''',
        "app/pw.py": '''
            import peewee
            class Tweet(peewee.Model):
                class Meta:
                    schema = "social"
            class Like(Tweet):
                class Meta:
                    table_name = "likes"
        ''',
    })
    assert table_of(index, "app.db.OrderLine") == (None, "order_line")
    assert table_of(index, "app.db.Shipment") == ("logistics", "shipments")
    assert table_of(index, "app.db.ExpressShipment") == ("logistics", "shipments")  # single-table inheritance
    assert table_of(index, "app.flask.PayoutBatch") == (None, "payout_batch")
    assert table_of(index, "app.sqlm.HeroTeam") == (None, "heroteam")
    assert "app.sqlm.HeroBase" not in index.models
    assert table_of(index, "app.pw.Tweet") == ("social", "tweet")
    assert table_of(index, "app.pw.Like")[1] == "likes"


REGISTRY = registry_from_mapping({"services": {
    "billing": {"owns": ["billing.*", "public.billing_charge"]},
    "orders": {"owns": ["orders.*"], "may_read": ["billing.rates"]},
}})


def orm_findings(files, checked):
    """Findings of ``checked`` (one of ``files``) for the orders service, with the index of ``files``."""
    from boundary_lint.pipeline import check_python_source

    index = index_of(files)
    result = check_python_source(checked, textwrap.dedent(files[checked]), REGISTRY, "orders", models=index)
    assert not result.problems
    return [(f.line, f.column, f.code, f.table) for f in result.findings]


BILLING = {
    "billing/__init__.py": "",
    "billing/models.py": '''
        from django.db import models
        class Charge(models.Model):
            amount = models.IntegerField()
        class Rate(models.Model):
            class Meta:
                db_table = "billing.rates"
    ''',
}


def test_a_local_class_shadows_the_foreign_model_and_annotations_are_no_access():
    source = '''
    from billing.models import Charge
    def f(charge: Charge) -> Charge:
        return isinstance(charge, Charge)
    class Charge:
        objects = None
    def g():
        return Charge.objects
    '''
    assert orm_findings(dict(BILLING, **{"orders/x.py": source}), "orders/x.py") == []


def test_a_granted_read_is_no_finding_but_a_write_is():
    source = '''
    from billing.models import Rate
    def f():
        Rate.objects.all()
        Rate.objects.filter(pk=1).update(x=1)
    '''
    assert orm_findings(dict(BILLING, **{"orders/x.py": source}), "orders/x.py") == [
        (*at(source, "Rate.objects", 1), "BND101", "billing.rates")]


def test_a_models_own_file_and_its_own_service_give_nothing():
    assert orm_findings(dict(BILLING, **{"orders/models.py": '''
        from django.db import models
        class Cart(models.Model):
            class Meta:
                db_table = "orders.carts"
        def f():
            Cart.objects.create()
    '''}), "orders/models.py") == []


def test_a_model_defined_in_the_checked_file_is_known_without_the_tree():
    source = '''
    from django.db import models
    class Charge(models.Model):
        class Meta:
            app_label = "billing"
    def f():
        return Charge.objects.all()
    '''
    assert orm_findings({"orders/x.py": source}, "orders/x.py") == [
        (*at(source, "Charge.objects"), "BND100", "public.billing_charge")]


def test_fix_lists_orm_reads_and_writes_as_rewrite_by_hand(project, run_cli):
    result = run_cli("fix", "--diff", "orders/service.py", cwd=project)
    assert result.code == 0  # nothing is rewritten
    assert "orders/service.py:13: left BND100 billing.invoices: ORM access: rewrite by hand" in result.err
    assert "orders/service.py:72: left BND100 billing.invoices: not a call shape the codemod rewrites (raw())" in result.err
    assert "     21  ORM access: rewrite by hand" in result.err


def test_init_gives_a_django_apps_tables_to_the_app(project, run_cli):
    (project / "boundaries.toml").unlink()
    assert run_cli("init", ".", cwd=project).code == 0
    registry = load_registry(project / "boundaries.toml")
    assert registry.owner_of("public", "billing_receipt") == "billing"  # a default table name
    assert registry.owner_of("billing", "payments") == "billing"  # written far more by orders
    assert registry.owner_of("public", "accounts_user") == "accounts"
    assert registry.owner_of("public", "orders_cart") == "orders"


def test_a_file_the_index_has_not_read_finds_the_uses_of_its_own_models(tmp_path):
    """Outside the registry's folder, or new in an editor: the file's models are learnt from it
    before its lines are pruned, so a use far from any SQL-looking line is found as without pruning."""
    from boundary_lint.pipeline import check_source

    source = (
        "from flask_sqlalchemy import SQLAlchemy\n"
        "db = SQLAlchemy()\n\n\n"
        "class ApiKey(db.Model):\n"
        '    __table_args__ = {"schema": "billing"}\n'
        "    id = db.Column(db.Integer, primary_key=True)\n"
        + "\n\ndef unrelated():\n    return 1\n" * 20
        + "\n\ndef expire_keys():\n    ApiKey.query.filter(ApiKey.id < 10).delete()\n"
    )
    path = tmp_path / "elsewhere.py"
    path.write_text(source)
    line = source.splitlines().index("    ApiKey.query.filter(ApiKey.id < 10).delete()") + 1
    pruned, whole = (check_source(path.read_bytes(), path, "elsewhere.py", REGISTRY, "orders", prefilter=p)
                     for p in (True, False))
    assert [(f.line, f.code, f.table) for f in pruned.findings if f.line == line] == [(line, "BND101", "billing.api_key")]
    assert pruned.findings == whole.findings


@pytest.mark.skipif(sys.version_info < (3, 10), reason="match is Python 3.10's")
def test_a_model_file_with_a_match_statement_is_indexed(tmp_path, run_cli):
    """A ``match`` statement's cases are no statements (``ast`` gives them no line): the index
    used to sort them by line and the whole run stopped with a traceback."""
    (tmp_path / "billing").mkdir()
    (tmp_path / "orders").mkdir()
    (tmp_path / "boundaries.toml").write_text(
        '[services.billing]\nowns = ["billing.*"]\npaths = ["billing/**"]\n'
        '[services.orders]\nowns = ["orders.*"]\npaths = ["orders/**"]\n')
    (tmp_path / "billing" / "models.py").write_text(textwrap.dedent('''\
        from django.db import models


        class Invoice(models.Model):
            class Meta:
                db_table = 'billing"."invoices'


        def kind(x):
            match x:
                case 1:
                    return "one"
                case _:
                    return "other"
    '''))
    (tmp_path / "orders" / "service.py").write_text(
        "from billing.models import Invoice\n\n\ndef unpaid():\n"
        "    return Invoice.objects.filter(paid=False)\n")
    result = run_cli("check", "--format", "json", ".", cwd=tmp_path)
    assert result.code == 1
    assert [(f["path"], f["code"], f["table"]) for f in result.json["findings"]] == [
        ("orders/service.py", "BND100", "billing.invoices")]
