-- 006: tie order rows to the algo engine's strategies.
--
-- public.strategies and public.strategy_pnl_metrics are not ours (algo_engine
-- and analytics own them). These constraints make the order service's
-- deployments depend on another service's schema; 007 takes them out again.

ALTER TABLE order_service.orders
    ADD CONSTRAINT fk_orders_strategy_id
    FOREIGN KEY (strategy_id) REFERENCES public.strategies (id);

-- trades and positions may already carry the constraint on databases that
-- were patched by hand, so only add what is missing.
DO $$
BEGIN
    IF NOT EXISTS (
        SELECT 1 FROM pg_constraint
        WHERE conname = 'fk_trades_strategy_id'
          AND conrelid = 'order_service.trades'::regclass
    ) THEN
        ALTER TABLE order_service.trades
            ADD CONSTRAINT fk_trades_strategy_id
            FOREIGN KEY (strategy_id) REFERENCES public.strategies (id);
    END IF;

    IF NOT EXISTS (
        SELECT 1 FROM pg_constraint
        WHERE conname = 'fk_positions_strategy_id'
          AND conrelid = 'order_service.positions'::regclass
    ) THEN
        ALTER TABLE order_service.positions
            ADD CONSTRAINT fk_positions_strategy_id
            FOREIGN KEY (strategy_id) REFERENCES public.strategies (id) ON DELETE RESTRICT;
    END IF;
END
$$;

-- The P&L job looks up the latest cumulative P&L before a date.
CREATE INDEX IF NOT EXISTS idx_strategy_pnl_metrics_strategy_date
    ON public.strategy_pnl_metrics (strategy_id, metric_date DESC);
