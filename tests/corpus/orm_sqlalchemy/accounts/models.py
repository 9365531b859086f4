"""Accounts (Flask-SQLAlchemy): default table names from the class name."""
from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()


class LoginEvent(db.Model):
    __table_args__ = {"schema": "accounts"}
    id = db.Column(db.Integer, primary_key=True)
    user_id = db.Column(db.Integer)


class Balance(db.Model):
    __tablename__ = "balances"
    __table_args__ = {"schema": "tradingdb"}
    account_id = db.Column(db.Integer, primary_key=True)
    cash = db.Column(db.Numeric)


class ApiKey(db.Model):
    __table_args__ = {"schema": "accounts"}
    id = db.Column(db.Integer, primary_key=True)


def expire_keys():
    ApiKey.query.filter(ApiKey.id < 10).delete()
    db.session.add(LoginEvent(user_id=1))
