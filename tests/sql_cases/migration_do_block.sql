-- 0042: link orders to strategies (the FK crosses a service boundary)
SET search_path = order_service, public;

CREATE TABLE IF NOT EXISTS order_service.orders (
    id uuid PRIMARY KEY,
    strategy_id int NOT NULL,
    note text DEFAULT 'FROM public.not_a_table; -- nor this'
);

DO $$
BEGIN
    IF NOT EXISTS (
        SELECT 1 FROM information_schema.table_constraints
        WHERE constraint_name = 'fk_orders_strategy'
    ) THEN
        ALTER TABLE order_service.orders
            ADD CONSTRAINT fk_orders_strategy FOREIGN KEY (strategy_id)
            REFERENCES public.strategy (id);
    END IF;
    /* the old index; DROP TABLE public.ignored; */
    CREATE INDEX IF NOT EXISTS ix_orders_strategy ON order_service.orders (strategy_id);
EXCEPTION
    WHEN duplicate_object THEN
        RAISE NOTICE 'constraint exists; skipping';
END
$$;

COMMENT ON COLUMN order_service.orders.strategy_id IS 'see public.strategy';
