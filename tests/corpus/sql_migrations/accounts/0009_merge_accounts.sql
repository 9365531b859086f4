-- Merge duplicate accounts: two transactions, the first within the accounts service's own tables.
BEGIN;
UPDATE tradingdb.balances b SET cash = b.cash + d.cash FROM accounts.duplicates d WHERE d.keep_id = b.account_id;
DELETE FROM tradingdb.accounts a USING accounts.duplicates d WHERE d.drop_id = a.account_id;
COMMIT;

START TRANSACTION;
-- a function body is created here, not run: its DELETE is no write of this transaction
CREATE OR REPLACE FUNCTION accounts.forget(p_id bigint) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM public.portfolio WHERE account_id = p_id;
END;
$$;
UPDATE users SET merged_into = d.keep_id FROM accounts.duplicates d WHERE d.drop_id = users.id;
UPDATE tradingdb.orders o SET account_id = d.keep_id FROM accounts.duplicates d WHERE d.drop_id = o.account_id;
END;

-- outside any transaction: a statement of its own
DELETE FROM notify.outbox WHERE kind = 'merge';

-- expect: 12 BND101 public.portfolio
-- expect: 16 BND101 tradingdb.orders
-- expect: 16 BND108 tradingdb.orders
-- expect: 20 BND101 notify.outbox
