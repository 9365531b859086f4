"""Order services (Django ORM): querysets on other services' models."""
from decimal import Decimal

from django.db import transaction
from django.db.models import Count, Sum
from django.shortcuts import get_object_or_404

from orm_django.accounts.models import Account, AccountSummary, Balance
from orm_django.market import models as market_models
from orm_django.market.models import Candle, ListedInstrument, Quote
from orm_django.strategies.models import Signal, Strategy

from .models import Fill, Order


def account_for(account_id):
    return Account.objects.get(pk=account_id)


def summary(account_id):
    return AccountSummary.objects.filter(account_id=account_id).first()


def reserve(account_id, amount):
    with transaction.atomic():
        balance = Balance.objects.select_for_update().get(account_id=account_id)
        balance.reserved += amount
        balance.save(update_fields=["reserved"])


def release_all(account_id):
    Balance.objects.filter(account_id=account_id).update(reserved=Decimal("0"))


def last_price(instrument_id):
    prices = Quote.objects.filter(instrument_id=instrument_id).order_by("-created_at")
    return prices.values_list("price", flat=True).first()


def instruments_by_symbol(symbols):
    return market_models.Instrument.objects.in_bulk(symbols, field_name="symbol")


def listed():
    return list(ListedInstrument.objects.all())


def candles(instrument_id):
    return Candle.objects.filter(instrument_id=instrument_id).aggregate(total=Sum("close"))


def strategy_names():
    return dict(Strategy.active_ones.values_list("id", "name"))


def open_orders_with_strategy():
    return Order.objects.select_related("strategy").filter(status="open")


def orders_of_active_strategies():
    return Order.objects.filter(strategy__active=True)


def orders_by_symbol(symbol):
    return Order.objects.filter(instrument__symbol=symbol)


def orders_by_strategy_id(strategy_id):
    return Order.objects.filter(strategy__id=strategy_id)


def fills_of_open_accounts():
    return Fill.objects.filter(order__account__status="open")


def record_signal(strategy, instrument):
    Signal.objects.create(strategy=strategy, instrument=instrument, side="buy")


def signal_counts():
    return Signal.objects.values("strategy_id").annotate(n=Count("id"))


def strategy_or_404(pk):
    return get_object_or_404(Strategy, pk=pk)


def rename_strategy(pk, name):
    strategy = Strategy.objects.get(pk=pk)
    strategy.name = name
    strategy.save()


def purge_signals(strategy_id):
    Signal.objects.filter(strategy_id=strategy_id).delete()


def bulk_quotes(rows):
    Quote.objects.bulk_create([Quote(**row) for row in rows], batch_size=500)


def upsert_account(pk, status):
    account, _ = Account.objects.update_or_create(pk=pk, defaults={"status": status})
    return account


def ensure_balance(account):
    return Balance.objects.get_or_create(account=account, defaults={"cash": 0})


def account_exists(account_id):
    return Account._default_manager.filter(pk=account_id).exists()


def quote_count():
    return Quote.objects.count()


def own_orders(account_id):
    return Order.objects.filter(account_id=account_id).exclude(status="void")


def close_orders(account_id):
    Order.objects.filter(account_id=account_id).update(status="closed")


def tagged():
    return Order.objects.annotate(n=Count("fills")).filter(n__gt=0)


def latest_signal(instrument):
    return Signal.objects.filter(instrument=instrument).latest("id")


def clear_signals(strategy):
    for signal in Signal.objects.filter(strategy=strategy).iterator():
        signal.delete()


def new_account(owner):
    account = Account(owner=owner, status="open")
    account.save()
    return account


def order_values():
    return Order.objects.values("id", "account__status")


def prefetch_fills():
    return Order.objects.prefetch_related("fills").filter(status="filled")


# expect: 17 BND100 tradingdb.accounts
# expect: 26 BND100 tradingdb.balances
# expect: 28 BND101 tradingdb.balances
# expect: 32 BND101 tradingdb.balances
# expect: 36 BND100 tradingdb.quotes
# expect: 49 BND100 tradingdb.candles
# expect: 53 BND100 public.strategy
# expect: 57 BND100 public.strategy
# expect: 61 BND100 public.strategy
# expect: 73 BND100 tradingdb.accounts
# expect: 77 BND101 tradingdb.signals
# expect: 81 BND100 tradingdb.signals
# expect: 85 BND100 public.strategy
# expect: 89 BND100 public.strategy
# expect: 91 BND101 public.strategy
# expect: 95 BND101 tradingdb.signals
# expect: 99 BND101 tradingdb.quotes
# expect: 103 BND101 tradingdb.accounts
# expect: 108 BND101 tradingdb.balances
# expect: 112 BND100 tradingdb.accounts
# expect: 116 BND100 tradingdb.quotes
# expect: 132 BND100 tradingdb.signals
# expect: 136 BND100 tradingdb.signals
# expect: 137 BND101 tradingdb.signals
# expect: 142 BND101 tradingdb.accounts
# expect: 147 BND100 tradingdb.accounts
