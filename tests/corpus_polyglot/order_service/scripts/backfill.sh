#!/bin/sh
# Backfills the buyer e-mail on old orders (run once, by hand).
set -eu
psql "$ORDERS_DSN" <<'SQL'
UPDATE orders.orders o
SET buyer_email = u.email
FROM users.users u
WHERE u.id = o.user_id AND o.buyer_email IS NULL;
SQL
# expect: 7 BND100 users.users
