"""``rules.findings_for``, table-driven: one reference, the registry, the file's service -> the code reported.

Each row is what a user would see for one table reference in one statement of the
``orders`` service's code, with ``billing`` owning ``billing.*``, ``shared.rates``
granted to ``orders`` by ``may_read``, and ``public.events`` ignored.
"""

import pytest

from boundary_lint.registry_schema import registry_from_mapping
from boundary_lint.model import Operation, Position, Reference, TableName
from boundary_lint.rules import findings_for

REGISTRY = {
    "settings": {"ignore": ["public.events"]},
    "services": {
        "orders": {"owns": ["orders.*"], "paths": ["orders/**"], "may_read": ["shared.rates"]},
        "billing": {"owns": ["billing.*", "shared.*"], "paths": ["billing/**"]},
    },
}
READ, WRITE, FK, DDL = Operation.READ, Operation.WRITE, Operation.FK, Operation.DDL


def ref(table: str, operation: Operation, line: int = 3, column: int = 10, statement=(0, 1), **extra) -> Reference:
    schema, _, name = table.rpartition(".")
    dynamic_name = name == "{}"
    dynamic_schema = schema == "{}"
    return Reference(
        Position(line, column),
        TableName(schema or None, "bl_hole_0" if dynamic_name else name, schema_is_dynamic=dynamic_schema,
                  name_is_dynamic=dynamic_name),
        operation, statement=statement, **extra,
    )


def codes(refs, registry=None) -> list:
    found = findings_for(refs, registry or registry_from_mapping(REGISTRY), "orders", "orders/app.py")
    return [(f.code, f.table, f.owner, f.operation, f.line, f.column) for f in found]


@pytest.mark.parametrize(
    "reference, expected",
    [
        (ref("billing.invoices", READ), [("BND100", "billing.invoices", "billing", "read", 3, 10)]),
        (ref("billing.invoices", WRITE), [("BND101", "billing.invoices", "billing", "write", 3, 10)]),
        (ref("billing.invoices", FK), [("BND102", "billing.invoices", "billing", "fk", 3, 10)]),
        (ref("billing.invoices", DDL), [("BND103", "billing.invoices", "billing", "ddl", 3, 10)]),
        (ref("nowhere.thing", READ), [("BND104", "nowhere.thing", "", "read", 3, 10)]),
        (ref("{}.thing", READ), [("BND105", "{}.thing", "", "read", 3, 10)]),
        (ref("billing.invoices", READ, mapping=True), [("BND106", "billing.invoices", "billing", "map", 3, 10)]),
        # a run-time table name in a schema one other service owns whole is still that service's
        (ref("billing.{}", WRITE), [("BND101", "billing.{}", "billing", "write", 3, 10)]),
        # never a finding: the service's own tables, a granted read, an ignored or system table
        (ref("orders.orders", WRITE), []),
        (ref("orders.{}", READ), []),
        (ref("shared.rates", READ), []),
        (ref("public.events", WRITE), []),
        (ref("pg_catalog.pg_class", READ), []),
    ],
)
def test_one_reference_gives_the_code_a_user_expects(reference, expected):
    assert codes([reference]) == expected


def test_a_grant_covers_reads_only():
    assert codes([ref("shared.rates", WRITE)]) == [("BND101", "shared.rates", "billing", "write", 3, 10)]


def test_one_finding_per_table_per_statement_with_the_strongest_operation():
    same_statement = [ref("billing.invoices", READ, column=30), ref("billing.invoices", WRITE, column=12)]
    assert codes(same_statement) == [("BND101", "billing.invoices", "billing", "write", 3, 12)]
    two_statements = [ref("billing.invoices", READ, statement=(0, 1)),
                      ref("billing.invoices", READ, line=8, statement=(2, 3))]
    assert [c[4] for c in codes(two_statements)] == [3, 8]


def test_a_foreign_key_between_two_tables_of_one_other_service_is_its_own():
    key = ref("billing.invoices", FK, source=TableName("billing", "payments"))
    assert codes([key]) == []


def test_cross_owner_statements_are_reported_only_when_the_platform_splits_databases():
    statement = [ref("orders.orders", READ, column=20), ref("shared.rates", READ, column=45)]
    assert codes(statement) == []  # own table + granted read: fine while schemas share a database
    split = registry_from_mapping({**REGISTRY, "settings": {**REGISTRY["settings"], "isolation": "database"}})
    found = findings_for(statement, split, "orders", "orders/app.py")
    assert [(f.code, f.column, f.owners) for f in found] == [("BND107", 45, ("orders", "billing"))]
