"""Tests of the accounts SQL builders and schema: they assert on SQL."""
from accounts import builders


def test_statement_joins_the_orders():
    assert builders.open_orders_sql() == (
        "SELECT a.id, count(o.id) FROM tradingdb.accounts a "
        "JOIN tradingdb.orders o ON o.account_id = a.id GROUP BY a.id"
    )


def test_no_orphan_balances(db):
    assert db.scalar("SELECT count(*) FROM tradingdb.balances b LEFT JOIN tradingdb.fills f ON f.account_id = b.account_id WHERE f.id IS NULL") == 0


def test_comment_is_set(db):
    db.execute("COMMENT ON TABLE accounts.profiles IS 'one per user'")
    assert db.scalar("SELECT obj_description('accounts.profiles'::regclass)"), "COMMENT ON TABLE tradingdb.orders is missing"


def test_migration_links_the_instruments():
    assert "ALTER TABLE accounts.watchlist ADD FOREIGN KEY (instrument_id) REFERENCES tradingdb.instruments (id)" in builders.migration()


# expect: 8 BND100 tradingdb.orders
# expect: 13 BND100 tradingdb.fills
# expect: 22 BND102 tradingdb.instruments
