-- Order service schema.
-- Note: earlier drafts referenced public.strategy directly; that coupling is gone.
\set ON_ERROR_STOP on
\echo 'creating the orders schema'
SET search_path = orders, tradingdb, public;

CREATE SCHEMA IF NOT EXISTS orders AUTHORIZATION orders_owner;

CREATE TABLE orders.positions (
    id            bigserial PRIMARY KEY,
    account_id    bigint NOT NULL REFERENCES tradingdb.accounts (account_id),
    instrument_id bigint NOT NULL REFERENCES tradingdb.instruments,
    portfolio_id  bigint,
    quantity      numeric(18, 4) NOT NULL DEFAULT 0,
    CONSTRAINT fk_positions_portfolio FOREIGN KEY (portfolio_id)
        REFERENCES public.portfolio (id) ON DELETE SET NULL
);

CREATE TABLE IF NOT EXISTS order_notes (
    id           bigserial PRIMARY KEY,
    position_id  bigint REFERENCES positions (id),
    strategy_id  bigint REFERENCES strategy (strategy_id),
    body         text
);

/*
 * The quotes table below is read by a view; a comment naming
 * tradingdb.balances must not count.
 */
CREATE VIEW orders.v_position_values AS
SELECT p.id, p.quantity * q.price AS value
FROM orders.positions p
JOIN LATERAL (
    SELECT price FROM tradingdb.quotes WHERE instrument_id = p.instrument_id ORDER BY ts DESC LIMIT 1
) q ON true;

CREATE INDEX CONCURRENTLY IF NOT EXISTS ix_positions_account ON orders.positions (account_id);
CREATE UNIQUE INDEX ix_instruments_symbol ON tradingdb.instruments (symbol);

ALTER TABLE tradingdb.orders ADD COLUMN position_id bigint REFERENCES orders.positions (id);
ALTER TABLE tradingdb.balances ADD COLUMN last_order_at timestamptz;
ALTER TABLE ONLY tradingdb.accounts ALTER COLUMN status SET DEFAULT 'active';

GRANT SELECT ON orders.positions TO analytics_ro;
GRANT SELECT, UPDATE ON tradingdb.signals TO orders_rw;
COMMENT ON TABLE orders.positions IS 'Open positions; replaces public.portfolio_positions';
COMMENT ON COLUMN tradingdb.quotes.price IS 'last traded price';


-- expect: 11 BND102 tradingdb.accounts
-- expect: 12 BND102 tradingdb.instruments
-- expect: 16 BND102 public.portfolio
-- expect: 22 BND102 public.strategy
-- expect: 34 BND100 tradingdb.quotes
-- expect: 38 BND103 tradingdb.instruments
-- expect: 41 BND103 tradingdb.balances
-- expect: 42 BND103 tradingdb.accounts
-- expect: 45 BND103 tradingdb.signals
-- expect: 47 BND103 tradingdb.quotes
