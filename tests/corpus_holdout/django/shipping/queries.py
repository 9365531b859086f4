"""Raw SQL the shipping views still run."""
from django.db import connection, connections
from django.db.models.expressions import RawSQL

from .models import Shipment


def shipments_for_account(account_id):
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT s.id, s.tracking_no, a.email, i.number
              FROM core.shipments s
              JOIN core.invoices i ON i.id = s.invoice_id
              JOIN core.accounts a ON a.id = i.account_id
             WHERE a.id = %s
             ORDER BY s.created_at DESC
            """,
            [account_id],
        )
        return cursor.fetchall()


def late_in_timezone(tz):
    return Shipment.objects.raw(
        "SELECT s.* FROM core.shipments s JOIN core.warehouses w ON w.id = s.origin_warehouse_id "
        "WHERE w.timezone = %s AND s.shipped_at IS NULL",
        [tz],
    )


def with_weight():
    return Shipment.objects.annotate(
        weight_grams=RawSQL(
            "SELECT coalesce(sum(p.weight_grams), 0) FROM core.products p "
            "WHERE p.sku IN (SELECT jsonb_array_elements_text(\"core\".\"shipments\".\"skus\"))",
            (),
        )
    )


def mark_delivered(ids):
    with connections["default"].cursor() as c:
        c.execute("UPDATE core.shipments SET delivered_at = now() WHERE id = ANY(%s)", [ids])
        c.execute(
            "UPDATE core.stock_levels SET in_transit = greatest(in_transit - 1, 0) "
            "WHERE sku IN (SELECT jsonb_array_elements_text(skus) FROM core.shipments WHERE id = ANY(%s))",
            [ids],
        )


def applied_migrations():
    with connection.cursor() as cursor:
        cursor.execute("SELECT app, name FROM django_migrations WHERE app = 'shipping' ORDER BY id")
        return cursor.fetchall()


# expect: 14 BND100 core.invoices
# expect: 15 BND100 core.accounts
# expect: 26 BND100 core.warehouses
# expect: 35 BND100 core.products
# expect: 46 BND101 core.stock_levels
