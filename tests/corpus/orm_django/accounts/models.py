"""Accounts (Django): the user model and the trading accounts."""
from django.contrib.auth.models import AbstractUser
from django.db import models


class User(AbstractUser):
    class Meta:
        db_table = "accounts.users"


class Account(models.Model):
    owner = models.ForeignKey(User, on_delete=models.CASCADE, related_name="trading_accounts")
    status = models.CharField(max_length=16)

    class Meta:
        db_table = "tradingdb.accounts"


class Balance(models.Model):
    account = models.OneToOneField(Account, on_delete=models.CASCADE)
    cash = models.DecimalField(max_digits=18, decimal_places=2)
    reserved = models.DecimalField(max_digits=18, decimal_places=2, default=0)

    class Meta:
        db_table = '"tradingdb"."balances"'


class AccountSummary(models.Model):
    account = models.OneToOneField(Account, on_delete=models.DO_NOTHING, primary_key=True)
    equity = models.DecimalField(max_digits=18, decimal_places=2)

    class Meta:
        managed = False
        db_table = "accounts.v_account_summary"


def close_dormant():
    Account.objects.filter(status="dormant").update(status="closed")
    Balance.objects.filter(cash=0).delete()
