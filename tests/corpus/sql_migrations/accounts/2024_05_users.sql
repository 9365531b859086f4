-- accounts service: users and sessions live in the accounts schema.
SET search_path TO accounts, public;

CREATE TABLE users (
    id         bigserial PRIMARY KEY,
    email      citext UNIQUE NOT NULL,
    created_at timestamptz DEFAULT now()
);

CREATE TABLE user_sessions (
    token   text PRIMARY KEY,
    user_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    portfolio_id bigint REFERENCES portfolio (id)
);

ALTER TABLE tradingdb.accounts
    ADD COLUMN user_id bigint REFERENCES accounts.users (id);

CREATE POLICY own_rows ON tradingdb.balances USING (account_id = current_setting('app.account')::bigint);
ALTER TABLE tradingdb.balances ENABLE ROW LEVEL SECURITY;
CREATE POLICY read_quotes ON tradingdb.quotes FOR SELECT USING (true);

CREATE OR REPLACE VIEW accounts.v_account_summary AS
SELECT a.account_id, a.status, b.cash, count(o.id) AS open_orders
FROM tradingdb.accounts a
JOIN tradingdb.balances b ON b.account_id = a.account_id
LEFT JOIN tradingdb.orders o ON o.account_id = a.account_id AND o.status = 'open'
GROUP BY a.account_id, a.status, b.cash;

GRANT SELECT ON accounts.v_account_summary TO orders_rw;
REVOKE ALL ON tradingdb.orders FROM PUBLIC;

UPDATE public.email_outbox SET claimed_at = NULL WHERE claimed_at < now() - interval '1 hour';
DELETE FROM public.backtests WHERE owner_id NOT IN (SELECT id FROM users);


-- expect: 13 BND102 public.portfolio
-- expect: 21 BND103 tradingdb.quotes
-- expect: 27 BND100 tradingdb.orders
-- expect: 31 BND103 tradingdb.orders
-- expect: 33 BND101 public.email_outbox
-- expect: 34 BND101 public.backtests
