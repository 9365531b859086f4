-- 001: the order service's own schema and the helpers its tables share.
--
-- Everything the order service owns lives in schema order_service. The
-- database is still shared with the other services, whose legacy tables sit
-- in public; nothing in this migration touches them.

CREATE SCHEMA IF NOT EXISTS order_service;

COMMENT ON SCHEMA order_service IS 'Orders, trades, positions and GTT triggers owned by the order service';

-- Keeps updated_at honest on every UPDATE; attached to each table below.
CREATE OR REPLACE FUNCTION order_service.set_updated_at()
RETURNS TRIGGER AS $$
BEGIN
    NEW.updated_at = NOW();
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
