"""The example order service's migrations, applied to a real PostgreSQL.

Migrations 001-006 leave exactly the three cross-service foreign keys the
seeds describe (orders/trades/positions.strategy_id -> public.strategies);
007 drops them all. This is the live-database ground truth that the static
findings on ``examples/order_service/migrations`` are compared with.
"""

from __future__ import annotations

import itertools
import os

import psycopg
import pytest
from example_pg import pg_cluster



_numbers = itertools.count(1)

EXPECTED_CROSS_SCHEMA_FKS = {
    ("order_service.orders", "public.strategies", "fk_orders_strategy_id"),
    ("order_service.trades", "public.strategies", "fk_trades_strategy_id"),
    ("order_service.positions", "public.strategies", "fk_positions_strategy_id"),
}


@pytest.fixture
def legacy_database():
    """A fresh database holding only the legacy shared schema."""
    cluster = pg_cluster.shared_cluster()
    name = f"migrations_{os.getpid()}_{next(_numbers)}"
    dsn = cluster.create_database(name)
    pg_cluster.apply_sql_files(dsn, [pg_cluster.LEGACY_SCHEMA_SQL])
    yield dsn
    cluster.drop_database(name)


def cross_schema_fks(dsn):
    with psycopg.connect(dsn) as conn:
        return pg_cluster.cross_schema_foreign_keys(conn)


def test_migrations_are_numbered_001_to_007():
    names = [p.name[:3] for p in pg_cluster.migration_paths()]
    assert names == ["001", "002", "003", "004", "005", "006", "007"]
    assert len(pg_cluster.migration_paths(upto=6)) == 6


def test_legacy_schema_has_no_cross_schema_foreign_keys(legacy_database):
    assert cross_schema_fks(legacy_database) == set()


def test_006_adds_the_cross_service_foreign_keys_and_007_drops_them(legacy_database):
    pg_cluster.apply_sql_files(legacy_database, pg_cluster.migration_paths(upto=6))
    assert cross_schema_fks(legacy_database) == EXPECTED_CROSS_SCHEMA_FKS

    pg_cluster.apply_sql_files(legacy_database, pg_cluster.migration_paths()[6:])
    assert cross_schema_fks(legacy_database) == set()


def test_migrations_001_to_005_add_no_cross_schema_foreign_key(legacy_database):
    pg_cluster.apply_sql_files(legacy_database, pg_cluster.migration_paths(upto=5))
    assert cross_schema_fks(legacy_database) == set()


def test_007_leaves_strategy_id_a_plain_bigint(legacy_database):
    pg_cluster.apply_sql_files(legacy_database, pg_cluster.migration_paths())
    with psycopg.connect(legacy_database) as conn:
        rows = conn.execute(
            "SELECT table_name, data_type FROM information_schema.columns "
            "WHERE table_schema = 'order_service' AND column_name = 'strategy_id' ORDER BY table_name"
        ).fetchall()
    assert rows == [
        ("gtt_orders", "bigint"),
        ("orders", "bigint"),
        ("positions", "bigint"),
        ("trades", "bigint"),
    ]
