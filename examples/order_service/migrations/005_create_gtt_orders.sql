-- 005: good-till-triggered orders kept at the broker until a price is hit.

CREATE TABLE IF NOT EXISTS order_service.gtt_orders (
    id                  BIGSERIAL     PRIMARY KEY,
    trading_account_id  BIGINT        NOT NULL,
    strategy_id         INTEGER,
    broker_trigger_id   VARCHAR(64)   UNIQUE,
    tradingsymbol       VARCHAR(64)   NOT NULL,
    exchange            VARCHAR(16)   NOT NULL,
    instrument_token    BIGINT        NOT NULL,
    trigger_type        VARCHAR(8)    NOT NULL CHECK (trigger_type IN ('single', 'two-leg')),
    trigger_values      JSONB         NOT NULL,
    last_price          NUMERIC(18, 4) NOT NULL,
    orders              JSONB         NOT NULL,
    status              VARCHAR(16)   NOT NULL DEFAULT 'active'
                        CHECK (status IN ('active', 'triggered', 'cancelled', 'expired', 'rejected')),
    parent_order_id     UUID          REFERENCES order_service.orders (id) ON DELETE SET NULL,
    expires_at          TIMESTAMPTZ,
    created_at          TIMESTAMPTZ   NOT NULL DEFAULT NOW(),
    updated_at          TIMESTAMPTZ   NOT NULL DEFAULT NOW()
);

CREATE INDEX IF NOT EXISTS idx_gtt_orders_account_status ON order_service.gtt_orders (trading_account_id, status);

CREATE TRIGGER trg_gtt_orders_updated_at
    BEFORE UPDATE ON order_service.gtt_orders
    FOR EACH ROW
    EXECUTE FUNCTION order_service.set_updated_at();
