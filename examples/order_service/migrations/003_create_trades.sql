-- 003: fills reported by the broker, one row per trade.

CREATE TABLE IF NOT EXISTS order_service.trades (
    id                  BIGSERIAL     PRIMARY KEY,
    order_id            UUID          NOT NULL REFERENCES order_service.orders (id) ON DELETE CASCADE,
    trading_account_id  BIGINT        NOT NULL,
    strategy_id         INTEGER,
    broker_trade_id     VARCHAR(64)   UNIQUE,
    tradingsymbol       VARCHAR(64)   NOT NULL,
    exchange            VARCHAR(16)   NOT NULL,
    instrument_token    BIGINT        NOT NULL,
    transaction_type    VARCHAR(4)    NOT NULL CHECK (transaction_type IN ('BUY', 'SELL')),
    quantity            INTEGER       NOT NULL CHECK (quantity > 0),
    price               NUMERIC(18, 4) NOT NULL CHECK (price > 0),
    charges             NUMERIC(18, 4) NOT NULL DEFAULT 0,
    traded_at           TIMESTAMPTZ   NOT NULL DEFAULT NOW()
);

CREATE INDEX IF NOT EXISTS idx_trades_order_id ON order_service.trades (order_id);
CREATE INDEX IF NOT EXISTS idx_trades_strategy_traded_at ON order_service.trades (strategy_id, traded_at);
