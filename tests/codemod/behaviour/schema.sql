-- The legacy shared database the behaviour corpus runs against (tests/codemod/behaviour).
--
-- One PostgreSQL database still holds every service's tables: the ones that
-- predate the split sit in `public`, each owned by one service (boundaries.toml),
-- algo_engine has its own schema, and the consumer (orders) owns `orders.*`.
-- No column defaults to now(): two runs of the same code must leave equal rows.

SET TIME ZONE 'UTC';

CREATE SCHEMA algo_engine;
CREATE SCHEMA orders;

-- algo_engine -------------------------------------------------------------

CREATE TABLE public.strategy (
    strategy_id        serial PRIMARY KEY,
    name               text        NOT NULL,
    trading_account_id bigint      NOT NULL,
    status             text        NOT NULL,
    is_default         boolean     NOT NULL DEFAULT FALSE,
    is_archived        boolean     NOT NULL DEFAULT FALSE,
    total_pnl          numeric(14, 2) NOT NULL DEFAULT 0,
    risk_score         integer,
    created_at         timestamptz NOT NULL,
    external_ref       uuid,
    config             jsonb,
    updated_by         text
);

CREATE TABLE public.portfolio (
    portfolio_id       integer PRIMARY KEY,
    name               text           NOT NULL,
    trading_account_id bigint         NOT NULL,
    capital            numeric(16, 2) NOT NULL,
    is_default         boolean        NOT NULL DEFAULT FALSE,
    closed_on          date
);

CREATE TABLE algo_engine.executions (
    execution_id bigserial PRIMARY KEY,
    strategy_id  integer        NOT NULL,
    order_ref    uuid           NOT NULL,
    status       text           NOT NULL,
    qty          integer        NOT NULL,
    price        numeric(12, 2) NOT NULL,
    executed_at  timestamptz    NOT NULL,
    trade_date   date           NOT NULL
);

-- user_service ------------------------------------------------------------

CREATE TABLE public.kite_accounts (
    account_id         text PRIMARY KEY,
    trading_account_id bigint         NOT NULL,
    user_name          text           NOT NULL,
    sync_tier          text           NOT NULL,
    is_active          boolean        NOT NULL,
    api_key_expires_at timestamptz,
    margin             numeric(14, 2)
);

-- market_data -------------------------------------------------------------

CREATE TABLE public.instrument_registry (
    instrument_token bigint PRIMARY KEY,
    tradingsymbol    text          NOT NULL,
    exchange         text          NOT NULL,
    segment          text          NOT NULL,
    lot_size         integer       NOT NULL,
    tick_size        numeric(10, 4) NOT NULL,
    expiry           date,
    is_tradable      boolean       NOT NULL
);

-- risk --------------------------------------------------------------------

CREATE TABLE public.risk_limits (
    limit_id           serial PRIMARY KEY,
    trading_account_id bigint         NOT NULL UNIQUE,
    max_order_value    numeric(14, 2) NOT NULL,
    max_daily_loss     numeric(14, 2),
    is_enabled         boolean        NOT NULL,
    updated_on         date           NOT NULL,
    note               text
);

