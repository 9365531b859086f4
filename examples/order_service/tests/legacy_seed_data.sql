-- A small, consistent data set for the service tests (applied to the
-- template database after legacy_public_schema.sql, before the migrations).

INSERT INTO user_service.trading_accounts
    (trading_account_id, user_id, broker, broker_account_id, nickname, status)
VALUES
    (1001, 1, 'zerodha', 'ZX1001', 'main', 'active'),
    (1002, 2, 'zerodha', 'ZX1002', 'swing', 'active'),
    (1003, 3, 'zerodha', 'ZX1003', NULL, 'suspended');
SELECT setval(pg_get_serial_sequence('user_service.trading_accounts', 'trading_account_id'), 5000);

INSERT INTO public.kite_accounts (account_id, user_id, api_key, sync_tier)
VALUES
    ('ZX1001', 1, 'kite_key_1', 'cold'),
    ('ZX1002', 2, 'kite_key_2', 'warm'),
    ('ZX1003', 3, 'kite_key_3', 'cold');

INSERT INTO public.holdings (account_id, tradingsymbol, exchange, isin, quantity, average_price, last_price)
VALUES
    ('ZX1001', 'INFY', 'NSE', 'INE009A01021', 10, 1450.00, 1502.35),
    ('ZX1001', 'TCS', 'NSE', 'INE467B01029', 5, 3300.00, 3851.10),
    ('ZX1002', 'HDFCBANK', 'NSE', 'INE040A01034', 20, 1520.50, 1610.00);

INSERT INTO public.strategies (id, name, trading_account_id)
VALUES
    (1, 'Nifty momentum', 1001),
    (2, 'Bank Nifty mean reversion', 1001),
    (3, 'Default strategy', 1002);
SELECT setval(pg_get_serial_sequence('public.strategies', 'id'), 100);

INSERT INTO public.strategy (strategy_id, name, trading_account_id, status, is_default, created_by)
VALUES
    (1, 'Nifty momentum', 1001, 'ACTIVE', FALSE, 'algo_engine'),
    (2, 'Bank Nifty mean reversion', 1001, 'PAUSED', FALSE, 'algo_engine'),
    (3, 'Default strategy', 1002, 'ACTIVE', TRUE, 'algo_engine');
SELECT setval(pg_get_serial_sequence('public.strategy', 'strategy_id'), 100);

INSERT INTO public.portfolio (portfolio_id, name, trading_account_id, is_default, capital)
VALUES
    (1, 'Momentum book', 1001, FALSE, 500000),
    (2, 'Mean reversion book', 1001, FALSE, 250000);
SELECT setval(pg_get_serial_sequence('public.portfolio', 'portfolio_id'), 100);

INSERT INTO public.strategy_portfolio (strategy_id, portfolio_id, allocation_pct)
VALUES (1, 1, 100), (2, 2, 60);

INSERT INTO public.instrument_registry
    (instrument_token, exchange_token, tradingsymbol, name, exchange, segment, instrument_type, lot_size, tick_size, expiry)
VALUES
    (408065, 1594, 'INFY', 'INFOSYS', 'NSE', 'NSE', 'EQ', 1, 0.05, NULL),
    (2953217, 11536, 'TCS', 'TATA CONSULTANCY SERV', 'NSE', 'NSE', 'EQ', 1, 0.05, NULL),
    (341249, 1333, 'HDFCBANK', 'HDFC BANK', 'NSE', 'NSE', 'EQ', 1, 0.05, NULL),
    (13368834, 52222, 'NIFTY24DECFUT', 'NIFTY', 'NFO', 'NFO-FUT', 'FUT', 25, 0.05, DATE '2024-12-26');

INSERT INTO public.strategy_pnl_metrics (strategy_id, metric_date, day_pnl, cumulative_pnl, realized_pnl, trade_count)
VALUES
    (1, DATE '2024-06-03', 1500, 1500, 1500, 4),
    (1, DATE '2024-06-04', -500, 1000, -500, 2),
    (2, DATE '2024-06-04', 250, 250, 250, 1);
