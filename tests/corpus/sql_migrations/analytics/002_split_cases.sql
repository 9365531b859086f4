-- Views and statements across owners, in the service that moves to its own database first.
CREATE VIEW analytics.v_strategy_pnl AS
SELECT s.strategy_id, s.name, m.pnl
FROM public.strategy s
JOIN public.strategy_pnl_metrics m ON m.strategy_id = s.strategy_id;

CREATE VIEW analytics.v_own AS
SELECT d.portfolio_id, d.pnl FROM pnl_daily d JOIN analytics.pnl_staging s USING (portfolio_id);

UPDATE analytics.report_cache r SET qty = f.qty FROM tradingdb.fills f WHERE f.id = r.fill_id;

DO $$
BEGIN
  INSERT INTO analytics.report_cache (id) SELECT id FROM tradingdb.orders;
END $$;

CREATE TABLE analytics.fill_marks (
    fill_id bigint REFERENCES tradingdb.fills (id),
    mark numeric
);

SELECT * FROM tradingdb.orders o JOIN tradingdb.accounts a ON a.account_id = o.account_id;

INSERT INTO pnl_daily SELECT * FROM public.unknown_pnl;

-- expect: 4 BND107 public.strategy
-- expect: 10 BND107 tradingdb.fills
-- expect: 14 BND100 tradingdb.orders
-- expect: 14 BND107 tradingdb.orders
-- expect: 18 BND102 tradingdb.fills
-- expect: 18 BND107 tradingdb.fills
-- expect: 22 BND100 tradingdb.orders
-- expect: 22 BND100 tradingdb.accounts
-- expect: 24 BND104 public.unknown_pnl
