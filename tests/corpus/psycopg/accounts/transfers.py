"""Cash transfers (psycopg2): `with conn:` blocks and commit() calls delimit the transactions."""
import psycopg2


def transfer(conn, account_id, amount):
    with conn:
        with conn.cursor() as cur:
            cur.execute("UPDATE tradingdb.balances SET cash = cash - %s WHERE account_id = %s", (amount, account_id))
            cur.execute("INSERT INTO notify.outbox (account_id, kind) VALUES (%s, 'transfer')", (account_id,))


def settle(conn, account_id):
    cur = conn.cursor()
    cur.execute("UPDATE tradingdb.balances SET reserved = 0 WHERE account_id = %s", (account_id,))
    conn.commit()
    cur.execute("UPDATE tradingdb.orders SET settled = true WHERE account_id = %s", (account_id,))
    conn.commit()


def close(conn, account_id):
    cur = conn.cursor()
    cur.execute("UPDATE tradingdb.accounts SET status = 'closed' WHERE account_id = %s", (account_id,))
    cur.execute("DELETE FROM user_sessions WHERE user_id = %s", (account_id,))
    cur.execute("UPDATE public.portfolio SET archived = true WHERE account_id = %s", (account_id,))
    conn.commit()


def own_only(conn, account_id):
    with conn:
        with conn.cursor() as cur:
            cur.execute("UPDATE tradingdb.accounts SET touched_at = now() WHERE account_id = %s", (account_id,))
            cur.execute("INSERT INTO accounts.audit_trail (account_id) VALUES (%s)", (account_id,))


def no_transaction_here(cur, account_id):
    # the caller commits: what else it writes in that transaction is not known here
    cur.execute("UPDATE tradingdb.balances SET cash = 0 WHERE account_id = %s", (account_id,))
    cur.execute("INSERT INTO notify.outbox (account_id, kind) VALUES (%s, 'zeroed')", (account_id,))


# expect: 9 BND101 notify.outbox
# expect: 9 BND108 notify.outbox
# expect: 16 BND101 tradingdb.orders
# expect: 24 BND101 public.portfolio
# expect: 24 BND108 public.portfolio
# expect: 38 BND101 notify.outbox
