-- 002: orders placed through the order service.
--
-- strategy_id is the algo engine's strategy id. It starts as INTEGER, as the
-- legacy monolith had it; 007 widens it to BIGINT.

CREATE TABLE IF NOT EXISTS order_service.orders (
    id                  UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    trading_account_id  BIGINT        NOT NULL,
    strategy_id         INTEGER,
    broker_order_id     VARCHAR(64),
    idempotency_key     VARCHAR(64)   UNIQUE,
    tradingsymbol       VARCHAR(64)   NOT NULL,
    exchange            VARCHAR(16)   NOT NULL,
    instrument_token    BIGINT,
    transaction_type    VARCHAR(4)    NOT NULL CHECK (transaction_type IN ('BUY', 'SELL')),
    order_type          VARCHAR(8)    NOT NULL CHECK (order_type IN ('MARKET', 'LIMIT', 'SL', 'SL-M')),
    product             VARCHAR(8)    NOT NULL DEFAULT 'MIS' CHECK (product IN ('CNC', 'MIS', 'NRML')),
    quantity            INTEGER       NOT NULL CHECK (quantity > 0),
    price               NUMERIC(18, 4) CHECK (price IS NULL OR price > 0),
    trigger_price       NUMERIC(18, 4),
    status              VARCHAR(16)   NOT NULL DEFAULT 'PENDING'
                        CHECK (status IN ('PENDING', 'OPEN', 'COMPLETE', 'CANCELLED', 'REJECTED')),
    filled_quantity     INTEGER       NOT NULL DEFAULT 0 CHECK (filled_quantity >= 0),
    average_price       NUMERIC(18, 4),
    status_message      TEXT,
    created_at          TIMESTAMPTZ   NOT NULL DEFAULT NOW(),
    updated_at          TIMESTAMPTZ   NOT NULL DEFAULT NOW()
);

CREATE INDEX IF NOT EXISTS idx_orders_trading_account_id ON order_service.orders (trading_account_id);
CREATE INDEX IF NOT EXISTS idx_orders_strategy_id ON order_service.orders (strategy_id);
CREATE INDEX IF NOT EXISTS idx_orders_status ON order_service.orders (status);
CREATE INDEX IF NOT EXISTS idx_orders_account_created ON order_service.orders (trading_account_id, created_at DESC);

CREATE TRIGGER trg_orders_updated_at
    BEFORE UPDATE ON order_service.orders
    FOR EACH ROW
    EXECUTE FUNCTION order_service.set_updated_at();
