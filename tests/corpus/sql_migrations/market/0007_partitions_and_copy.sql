-- Market data: partitions, psql \copy, functions with EXECUTE.
\set ON_ERROR_STOP 1
\timing on

BEGIN;

CREATE TABLE tradingdb.candles_2025 PARTITION OF tradingdb.candles
    FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');

ALTER TABLE tradingdb.quotes SET (autovacuum_vacuum_scale_factor = 0.01);
ALTER TABLE tradingdb.fills ALTER COLUMN price TYPE numeric(20, 6);
ALTER TABLE tradingdb.order_events RENAME TO order_events_old;
ALTER TABLE market.ticks SET SCHEMA archive;
CREATE TABLE market.tick_archive () INHERITS (market.ticks);
CREATE TABLE market.fill_mirror (LIKE tradingdb.fills INCLUDING DEFAULTS);

CREATE OR REPLACE FUNCTION market.purge_quotes(days integer) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER AS $$
BEGIN
    EXECUTE format('DELETE FROM tradingdb.%I WHERE ts < now() - $1 * interval ''1 day''', 'quotes') USING days;
    EXECUTE 'DELETE FROM tradingdb.signals WHERE created_at < now() - interval ''90 days''';
    DELETE FROM tradingdb.order_events WHERE kind = 'quote_purge';
END;
$$;

CREATE RULE no_delete AS ON DELETE TO tradingdb.instruments DO INSTEAD NOTHING;
CREATE TRIGGER trg_fill_quote AFTER INSERT ON tradingdb.fills
    FOR EACH ROW EXECUTE FUNCTION market.touch_quote();

COMMIT;

\copy tradingdb.quotes (instrument_id, ts, price) FROM 'quotes.csv' WITH (FORMAT csv)
\copy (SELECT * FROM tradingdb.orders WHERE status = 'open') TO 'open_orders.csv' CSV HEADER
\copy public.strategy FROM 'strategy.csv' CSV

-- Prose the DBA left behind, in a comment: DELETE FROM public.portfolio when empty.


-- expect: 7 BND104 tradingdb.candles_2025
-- expect: 11 BND103 tradingdb.fills
-- expect: 12 BND103 tradingdb.order_events
-- expect: 15 BND100 tradingdb.fills
-- expect: 21 BND101 tradingdb.signals
-- expect: 22 BND101 tradingdb.order_events
-- expect: 27 BND103 tradingdb.fills
-- expect: 33 BND100 tradingdb.orders
-- expect: 34 BND101 public.strategy