-- orders (the consumer's own tables) -------------------------------------

CREATE TABLE orders.orders (
    order_id           serial PRIMARY KEY,
    trading_account_id bigint         NOT NULL,
    strategy_id        integer,
    tradingsymbol      text           NOT NULL,
    qty                integer        NOT NULL,
    side               text           NOT NULL,
    status             text           NOT NULL,
    price              numeric(12, 2),
    placed_at          timestamptz    NOT NULL
);

CREATE TABLE orders.order_events (
    event_id  serial PRIMARY KEY,
    order_id  integer,
    kind      text NOT NULL,
    detail    text
);

-- seed data ---------------------------------------------------------------

INSERT INTO public.strategy
    (name, trading_account_id, status, is_default, is_archived, total_pnl, risk_score, created_at, external_ref, config, updated_by)
VALUES
    ('Nifty momentum', 1001, 'active',   TRUE,  FALSE, 1250.50,  3,    '2024-01-05 09:15:00+00', '6f1c2a7e-3b7d-4f55-9a51-0d2c1b9e8a01', '{"lookback": 20, "symbols": ["NIFTY"]}', 'algo'),
    ('Bank mean revert', 1001, 'paused', FALSE, FALSE, -310.25, NULL, '2024-02-11 10:00:00+00', NULL, NULL, NULL),
    ('Options theta',   1001, 'active',  FALSE, FALSE, 98.00,   7,    '2024-03-20 08:30:00+00', 'a3f0e6b2-55c1-4d3e-8f7a-2b9d4c6e1f02', '{"legs": 4}', 'algo'),
    ('Old breakout',    1001, 'archived', FALSE, TRUE, 0.00,   2,    '2023-11-02 12:00:00+00', NULL, NULL, 'ops'),
    ('Swing basket',    1002, 'active',  TRUE,  FALSE, 5400.75, NULL, '2024-01-15 07:45:00+00', 'c7d8e9f0-1a2b-4c3d-9e8f-7a6b5c4d3e03', '{}', NULL),
    ('Scalper v2',      1002, 'draft',   FALSE, FALSE, 0.00,    5,    '2024-04-01 06:00:00+00', NULL, NULL, NULL),
    ('Scalper v3',      1002, 'draft',   FALSE, FALSE, 0.00,    NULL, '2024-04-02 06:00:00+00', NULL, NULL, NULL),
    ('Pairs trade',     1003, 'active',  FALSE, TRUE,  -42.10,  4,    '2024-02-28 11:11:00+00', NULL, '{"pair": ["INFY", "TCS"]}', 'algo');

INSERT INTO public.portfolio (portfolio_id, name, trading_account_id, capital, is_default, closed_on) VALUES
    (10, 'Core equity',   1001, 250000.00, TRUE,  NULL),
    (11, 'Derivatives',   1001, 100000.00, FALSE, NULL),
    (12, 'Closed pilot',  1001, 0.00,      FALSE, '2023-12-31'),
    (20, 'Swing capital', 1002, 75000.50,  TRUE,  NULL),
    (21, 'Core satellite',1002, 12000.00,  FALSE, NULL);

INSERT INTO algo_engine.executions (strategy_id, order_ref, status, qty, price, executed_at, trade_date) VALUES
    (1, '0b7e1d2c-0000-4000-8000-000000000001', 'filled',    50, 2450.10, '2024-05-02 09:20:00+00', '2024-05-02'),
    (1, '0b7e1d2c-0000-4000-8000-000000000002', 'filled',    25, 2460.00, '2024-05-02 10:05:00+00', '2024-05-02'),
    (1, '0b7e1d2c-0000-4000-8000-000000000003', 'pending',   10, 2470.55, '2024-05-03 09:16:00+00', '2024-05-03'),
    (1, '0b7e1d2c-0000-4000-8000-000000000004', 'cancelled', 10, 2400.00, '2024-05-03 09:30:00+00', '2024-05-03'),
    (3, '0b7e1d2c-0000-4000-8000-000000000005', 'partial',   75, 101.25,  '2024-05-03 11:00:00+00', '2024-05-03'),
    (3, '0b7e1d2c-0000-4000-8000-000000000006', 'filled',    75, 99.80,   '2024-05-06 09:45:00+00', '2024-05-06'),
    (5, '0b7e1d2c-0000-4000-8000-000000000007', 'filled',    5,  1810.00, '2024-05-06 13:10:00+00', '2024-05-06');

INSERT INTO public.kite_accounts (account_id, trading_account_id, user_name, sync_tier, is_active, api_key_expires_at, margin) VALUES
    ('ZX1001', 1001, 'asha',   'hot',  TRUE,  '2024-06-30 18:30:00+00', 152300.40),
    ('ZX1002', 1002, 'bilal',  'warm', TRUE,  '2024-05-31 18:30:00+00', 80000.00),
    ('ZX1003', 1003, 'chen',   'cold', FALSE, NULL,                     NULL),
    ('ZX1004', 1004, 'dev',    'warm', TRUE,  '2024-05-15 18:30:00+00', 0.00),
    ('ZX1005', 1005, 'esther', 'cold', TRUE,  '2025-01-01 00:00:00+00', 4200.10);

INSERT INTO public.instrument_registry (instrument_token, tradingsymbol, exchange, segment, lot_size, tick_size, expiry, is_tradable) VALUES
    (256265,  'NIFTY 50',        'NSE', 'INDICES', 1,   0.0500, NULL,         FALSE),
    (738561,  'RELIANCE',        'NSE', 'EQ',      1,   0.0500, NULL,         TRUE),
    (408065,  'INFY',            'NSE', 'EQ',      1,   0.0500, NULL,         TRUE),
    (2953217, 'TCS',             'NSE', 'EQ',      1,   0.0500, NULL,         TRUE),
    (12335874,'NIFTY24MAYFUT',   'NFO', 'FUT',     50,  0.0500, '2024-05-30', TRUE),
    (12336130,'NIFTY24JUNFUT',   'NFO', 'FUT',     50,  0.0500, '2024-06-27', TRUE),
    (13517058,'BANKNIFTY24MAYFUT','NFO','FUT',     15,  0.0500, '2024-05-29', TRUE),
    (5633,    'ACC',             'BSE', 'EQ',      1,   0.0100, NULL,         FALSE);

INSERT INTO public.risk_limits (trading_account_id, max_order_value, max_daily_loss, is_enabled, updated_on, note) VALUES
    (1001, 500000.00, 25000.00, TRUE,  '2024-04-01', NULL),
    (1002, 200000.00, NULL,     TRUE,  '2024-03-15', 'manual review pending'),
    (1003, 50000.00,  5000.00,  FALSE, '2023-12-01', 'account frozen'),
    (1004, 100000.00, 10000.00, FALSE, '2024-04-20', NULL),
    (1005, 75000.00,  7500.00,  TRUE,  '2024-02-10', NULL);

INSERT INTO orders.orders (trading_account_id, strategy_id, tradingsymbol, qty, side, status, price, placed_at) VALUES
    (1001, 1, 'RELIANCE', 50, 'BUY',  'COMPLETE', 2450.10, '2024-05-02 09:19:58+00'),
    (1001, 3, 'NIFTY24MAYFUT', 75, 'SELL', 'OPEN', 101.25, '2024-05-03 10:59:59+00'),
    (1002, 5, 'INFY', 5, 'BUY', 'COMPLETE', 1810.00, '2024-05-06 13:09:30+00');
