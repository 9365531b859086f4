"""More strings that read like SQL to a regex, and are not."""
import argparse
import enum
import re


class Verb(enum.Enum):
    SELECT = "SELECT"
    INSERT = "INSERT"
    UPDATE = "UPDATE"
    DELETE = "DELETE"


ACTIONS = ["select", "insert", "update", "delete"]
TEMPLATE_HELP = "SELECT statement to run against tradingdb.quotes (read-only replica)"
NOTICE = "DELETE requests are forwarded to tradingdb.accounts by the gateway"
BANNER = "UPDATE: tradingdb.balances is now read-only for the order service"
MENU = {
    "pick": "select from the list below",
    "cart": "delete from the cart",
    "sync": "update from upstream",
    "queue": "insert into the queue",
    "toc": "create table of contents",
    "note": "with the strategy from public.strategy",
    "profile": "update your profile from the settings page",
    "purge": "delete from quotes where you no longer need them",
    "merge": "merge into main from the feature branch",
    "grant": "grant select on tradingdb.quotes to the analysts",
    "truncate": "truncate the log from tradingdb.order_events",
    "copy": "copy the file from tradingdb.quotes",
    "comment": "comment on the fill from tradingdb.fills",
}
STATEMENT_RE = re.compile(r"^(SELECT|WITH)\b")
TABLE_RE = re.compile(r"SELECT .* FROM (\w+)\.(\w+)")


def cli():
    parser = argparse.ArgumentParser(description="Select orders from tradingdb.orders and export them")
    parser.add_argument("--query", help="SELECT statement to run against tradingdb.quotes")
    parser.add_argument("--table", default="tradingdb.quotes", help="Copy rows from this table")
    return parser


def classify(statement):
    if statement.upper().startswith("SELECT"):
        return Verb.SELECT
    if statement.lstrip().lower().startswith(("insert into", "update ", "delete from")):
        return Verb.UPDATE
    return None
