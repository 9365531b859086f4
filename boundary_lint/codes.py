"""The one table of rule codes: titles, message templates and docs.

Everything that prints a code (CLI, flake8, JSON, `explain`, README) formats
from here, so a code's wording lives in one place.
"""

from __future__ import annotations

from typing import Dict

from boundary_lint.value_classes import value_class

EXIT_CLEAN, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2
"""Every command's exit status: clean (``fix``: nothing to change), findings (``fix --diff``: it
would change files), usage or configuration error. Stable: scripts and CI rely on them."""


@value_class
class Rule:
    code: str
    title: str
    template: str  # fields: service, table, owner, verb, owners, other
    why: str
    example: str
    fix: str


RULES: Dict[str, Rule] = {
    r.code: r
    for r in (
        Rule(
            "BND100",
            "cross-service read",
            "{service} reads {table}, owned by {owner}",
            "Reading another service's table couples both to one schema: the owner cannot "
            "change or move it without breaking you, and you bypass its rules.",
            "SELECT name FROM public.strategy WHERE strategy_id = :id   -- in order_service",
            "Call the owner's API (its service client), or ask the owner for a view and "
            "list it under may_read.",
        ),
        Rule(
            "BND101",
            "cross-service write",
            "{service} writes {table}, owned by {owner}",
            "Writing another service's table bypasses its invariants and makes two services "
            "responsible for one row.",
            "INSERT INTO public.portfolio (name) VALUES (:name)   -- in order_service",
            "Send the write to the owning service through its client.",
        ),
        Rule(
            "BND102",
            "cross-service foreign key",
            "{service} has a foreign key to {table}, owned by {owner}",
            "A foreign key across services ties their databases together: neither can be "
            "moved, restored or migrated alone. ORM relations count: a Django ForeignKey or "
            "OneToOneField to another service's model, and a ManyToManyField, whose join table "
            "belongs to the model that declares the field (so its key to the other model is "
            "the declaring service's finding).",
            "strategy_id BIGINT REFERENCES public.strategies(id)",
            "Keep the id as a plain column, validate it through the owner's API, and drop "
            "the constraint (ALTER TABLE ... DROP CONSTRAINT).",
        ),
        Rule(
            "BND103",
            "cross-service schema change",
            "{service} changes the schema of {table}, owned by {owner}",
            "Only the owner may create, alter, drop, grant or comment on its objects; a "
            "migration elsewhere will fight the owner's.",
            "ALTER TABLE public.strategy ADD COLUMN note TEXT   -- in order_service",
            "Ask the owning team for the change in their migrations.",
        ),
        Rule(
            "BND104",
            "table with no owner",
            "{service} {verb} {table}, which no service in the registry owns",
            "A table nobody owns cannot be checked; it is usually a missing registry entry "
            "or a typo.",
            "SELECT * FROM public.legacy_thing",
            "Add the table to the owning service's owns list in boundaries.toml, or to "
            "settings.ignore.",
        ),
        Rule(
            "BND105",
            "table name built at run time",
            "{service} {verb} {table}, a table name built at run time: ownership cannot be checked",
            "A table or schema name interpolated at run time can point anywhere.",
            'f"SELECT * FROM {schema}.orders"',
            "Write the schema and table literally, or restrict the interpolation to a "
            "schema your service owns entirely.",
        ),
        Rule(
            "BND106",
            "ORM mapping of another service's table",
            "{service} maps {table}, owned by {owner}, in its ORM",
            "An ORM model of another service's table lets any query through it cross the "
            "boundary silently.",
            'class Strategy(Base):\n    __tablename__ = "strategy"\n    __table_args__ = {"schema": "public"}',
            "Remove the mapping and use the owner's client.",
        ),
        Rule(
            "BND107",
            "statement across owners",
            "{service} runs one statement over tables of {owners} ({table}, owned by {owner}): "
            "it breaks once they are in separate databases",
            "Once services move to separate databases (settings.isolation = \"database\", or "
            "isolation on the service that moves first), one statement can no longer join, "
            "insert-select or view tables of two owners, even when every read in it is granted "
            "by may_read or is the service's own.",
            "SELECT o.id, s.name FROM order_service.orders o\n"
            "JOIN public.strategy s ON s.strategy_id = o.strategy_id   -- public.strategy: algo_engine's",
            "Split the statement: read your own tables in SQL and the other owner's rows through its "
            "client (or a replicated read model you own), and join them in code.",
        ),
        Rule(
            "BND108",
            "transaction across owners",
            "{service} writes {table}, owned by {owner}, in one transaction with {other}: "
            "a service call cannot be part of a database transaction",
            "One transaction (a `with session.begin():`, `with conn.transaction():`, `with conn:` of a "
            "DB-API connection, `transaction.atomic`, a session's writes up to its `commit()`, "
            "`BEGIN ... COMMIT` in SQL, a migration) that writes the tables of two or more owners, the "
            "service's own included, commits them together. Once either write becomes a call to the "
            "owner's API, or the tables move to separate databases, that atomicity is gone, whatever "
            "the isolation setting: a failure between the two leaves one written and not the other.",
            "async with session.begin():\n"
            "    await session.execute(text(\"INSERT INTO order_service.orders ...\"))\n"
            "    await session.execute(text(\"INSERT INTO public.portfolio ...\"))   # algo_engine's",
            "Write your own tables in the transaction and ask the owner to make its change through its "
            "API: after your commit (an outbox row you own, sent on commit), with an idempotent call "
            "and a compensating step when one side fails.",
        ),
    )
}

