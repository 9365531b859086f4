-- Saved report queries of the strategies team, one per block, no semicolons:
-- the report runner sends each block on its own.

-- report: fills per strategy this week
WITH recent AS (
    SELECT strategy_id, count(*) AS n
      FROM tradingdb.fills
     WHERE filled_at > now() - interval '7 days'
     GROUP BY strategy_id
)
SELECT s.name, recent.n
  FROM recent
  JOIN strategy s ON s.id = recent.strategy_id

-- report: open orders by account
WITH open_orders AS (
    SELECT account_id, count(*) AS n FROM tradingdb.orders WHERE status = 'open' GROUP BY 1
), ranked AS (
    SELECT account_id, n, rank() OVER (ORDER BY n DESC) AS r FROM open_orders
)
SELECT a.name, ranked.n
  FROM ranked
  JOIN tradingdb.accounts a ON a.id = ranked.account_id
 WHERE ranked.r <= 20

-- report: portfolio sizes (own tables)
SELECT p.id, count(*) FROM portfolio p JOIN strategy_portfolio sp ON sp.portfolio_id = p.id GROUP BY 1

-- expect: 7 BND100 tradingdb.fills
-- expect: 17 BND100 tradingdb.orders
-- expect: 23 BND100 tradingdb.accounts
