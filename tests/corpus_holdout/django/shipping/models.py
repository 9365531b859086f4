"""Shipping models. Unmanaged models over other services' tables are being removed."""
from django.db import models


class Carrier(models.Model):
    code = models.CharField(max_length=16, unique=True)
    name = models.CharField(max_length=120)

    class Meta:
        db_table = "carriers"
        ordering = ["code"]


class Shipment(models.Model):
    carrier = models.ForeignKey(Carrier, on_delete=models.PROTECT)
    invoice_id = models.BigIntegerField(db_index=True)
    account = models.ForeignKey("users.Account", on_delete=models.DO_NOTHING, db_constraint=False)
    skus = models.JSONField(default=list)
    shipped_at = models.DateTimeField(null=True)
    delivered_at = models.DateTimeField(null=True)

    class Meta:
        db_table = 'core"."shipments'


class Account(models.Model):
    email = models.EmailField()
    preferred_carrier = models.CharField(max_length=16, null=True)

    class Meta:
        managed = False
        db_table = 'core"."accounts'
        app_label = "users"


class Warehouse(models.Model):
    code = models.CharField(max_length=16)
    timezone = models.CharField(max_length=64)

    class Meta:
        managed = False
        db_table = '"core"."warehouses"'


class ApiKey(models.Model):
    key_hash = models.CharField(max_length=128)
    scopes = models.JSONField(default=list)

    class Meta:
        managed = False
        db_table = "api_keys"


class LegacyCustomer(models.Model):
    customer_no = models.CharField(max_length=20, primary_key=True)

    class Meta:
        managed = False
        db_table = "legacy_customers"
        verbose_name = "Select a legacy customer to import"


class TrackingEvent(models.Model):
    shipment = models.ForeignKey(Shipment, on_delete=models.CASCADE, related_name="events")
    status = models.CharField(max_length=32)

    class Meta:
        db_table = '"shipping"."tracking_events"'


# expect: 32 BND106 core.accounts
# expect: 42 BND106 core.warehouses
# expect: 51 BND106 public.api_keys
# expect: 59 BND104 public.legacy_customers
