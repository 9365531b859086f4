"""SQL inside ``assert`` statements is read; an assertion's message is prose (issue 21, cause 7)."""

from __future__ import annotations

from boundary_lint.adapters.config_file import registry_from_mapping
from expectations import python_findings

REGISTRY = registry_from_mapping(
    {"services": {"orders": {"owns": ["orders.*"]}, "algo": {"owns": ["public.strategy"]}}}
)


def test_sql_in_the_asserted_expression_is_read():
    source = '''
def test_it(db, build):
    assert build() == "SELECT id FROM public.strategy WHERE live"
    assert db.scalar("SELECT count(*) FROM public.strategy") == 0
    assert "ALTER TABLE orders.x ADD FOREIGN KEY (s) REFERENCES public.strategy (id)" in build()
'''
    assert [f[0::2][:1] + f[2:] for f in python_findings(source, REGISTRY, "orders")] == [
        (3, "BND100", "public.strategy"), (4, "BND100", "public.strategy"), (5, "BND102", "public.strategy")]


def test_the_message_is_not():
    source = '''
def test_it(db):
    assert db.ok(), "COMMENT ON TABLE public.strategy is missing"
    assert db.ok(), f"DELETE FROM public.strategy failed for {db}"
'''
    assert python_findings(source, REGISTRY, "orders") == []
