-- V011: pgTAP checks, a pivot report and scheduled clean-ups of the strategies service.
SELECT plan(3);
SELECT results_eq(
    $q$SELECT count(*)::int FROM tradingdb.orders WHERE strategy_id IS NULL$q$,
    $q$VALUES (0)$q$,
    'every order has a strategy'
);
SELECT lives_ok($$INSERT INTO strategy (name) VALUES ('t')$$, 'own table');
SELECT * FROM crosstab(
    'SELECT s.name, f.side, count(*)::int FROM strategy s JOIN tradingdb.fills f ON f.strategy_id = s.id GROUP BY 1, 2 ORDER BY 1, 2'
) AS ct(name text, buy int, sell int);
SELECT cron.schedule('purge', '0 3 * * *', $$DELETE FROM tradingdb.order_events WHERE created_at < now() - interval '30 days'$$);
SELECT 'SELECT * FROM tradingdb.quotes' AS example_text;

CREATE OR REPLACE FUNCTION prune(p_days int) RETURNS void LANGUAGE plpgsql AS $fn$
BEGIN
    EXECUTE format('DELETE FROM backtests WHERE finished < now() - %L::interval', p_days || ' days');
    EXECUTE format('UPDATE tradingdb.orders SET strategy_id = NULL WHERE strategy_id = %L', 0);
    EXECUTE format('TRUNCATE %I.%I', 'tradingdb', 'quotes');
END
$fn$;

-- expect: 4 BND100 tradingdb.orders
-- expect: 10 BND100 tradingdb.fills
-- expect: 12 BND101 tradingdb.order_events
-- expect: 18 BND101 tradingdb.orders
