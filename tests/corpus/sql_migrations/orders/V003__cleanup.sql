-- Remove the cross-service foreign keys (the fix: never a finding).
BEGIN;
ALTER TABLE orders.positions DROP CONSTRAINT IF EXISTS fk_positions_portfolio;
ALTER TABLE orders.order_notes DROP CONSTRAINT order_notes_strategy_id_fkey;
ALTER TABLE tradingdb.orders DROP CONSTRAINT IF EXISTS orders_signal_id_fkey;

-- Copy what we still need.
INSERT INTO orders.strategy_names (strategy_id, name)
SELECT strategy_id, name FROM public.strategy
ON CONFLICT (strategy_id) DO UPDATE SET name = EXCLUDED.name;

WITH strategy AS (
    SELECT DISTINCT strategy_id FROM tradingdb.orders
)
DELETE FROM orders.strategy_names n USING strategy s WHERE n.strategy_id <> s.strategy_id;

UPDATE tradingdb.signals s
   SET consumed = true
  FROM tradingdb.orders o
 WHERE o.signal_id = s.signal_id;

TRUNCATE TABLE tradingdb.order_events;
TRUNCATE tradingdb.quotes_staging;
DROP VIEW IF EXISTS public.v_order_strategy;
DROP TABLE IF EXISTS public.portfolio_positions CASCADE;
LOCK TABLE tradingdb.balances IN SHARE MODE;
COMMIT;

\i V004__seed.sql


-- expect: 9 BND100 public.strategy
-- expect: 17 BND101 tradingdb.signals
-- expect: 23 BND104 tradingdb.quotes_staging
-- expect: 24 BND104 public.v_order_strategy
-- expect: 25 BND104 public.portfolio_positions
-- expect: 26 BND101 tradingdb.balances
-- expect: 17 BND108 tradingdb.signals
