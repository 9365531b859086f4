-- 004: net positions per account, strategy, instrument and product.
--
-- Written against the service's search_path, as the deploy tooling runs it:
-- the unqualified names below are order_service tables.

SET search_path TO order_service, public;

CREATE TABLE IF NOT EXISTS positions (
    id                  BIGSERIAL     PRIMARY KEY,
    trading_account_id  BIGINT        NOT NULL,
    strategy_id         INTEGER       NOT NULL,
    tradingsymbol       VARCHAR(64)   NOT NULL,
    exchange            VARCHAR(16)   NOT NULL,
    instrument_token    BIGINT        NOT NULL,
    product             VARCHAR(8)    NOT NULL DEFAULT 'MIS',
    quantity            INTEGER       NOT NULL DEFAULT 0,
    average_price       NUMERIC(18, 4) NOT NULL DEFAULT 0,
    last_price          NUMERIC(18, 4),
    realized_pnl        NUMERIC(18, 4) NOT NULL DEFAULT 0,
    unrealized_pnl      NUMERIC(18, 4) NOT NULL DEFAULT 0,
    updated_at          TIMESTAMPTZ   NOT NULL DEFAULT NOW(),
    CONSTRAINT uq_positions_account_strategy_instrument
        UNIQUE (trading_account_id, strategy_id, instrument_token, product)
);

CREATE INDEX IF NOT EXISTS idx_positions_strategy_id ON positions (strategy_id);

CREATE TRIGGER trg_positions_updated_at
    BEFORE UPDATE ON positions
    FOR EACH ROW
    EXECUTE FUNCTION set_updated_at();

RESET search_path;
