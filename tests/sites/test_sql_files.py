"""``.sql`` files as sites: psql meta-commands, and ``\\copy`` read as the COPY it runs."""

from __future__ import annotations

from boundary_lint.pipeline import check_sql_source
from boundary_lint.adapters.config_file import registry_from_mapping
from boundary_lint.sites.sql_files import blank_meta_commands

REGISTRY = registry_from_mapping(
    {
        "services": {
            "orders": {"owns": ["orders.*"]},
            "algo": {"owns": ["public.strategy", "public.portfolio"]},
        },
    }
)


def findings(sql: str):
    result = check_sql_source("m.sql", sql, REGISTRY, "orders")
    assert not result.problems, result.problems
    return [(f.line, f.column, f.code, f.table) for f in result.findings]


def test_meta_commands_are_blanked_and_offsets_kept():
    sql = "\\set ON_ERROR_STOP on\n\\connect trading\nSELECT 1;\n"
    out = blank_meta_commands(sql)
    assert len(out) == len(sql) and out.count("\n") == sql.count("\n") and "\\" not in out


def test_backslash_copy_is_a_copy_statement():
    sql = (
        "\\copy public.strategy FROM 'strategy.csv' CSV\n"
        "\\copy (SELECT * FROM public.portfolio) TO 'p.csv' CSV HEADER\n"
        "  \\copy orders.orders FROM stdin\n"
        "1,2\n"
        "SELECT * FROM public.strategy\n"
        "\\.\n"
        "DELETE FROM public.portfolio;\n"
    )
    assert findings(sql) == [
        (1, 7, "BND101", "public.strategy"),
        (2, 22, "BND100", "public.portfolio"),  # data lines of FROM stdin (line 5) are not SQL
        (7, 13, "BND101", "public.portfolio"),
    ]


def test_execute_of_constant_sql_in_a_function_body():
    sql = (
        "CREATE FUNCTION orders.purge() RETURNS void LANGUAGE plpgsql AS $$\n"
        "BEGIN\n"
        "    EXECUTE 'DELETE FROM public.strategy WHERE note = ''x''';\n"
        "    EXECUTE format('DELETE FROM public.%I', 'portfolio');\n"
        "END $$;\n"
    )
    assert findings(sql) == [(3, 26, "BND101", "public.strategy")]
