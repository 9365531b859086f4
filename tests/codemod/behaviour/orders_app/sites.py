"""Call-site metadata for the behaviour corpus (read by tests/codemod/test_behaviour_corpus.py).

Each call-site function is marked with ``@site(driver, *calls)``:

* ``driver`` names the database handle the function takes as its first
  argument, built by the harness for a fresh database:
  ``sqlalchemy_async`` (an ``AsyncSession``), ``sqlalchemy_sync`` (a
  ``Session``), ``sqlalchemy_conn`` (a ``Connection``), ``asyncpg`` (an
  ``asyncpg.Connection``), ``psycopg`` (a ``psycopg.Connection``) or
  ``psycopg_async`` (a ``psycopg.AsyncConnection``). The harness commits the
  handle after the function returns, as a request-scoped unit of work would.
* each of ``calls`` is one set of keyword arguments; the function is called
  with each in turn, on the same database.
* ``writes=True`` says the function changes tables (the harness compares them
  too, and checks that the change is visible).

The decorator only records; it does not change the function.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Dict, Tuple

DRIVERS = ("sqlalchemy_async", "sqlalchemy_sync", "sqlalchemy_conn", "asyncpg", "psycopg", "psycopg_async")


@dataclass(frozen=True)
class Site:
    driver: str
    calls: Tuple[Dict[str, Any], ...]
    writes: bool


def site(driver: str, *calls: Dict[str, Any], writes: bool = False) -> Callable:
    if driver not in DRIVERS:
        raise ValueError(f"unknown driver {driver!r} (one of {', '.join(DRIVERS)})")

    def mark(function: Callable) -> Callable:
        function.__behaviour_site__ = Site(driver, calls or ({},), writes)
        return function

    return mark
