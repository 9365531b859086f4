"""Order views: the user model through get_user_model(), a model module alias, traps."""
from django.contrib.auth import get_user_model
from django.http import JsonResponse

from orm_django.notifications import models as notify_models
from orm_django.strategies.models import Backtest

User = get_user_model()


def notify(request, user_id):
    user = User.objects.get(pk=user_id)
    notify_models.Outbox.objects.create(recipient=user, subject="Order filled", body="")
    return JsonResponse({"ok": True})


def backtests(request):
    rows = Backtest.objects.filter(sharpe__gt=1).values("id", "sharpe")
    return JsonResponse({"rows": list(rows)})


def describe(request, backtest: Backtest) -> str:
    if isinstance(backtest, Backtest):
        return Backtest.__name__
    try:
        return str(backtest)
    except Backtest.DoesNotExist:
        return ""


def user_count(request):
    return JsonResponse({"users": User.objects.count()})


# expect: 12 BND100 accounts.users
# expect: 13 BND101 notify.outbox
# expect: 18 BND100 public.backtests
# expect: 32 BND100 accounts.users
