"""DSNs: where they point (never with the password), and what must be scrubbed from messages."""

from __future__ import annotations

import pytest

from boundary_lint.db_audit.location import (
    database_location,
    hide_quoted_fragments,
    parse_dsn,
    redacted_location,
    scrub,
    secrets_of,
)

SECRET = "S3cr3t-pw"


@pytest.mark.parametrize(
    "dsn, env, location",
    [
        (f"postgresql://app:{SECRET}@db.example:6432/orders", {}, "postgresql://db.example:6432/orders"),
        (f"postgres://app:{SECRET}@db.example/orders?sslmode=require", {}, "postgresql://db.example/orders"),
        (f"postgresql://app:{SECRET}@h1:5432,h2:5433/orders", {}, "postgresql://h1,h2:5432,5433/orders"),
        (f"postgresql://app:{SECRET}@[::1]:5432/orders", {}, "postgresql://[::1]:5432/orders"),
        (f"postgresql:///orders?host=/run/pg&port=5433&password={SECRET}", {},
         "postgresql://%2Frun%2Fpg:5433/orders"),
        (f"host=db port=5432 dbname=orders user=app password={SECRET}", {}, "postgresql://db:5432/orders"),
        (f"host = db  dbname = 'my orders' password = '{SECRET} x'", {}, "postgresql://db/my%20orders"),
        ("dbname=orders", {"PGHOST": "envhost", "PGPORT": "7000"}, "postgresql://envhost:7000/orders"),
        ("", {"PGHOST": "envhost", "PGDATABASE": "envdb", "PGPASSWORD": SECRET},
         "postgresql://envhost/envdb"),
    ],
)
def test_redacted_location_names_host_port_and_database_only(dsn, env, location):
    assert redacted_location(dsn, env) == location
    assert SECRET not in location and "app" not in location


@pytest.mark.parametrize(
    "dsn, env, expected",
    [
        (f"postgresql://app:{SECRET}@db/orders", {}, {SECRET}),
        ("postgresql://app:p%40ss%2Fw@db/orders", {}, {"p%40ss%2Fw", "p@ss/w"}),
        (f"postgresql://app@db/orders?password={SECRET}", {}, {SECRET}),
        (f"host=db password={SECRET}", {}, {SECRET}),
        (f"host=db password='{SECRET} with space'", {}, {f"{SECRET} with space"}),
        (r"host=db password='it\'s'", {}, {"it's"}),
        (f"host=db password {SECRET}", {}, {SECRET}),  # malformed: libpq would echo it
        ("host=db", {"PGPASSWORD": SECRET}, {SECRET}),
    ],
)
def test_secrets_of_finds_every_spelling_of_the_password(dsn, env, expected):
    assert expected <= set(secrets_of(dsn, env))


def test_secrets_are_longest_first_so_whole_values_are_masked():
    secrets = secrets_of("host=db password=abc", {"PGPASSWORD": "abcdef"})
    assert scrub("got abcdef and abc", secrets) == "got *** and ***"


def test_parse_dsn_unescapes_quoted_values():
    assert parse_dsn(r"dbname='a \'b\'' user=x\ y") == {"dbname": "a 'b'", "user": "x y"}


def test_database_location_without_anything_known():
    assert database_location(None, None, None) == "postgresql:///"


def test_hide_quoted_fragments_keeps_punctuation_and_named_keywords():
    message = 'invalid URI query parameter: "passwd" near "]" in "postgresql://u:pw@[::1/db"'
    assert hide_quoted_fragments(message, keep=("passwd",)) == (
        'invalid URI query parameter: "passwd" near "]" in "***"'
    )
