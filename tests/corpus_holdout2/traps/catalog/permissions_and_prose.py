"""Auth rules of the catalog: "action: object" names, help texts and log lines.

Nothing here runs SQL. Select the dataset, then update its licence; delete from
the trash after 30 days. See the table of permissions below.
"""
import argparse
import logging
import re

log = logging.getLogger(__name__)

ACTIONS = (
    "create: package",
    "update: package",
    "update: package_many",
    "delete: member",
    "update: task_status_update_many",
    "select: organization",
    "insert: user_account",
    "truncate: harvest_object",
)

ACTION_RE = re.compile(r"^(create|update|delete|select|insert|truncate): (\w+)$")

HELP = {
    "purge": "Delete from the trash every dataset older than --days.",
    "reindex": "Update search documents for every package in an organization.",
    "export": "Select datasets by tag and copy them to a CSV file.",
}

CHANGELOG = [
    "update: package_show returns the organization",
    "drop: legacy member_capacity column (see 2.10 notes)",
    "with: harvest_source config validation",
]


def check_action(name: str) -> bool:
    if not ACTION_RE.match(name):
        log.warning("update: unknown action %s; select from the list", name)
        return False
    return True


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description="Delete from the catalog: packages, resources and tags.")
    p.add_argument("--from", dest="source", help="update from this harvest source")
    return p


def describe(action: str) -> str:
    verb, _, obj = action.partition(": ")
    return f"{verb.title()} on {obj}: granted to sysadmins and organization admins"


SEARCH_SYNTAX = "select: tags:water AND organization:env-agency"