NOTICES: Dict[str, str] = {
    "BND900": "boundary-lint could not fully read part of this file: SQL it could not parse (read by "
              "the token scan instead), a statement over the parse budget, an expression nested too deeply",
    "BND901": "boundary-lint could not vouch for this file: an internal error of ours (please report it), "
              "or input it could not read",
    "BND902": "a suppression comment that suppresses nothing (as ruff's RUF100), or names an unknown code",
}
"""Codes about the check itself, not about a table, reported by the flake8 plugin only (the CLI
prints the same messages on stderr as ``path:line: warning: ...``). As pyflakes' and
flake8-bugbear's, they are ordinary flake8 codes: ``--extend-ignore BND900`` hides them."""

VERBS = {"read": "reads", "write": "writes", "fk": "has a foreign key to", "ddl": "changes", "map": "maps"}


def format_message(
    code: str, service: str, table: str, owner: str, operation: str, owners: str = "", other: str = ""
) -> str:
    """The human message for a finding (without the code); ``owners`` names every owner of a
    BND107 statement or BND108 transaction (``order_service and algo_engine``); ``other``: the
    BND108 transaction's write to the first owner (``order_service.orders (line 12, owned by ...)``)."""
    return RULES[code].template.format(
        service=service, table=table, owner=owner, verb=VERBS.get(operation, operation), owners=owners or owner,
        other=other or "another owner's table",
    )


def owners_text(owners) -> str:
    """``a``, ``a and b``, ``a, b and c``.

    >>> owners_text(["order_service", "algo_engine", "users"])
    'order_service, algo_engine and users'
    """
    owners = list(owners)
    return owners[0] if len(owners) == 1 else ", ".join(owners[:-1]) + " and " + owners[-1]


def explain(code: str) -> str:
    """Long help for one rule, used by `boundary-lint explain` and SARIF."""
    rule = RULES[code.upper()]
    return (
        f"{rule.code}: {rule.title}\n\n{rule.why}\n\nExample:\n    "
        + rule.example.replace("\n", "\n    ")
        + f"\n\nFix: {rule.fix}\n"
    )


def code_range() -> str:
    """The codes a user may name, as a range (``BND100-BND107``), from the table above."""
    codes = sorted(RULES)
    return codes[0] if len(codes) == 1 else f"{codes[0]}-{codes[-1]}"


def is_known_code(code: str, notices: bool = False) -> bool:
    """A code, or a prefix of one (``BND``, ``BND10``), as flake8 matches them; with ``notices``,
    the flake8 plugin's :data:`NOTICES` too (the CLI reports none of them as findings).

    >>> is_known_code("BND101"), is_known_code("BND1"), is_known_code("BND1O1"), is_known_code("E501")
    (True, True, False, False)
    >>> is_known_code("BND900"), is_known_code("BND900", notices=True)
    (False, True)
    """
    code = code.strip().upper()
    known = list(RULES) + (list(NOTICES) if notices else [])
    return bool(code) and any(k.startswith(code) for k in known)


def unknown_code_message(code: str) -> str:
    """What a user is told for a code the table does not have.

    >>> unknown_code_message("BND999")  # doctest: +ELLIPSIS
    'unknown code BND999; codes are BND100-BND1..., see boundary-lint explain'
    """
    return f"unknown code {code}; codes are {code_range()}, see boundary-lint explain"


def first_unknown_code(codes) -> "str | None":
    """The first of ``codes`` that names no rule (nor a prefix of one), or None."""
    return next((c for c in codes if not is_known_code(c)), None)
