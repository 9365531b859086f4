SELECT
    o.id,
    o.created_at,
    o.quantity,
    o.price,
    s.name          AS strategy_name,
    p.name          AS portfolio_name,
    ka.broker_id,
    ta.account_no,
    ir.symbol,
    ir.exchange,
    u.email
FROM order_service.orders o
JOIN public.strategy s
    ON s.id = o.strategy_id
LEFT JOIN public.strategy_portfolio sp
    ON sp.strategy_id = s.id
LEFT JOIN public.portfolio p
    ON p.id = sp.portfolio_id
JOIN public.kite_accounts ka
    ON ka.user_id = o.user_id
JOIN user_service.trading_accounts ta
    ON ta.id = ka.trading_account_id
JOIN market_data.instrument_registry ir
    ON ir.token = o.instrument_token
JOIN auth_service.v_users u
    ON u.id = o.user_id
WHERE o.created_at > now() - interval '1 day'
  AND o.status = ANY(:statuses)
ORDER BY o.created_at DESC
LIMIT %(limit)s
