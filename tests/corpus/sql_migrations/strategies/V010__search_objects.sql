-- V010: trigram search on strategies, DDL audit, row-level security.
-- Objects that are not tables (operator classes, extensions, event triggers,
-- types, domains, functions, sequences) are never findings.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
COMMENT ON EXTENSION pg_trgm IS 'strategy name search';
CREATE INDEX strategy_name_trgm ON public.strategy USING gin (name gin_trgm_ops);
CREATE INDEX strategy_notes_trgm ON strategy USING gist (notes gist_trgm_ops);
CREATE INDEX orders_symbol_trgm ON tradingdb.orders USING gin (lower(symbol) gin_trgm_ops);
CREATE UNIQUE INDEX portfolio_name_key ON portfolio (name text_pattern_ops);

CREATE TYPE risk_level AS ENUM ('low', 'medium', 'high');
CREATE DOMAIN strategy_code AS text CHECK (VALUE ~ '^[A-Z0-9_]+$');
COMMENT ON TYPE risk_level IS 'how risky a strategy is';
COMMENT ON DOMAIN strategy_code IS 'upper-case code';
COMMENT ON INDEX strategy_name_trgm IS 'for the search box';
COMMENT ON FUNCTION log_ddl() IS 'records DDL';
COMMENT ON SEQUENCE strategy_id_seq IS 'ids';
COMMENT ON TRIGGER orders_touch ON tradingdb.orders IS 'keeps updated_at';

CREATE EVENT TRIGGER strategies_ddl ON ddl_command_start EXECUTE FUNCTION log_ddl();
CREATE EVENT TRIGGER strategies_drop ON sql_drop EXECUTE FUNCTION log_ddl();
COMMENT ON EVENT TRIGGER strategies_ddl IS 'audit';

CREATE TRIGGER orders_touch BEFORE UPDATE ON tradingdb.orders
    FOR EACH ROW EXECUTE FUNCTION touch_updated();
CREATE POLICY own_rows ON tradingdb.accounts FOR SELECT USING (owner = current_user);
COMMENT ON POLICY own_rows ON tradingdb.accounts IS 'each user sees its account';

GRANT USAGE ON SCHEMA public TO strategies_rw;
GRANT USAGE, SELECT ON SEQUENCE strategy_id_seq TO strategies_rw;
GRANT EXECUTE ON FUNCTION log_ddl() TO strategies_rw;
GRANT ALL ON TABLESPACE fast_ssd TO strategies_rw;
GRANT SELECT ON tradingdb.orders TO strategies_rw;

-- expect: 8 BND103 tradingdb.orders
-- expect: 18 BND103 tradingdb.orders
-- expect: 24 BND103 tradingdb.orders
-- expect: 26 BND103 tradingdb.accounts
-- expect: 27 BND103 tradingdb.accounts
-- expect: 33 BND103 tradingdb.orders
