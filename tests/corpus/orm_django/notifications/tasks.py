"""Notification tasks (Django ORM, celery-style) reading other services' models."""
from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Q

from orm_django.accounts.models import Account, Balance
from orm_django.orders.models import Fill, Order
from orm_django.strategies.models import Signal

from .models import Outbox, Preference


def fill_alerts(since):
    for fill in Fill.objects.filter(id__gt=since).select_related("order"):
        Outbox.objects.create(recipient_id=fill.order.placed_by_id, subject="Filled", body=str(fill.qty))


def low_balance_users(threshold):
    accounts = Account.objects.filter(balance__cash__lt=threshold)
    return list(accounts.values_list("owner__email", flat=True))


def users_to_notify():
    User = get_user_model()
    return User.objects.filter(is_active=True).exclude(email="")


def signal_digest(strategy_ids):
    rows = Signal.objects.filter(strategy_id__in=strategy_ids).values("side").distinct()
    return [r["side"] for r in rows]


def open_order_count(user_id):
    return Order.objects.filter(placed_by_id=user_id, status="open").count()


def with_orders():
    open_orders = Order.objects.filter(placed_by=OuterRef("recipient"), status="open")
    return Outbox.objects.annotate(has_orders=Exists(open_orders))


def mark_read(user_id):
    Outbox.objects.filter(recipient_id=user_id).update(subject="[read]")
    Preference.objects.get_or_create(user_id=user_id)


def cancel_orders_of(user_id):
    Order.objects.filter(Q(placed_by_id=user_id) | Q(status="new")).update(status="cancelled")


def bump_balances():
    for balance in Balance.objects.filter(reserved__gt=0):
        balance.reserved = 0
        balance.save()


def first_order(user_id):
    return Order.objects.filter(placed_by_id=user_id).order_by("id").first()


def account_ids():
    return set(Account.objects.values_list("id", flat=True))


def delete_signal(signal_id):
    signal = Signal.objects.get(pk=signal_id)
    signal.delete()


# expect: 13 BND100 tradingdb.fills
# expect: 13 BND100 tradingdb.orders
# expect: 18 BND100 tradingdb.accounts
# expect: 18 BND100 tradingdb.balances
# expect: 19 BND100 accounts.users
# expect: 24 BND100 accounts.users
# expect: 28 BND100 tradingdb.signals
# expect: 33 BND100 tradingdb.orders
# expect: 37 BND100 tradingdb.orders
# expect: 47 BND101 tradingdb.orders
# expect: 51 BND100 tradingdb.balances
# expect: 53 BND101 tradingdb.balances
# expect: 57 BND100 tradingdb.orders
# expect: 61 BND100 tradingdb.accounts
# expect: 65 BND100 tradingdb.signals
# expect: 66 BND101 tradingdb.signals
