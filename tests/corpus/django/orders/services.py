"""Order services (Django): raw cursors, Manager.raw, RawSQL, extra SQL fragments."""
from django.db import connection, connections, transaction
from django.db.models import F, Subquery
from django.db.models.expressions import RawSQL

from .models import Order, Strategy


def strategy_exposure(strategy_id):
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT o.status, count(*), sum(f.qty * f.price)
            FROM tradingdb.orders o
            JOIN tradingdb.fills f ON f.order_id = o.id
            JOIN public.strategy_portfolio sp ON sp.strategy_id = o.strategy_id
            WHERE o.strategy_id = %s AND f.price > 0
            GROUP BY o.status
            """,
            [strategy_id],
        )
        return cursor.fetchall()


def top_strategies(limit=10):
    return list(
        Strategy.objects.raw(
            "SELECT s.strategy_id AS id, s.name FROM public.strategy s ORDER BY s.pnl DESC LIMIT %s", [limit]
        )
    )


def orders_with_cash():
    return Order.objects.annotate(
        cash=RawSQL("SELECT b.cash FROM tradingdb.balances b WHERE b.account_id = orders.account_id", ()),
        last_price=RawSQL(
            "SELECT q.price FROM tradingdb.quotes q WHERE q.instrument_id = %s ORDER BY q.ts DESC LIMIT 1",
            (1,),
        ),
    )


def like_filter(prefix):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id FROM tradingdb.orders WHERE symbol LIKE %s AND note NOT LIKE '%%test%%'",
            [prefix + "%"],
        )
        return [r[0] for r in cursor.fetchall()]


@transaction.atomic
def cancel_for_account(account_id):
    with connections["default"].cursor() as cursor:
        cursor.execute("UPDATE tradingdb.orders SET status = 'cancelled' WHERE account_id = %s", [account_id])
        cursor.execute("UPDATE tradingdb.balances SET reserved = 0 WHERE account_id = %s", [account_id])
        cursor.execute("DELETE FROM public.strategy_portfolio WHERE portfolio_id IN (SELECT id FROM public.portfolio WHERE account_id = %s)", [account_id])


def users_page(offset):
    with connection.cursor() as c:
        c.execute("SELECT id, email FROM accounts.users ORDER BY id OFFSET %s LIMIT 50", [offset])
        return c.fetchall()


def via_manager_using(order_ids):
    return Order.objects.using("replica").raw(
        "SELECT o.* FROM tradingdb.orders o JOIN tradingdb.signals s ON s.signal_id = o.signal_id WHERE o.id = ANY(%s)",
        [order_ids],
    )


def subquery_annotation():
    return Order.objects.annotate(
        strategy_name=Subquery(Strategy.objects.filter(pk=F("strategy_id")).values("name")[:1])
    )


# expect: 16 BND100 public.strategy_portfolio
# expect: 28 BND100 public.strategy
# expect: 35 BND100 tradingdb.balances
# expect: 37 BND100 tradingdb.quotes
# expect: 56 BND101 tradingdb.balances
# expect: 57 BND101 public.strategy_portfolio
# expect: 57 BND100 public.portfolio
# expect: 62 BND100 accounts.users
# expect: 68 BND100 tradingdb.signals
# expect: 75 BND100 public.strategy
# expect: 56 BND108 tradingdb.balances
