-- Analytics marts. The analytics service may read tradingdb.fills and public.strategy.
\connect trading
SET ROLE analytics_owner;

CREATE SCHEMA IF NOT EXISTS analytics;

CREATE MATERIALIZED VIEW analytics.mv_fills_by_strategy AS
SELECT s.strategy_id,
       s.name,
       date_trunc('day', f.filled_at) AS day,
       sum(f.qty * f.price)           AS notional,
       count(DISTINCT o.account_id)   AS accounts
FROM tradingdb.fills f
JOIN tradingdb.orders o        ON o.id = f.order_id
JOIN public.strategy s         ON s.strategy_id = o.strategy_id
LEFT JOIN public.portfolio p   ON p.id = o.portfolio_id
LEFT JOIN tradingdb.accounts a ON a.account_id = o.account_id
GROUP BY 1, 2, 3
WITH NO DATA;

REFRESH MATERIALIZED VIEW analytics.mv_fills_by_strategy;

CREATE TABLE analytics.account_daily (
    account_id bigint REFERENCES tradingdb.accounts (account_id),
    day        date,
    pnl        numeric,
    PRIMARY KEY (account_id, day)
);

INSERT INTO analytics.account_daily (account_id, day, pnl)
SELECT a.account_id, current_date, sum(b.cash)
FROM tradingdb.accounts a
JOIN tradingdb.balances b USING (account_id)
GROUP BY 1;

INSERT INTO pnl_daily SELECT * FROM analytics.pnl_staging;
MERGE INTO public.strategy_pnl_metrics m
USING analytics.pnl_staging s ON s.strategy_id = m.strategy_id
WHEN MATCHED THEN UPDATE SET pnl = s.pnl
WHEN NOT MATCHED THEN INSERT (strategy_id, pnl) VALUES (s.strategy_id, s.pnl);

MERGE INTO public.strategy t
USING analytics.pnl_staging s ON s.strategy_id = t.strategy_id
WHEN MATCHED THEN UPDATE SET last_pnl = s.pnl;

COPY analytics.pnl_staging FROM '/tmp/pnl.csv' WITH (FORMAT csv);
COPY tradingdb.candles FROM '/tmp/candles.csv' CSV HEADER;
COPY (SELECT * FROM tradingdb.quotes WHERE ts > now() - interval '1 day') TO '/tmp/quotes.csv' CSV;

CREATE VIEW analytics.v_portfolio AS TABLE public.portfolio;

SELECT * INTO analytics.strategy_snapshot FROM public.strategy;
SELECT * INTO public.strategy_snapshot FROM public.strategy;


-- expect: 14 BND100 tradingdb.orders
-- expect: 16 BND100 public.portfolio
-- expect: 17 BND100 tradingdb.accounts
-- expect: 24 BND102 tradingdb.accounts
-- expect: 32 BND100 tradingdb.accounts
-- expect: 33 BND100 tradingdb.balances
-- expect: 42 BND101 public.strategy
-- expect: 47 BND101 tradingdb.candles
-- expect: 48 BND100 tradingdb.quotes
-- expect: 50 BND100 public.portfolio
-- expect: 53 BND104 public.strategy_snapshot
-- expect: 13 BND107 tradingdb.fills
-- expect: 24 BND107 tradingdb.accounts
-- expect: 32 BND107 tradingdb.accounts
-- expect: 43 BND107 analytics.pnl_staging
-- expect: 50 BND107 public.portfolio
-- expect: 52 BND107 public.strategy
