"""Notifications (Django): keys to the user model through the setting."""
from django.conf import settings
from django.db import models


class Outbox(models.Model):
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    subject = models.CharField(max_length=200)
    body = models.TextField()

    class Meta:
        db_table = '"notify"."outbox"'


class Preference(models.Model):
    user = models.OneToOneField("acct.User", on_delete=models.CASCADE, db_constraint=False)
    email = models.BooleanField(default=True)

    class Meta:
        db_table = "notify.preferences"


def pending():
    return Outbox.objects.filter(subject__startswith="[pending]").select_related("recipient")


def unsubscribe(user):
    Preference.objects.filter(user=user).update(email=False)


# expect: 7 BND102 accounts.users
# expect: 24 BND100 accounts.users
