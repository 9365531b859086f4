-- Functions and triggers of the order service.

CREATE OR REPLACE FUNCTION orders.touch_strategy() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    v_count integer;
BEGIN
    SELECT count(*) INTO v_count FROM tradingdb.fills WHERE order_id = NEW.id;
    IF v_count > 0 THEN
        UPDATE public.strategy SET last_fill_at = now() WHERE strategy_id = NEW.strategy_id;
    END IF;
    INSERT INTO tradingdb.order_events (order_id, kind) VALUES (NEW.id, TG_OP);
    PERFORM pg_notify('orders', NEW.id::text);
    RETURN NEW;
END;
$$;

CREATE TRIGGER trg_touch_strategy
    AFTER UPDATE ON tradingdb.orders
    FOR EACH ROW EXECUTE FUNCTION orders.touch_strategy();

CREATE TRIGGER trg_quote_audit
    AFTER INSERT ON tradingdb.quotes
    FOR EACH ROW EXECUTE FUNCTION orders.touch_strategy();

CREATE FUNCTION orders.account_cash(p_account bigint) RETURNS numeric
LANGUAGE sql STABLE AS $fn$
    SELECT b.cash FROM tradingdb.balances b WHERE b.account_id = p_account
$fn$;

CREATE OR REPLACE FUNCTION orders.rebuild_positions() RETURNS void
LANGUAGE plpgsql AS $body$
DECLARE
    r record;
BEGIN
    FOR r IN SELECT o.account_id, o.instrument_id, sum(f.qty) AS qty
             FROM tradingdb.orders o JOIN tradingdb.fills f ON f.order_id = o.id
             GROUP BY 1, 2
    LOOP
        INSERT INTO orders.positions (account_id, instrument_id, quantity)
        VALUES (r.account_id, r.instrument_id, r.qty)
        ON CONFLICT DO NOTHING;
    END LOOP;
    DELETE FROM public.strategy_portfolio sp
    WHERE NOT EXISTS (SELECT 1 FROM orders.positions p WHERE p.portfolio_id = sp.portfolio_id);
END
$body$;

DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_indexes WHERE indexname = 'ix_signals_state') THEN
        CREATE INDEX ix_signals_state ON tradingdb.signals (state);
    END IF;
    IF EXISTS (SELECT 1 FROM tradingdb.candles LIMIT 1) THEN
        RAISE NOTICE 'SELECT * FROM public.portfolio is not run: it is a message';
    END IF;
END
$$;


-- expect: 10 BND101 public.strategy
-- expect: 23 BND103 tradingdb.quotes
-- expect: 28 BND100 tradingdb.balances
-- expect: 44 BND101 public.strategy_portfolio
-- expect: 52 BND103 tradingdb.signals
-- expect: 54 BND100 tradingdb.candles
