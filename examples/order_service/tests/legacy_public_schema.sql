-- The shared database as the monolith left it, before the order service's
-- migrations run: the other services' tables, most of them still in public.
--
-- Test fixture only (not part of any service): it recreates what production
-- already has so that the migrations and the service code run against the
-- real shapes.

-- algo_engine --------------------------------------------------------------

-- The newer strategy table the order migrations' foreign keys point at.
CREATE TABLE public.strategies (
    id                  BIGSERIAL     PRIMARY KEY,
    name                VARCHAR(128)  NOT NULL,
    trading_account_id  BIGINT        NOT NULL,
    created_at          TIMESTAMPTZ   NOT NULL DEFAULT NOW()
);

-- The legacy strategy table most of the service code still reads.
CREATE TABLE public.strategy (
    strategy_id         BIGSERIAL     PRIMARY KEY,
    name                VARCHAR(128)  NOT NULL,
    trading_account_id  BIGINT        NOT NULL,
    status              VARCHAR(16)   NOT NULL DEFAULT 'ACTIVE',
    is_default          BOOLEAN       NOT NULL DEFAULT FALSE,
    total_pnl           NUMERIC(18, 4) NOT NULL DEFAULT 0,
    created_by          VARCHAR(64),
    created_at          TIMESTAMPTZ   NOT NULL DEFAULT NOW(),
    updated_at          TIMESTAMPTZ   NOT NULL DEFAULT NOW()
);
CREATE UNIQUE INDEX uq_strategy_default_per_account
    ON public.strategy (trading_account_id) WHERE is_default;

CREATE TABLE public.portfolio (
    portfolio_id        BIGSERIAL     PRIMARY KEY,
    name                VARCHAR(128)  NOT NULL,
    trading_account_id  BIGINT        NOT NULL,
    is_default          BOOLEAN       NOT NULL DEFAULT FALSE,
    capital             NUMERIC(18, 2) NOT NULL DEFAULT 0,
    created_at          TIMESTAMPTZ   NOT NULL DEFAULT NOW()
);
CREATE UNIQUE INDEX uq_portfolio_default_per_account
    ON public.portfolio (trading_account_id) WHERE is_default;

CREATE TABLE public.strategy_portfolio (
    strategy_id         BIGINT        NOT NULL REFERENCES public.strategy (strategy_id),
    portfolio_id        BIGINT        NOT NULL REFERENCES public.portfolio (portfolio_id),
    allocation_pct      NUMERIC(5, 2) NOT NULL DEFAULT 100,
    PRIMARY KEY (strategy_id, portfolio_id)
);

-- user_service -------------------------------------------------------------

CREATE TABLE public.kite_accounts (
    account_id          VARCHAR(32)   PRIMARY KEY,
    user_id             BIGINT        NOT NULL,
    api_key             VARCHAR(64),
    sync_tier           VARCHAR(8)    NOT NULL DEFAULT 'cold' CHECK (sync_tier IN ('hot', 'warm', 'cold')),
    tier_updated_at     TIMESTAMPTZ,
    hot_tier_until      TIMESTAMPTZ,
    created_at          TIMESTAMPTZ   NOT NULL DEFAULT NOW()
);

CREATE TABLE public.holdings (
    id                  BIGSERIAL     PRIMARY KEY,
    account_id          VARCHAR(32)   NOT NULL REFERENCES public.kite_accounts (account_id),
    tradingsymbol       VARCHAR(64)   NOT NULL,
    exchange            VARCHAR(16)   NOT NULL,
    isin                VARCHAR(12),
    quantity            INTEGER       NOT NULL,
    average_price       NUMERIC(18, 4) NOT NULL,
    last_price          NUMERIC(18, 4),
    updated_at          TIMESTAMPTZ   NOT NULL DEFAULT NOW(),
    UNIQUE (account_id, tradingsymbol, exchange)
);

CREATE SCHEMA user_service;

CREATE TABLE user_service.trading_accounts (
    trading_account_id  BIGSERIAL     PRIMARY KEY,
    user_id             BIGINT        NOT NULL,
    broker              VARCHAR(32)   NOT NULL,
    broker_account_id   VARCHAR(32)   NOT NULL UNIQUE,
    nickname            VARCHAR(64),
    status              VARCHAR(16)   NOT NULL DEFAULT 'active',
    created_at          TIMESTAMPTZ   NOT NULL DEFAULT NOW()
);

-- The read-only view user_service grants to its consumers.
CREATE VIEW user_service.v_trading_accounts AS
    SELECT trading_account_id, user_id, broker, broker_account_id, nickname, status
    FROM user_service.trading_accounts;

-- market_data --------------------------------------------------------------

CREATE TABLE public.instrument_registry (
    instrument_token    BIGINT        PRIMARY KEY,
    exchange_token      BIGINT,
    tradingsymbol       VARCHAR(64)   NOT NULL,
    name                VARCHAR(128),
    exchange            VARCHAR(16)   NOT NULL,
    segment             VARCHAR(16),
    instrument_type     VARCHAR(8)    NOT NULL,
    lot_size            INTEGER       NOT NULL DEFAULT 1,
    tick_size           NUMERIC(10, 4) NOT NULL DEFAULT 0.05,
    expiry              DATE,
    strike              NUMERIC(18, 4),
    UNIQUE (tradingsymbol, exchange)
);

-- analytics ----------------------------------------------------------------

CREATE TABLE public.strategy_pnl_metrics (
    id                  BIGSERIAL     PRIMARY KEY,
    strategy_id         BIGINT        NOT NULL,
    metric_date         DATE          NOT NULL,
    day_pnl             NUMERIC(18, 4) NOT NULL DEFAULT 0,
    cumulative_pnl      NUMERIC(18, 4) NOT NULL DEFAULT 0,
    realized_pnl        NUMERIC(18, 4) NOT NULL DEFAULT 0,
    unrealized_pnl      NUMERIC(18, 4) NOT NULL DEFAULT 0,
    trade_count         INTEGER       NOT NULL DEFAULT 0,
    updated_at          TIMESTAMPTZ   NOT NULL DEFAULT NOW(),
    CONSTRAINT uq_strategy_pnl_metrics_strategy_date UNIQUE (strategy_id, metric_date)
);
