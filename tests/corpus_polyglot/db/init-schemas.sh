#!/bin/bash
# Creates each service's schema, its grants and the platform's reporting views.
# Run once by the database container (docker-entrypoint-initdb.d).
set -euo pipefail

psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" <<-EOSQL
	CREATE SCHEMA IF NOT EXISTS orders;
	CREATE SCHEMA IF NOT EXISTS product;
	CREATE SCHEMA IF NOT EXISTS users;
	CREATE SCHEMA IF NOT EXISTS platform;
	GRANT SELECT ON users.users TO orders_svc;
	CREATE VIEW platform.v_order_emails AS
	    SELECT o.id, u.email
	    FROM orders.orders o
	    JOIN users.users u ON u.id = o.user_id;
	CREATE TABLE platform.audit_log (id bigserial PRIMARY KEY, note text);
EOSQL

echo "SELECT * FROM users.users is granted to orders_svc"

psql -c "TRUNCATE orders.order_items" "$DATABASE_URL"
psql --command="DELETE FROM ${TARGET_SCHEMA}.carts" "$DATABASE_URL"
psql -d "$DATABASE_URL" -c 'SELECT count(*) FROM product.products'

# expect: 11 BND103 users.users
# expect: 14 BND100 orders.orders
# expect: 15 BND100 users.users
# expect: 21 BND101 orders.order_items
# expect: 22 BND105 {}.carts
# expect: 23 BND100 product.products
