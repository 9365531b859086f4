-- 007: schema isolation. Drop every foreign key into another service's tables.
--
-- strategy_id stays a plain BIGINT with no constraint: the order service
-- validates it through the algo engine API (StrategyServiceClient.validate_strategy)
-- before it writes an order.

ALTER TABLE order_service.orders DROP CONSTRAINT IF EXISTS fk_orders_strategy_id;
ALTER TABLE order_service.trades DROP CONSTRAINT IF EXISTS fk_trades_strategy_id;
ALTER TABLE order_service.positions DROP CONSTRAINT IF EXISTS fk_positions_strategy_id;

ALTER TABLE order_service.orders ALTER COLUMN strategy_id TYPE BIGINT;
ALTER TABLE order_service.trades ALTER COLUMN strategy_id TYPE BIGINT;
ALTER TABLE order_service.positions ALTER COLUMN strategy_id TYPE BIGINT;
ALTER TABLE order_service.gtt_orders ALTER COLUMN strategy_id TYPE BIGINT;

COMMENT ON COLUMN order_service.orders.strategy_id IS
    'algo_engine strategy id; was a FK to public.strategies, now checked through the strategy API';
