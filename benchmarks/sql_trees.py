"""Generated SQL-heavy trees for the benchmark: a pg_dump-like ``.sql`` dump of a chosen
size, and a psycopg2 service whose every function runs SQL.

Deterministic (seeded), so two runs measure the same text. The service under test
is ``app`` (schema ``app``); ``public`` belongs to ``platform`` (see bench.REGISTRY),
so the few statements naming ``public.*`` are the findings.
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Iterator, List

TABLES = ("orders", "order_lines", "customers", "invoices", "shipments", "payments")
COLUMNS = ("id", "customer_id", "amount", "status", "note", "created_at")
CROSS = (
    "INSERT INTO public.accounts (id, owner) VALUES (1, 'x');",
    "ALTER TABLE ONLY app.orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (customer_id) "
    "REFERENCES public.users(id);",
    "UPDATE public.users SET last_order = now() WHERE id = 7;",
)


def _value(rng: random.Random, column: str) -> str:
    if column in ("id", "customer_id"):
        return str(rng.randrange(1, 10**7))
    if column == "amount":
        return f"{rng.randrange(0, 10**6) / 100:.2f}"
    if column == "created_at":
        return f"'2024-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d} 12:00:00+00'"
    words = rng.choices(("paid", "open", "it's late", "refund; later", "a.b@example.com", "x"), k=3)
    return "'" + " ".join(words).replace("'", "''") + "'"


def _function(n: int, table: str) -> str:
    return (
        f"CREATE FUNCTION app.touch_{table}_{n}() RETURNS trigger\n    LANGUAGE plpgsql\n    AS $$\n"
        f"BEGIN\n    IF NEW.status = 'paid' THEN\n"
        f"        UPDATE app.{table} SET amount = amount + 1 WHERE id = NEW.id;\n"
        f"        INSERT INTO app.invoices (id, customer_id) SELECT o.id, o.customer_id FROM app.{table} o\n"
        f"            WHERE o.id = NEW.id;\n    END IF;\n    RETURN NEW;\nEND;\n$$;\n\n"
    )


def _chunks(rng: random.Random) -> Iterator[str]:
    """An endless dump: per table its DDL, a function, INSERT rows and COPY data; now and
    then a statement crossing the boundary."""
    n = 0
    while True:
        table = TABLES[n % len(TABLES)]
        cols = ", ".join(COLUMNS)
        yield (f"CREATE TABLE app.{table}_{n} (\n    id bigint NOT NULL,\n    customer_id bigint,\n"
               f"    amount numeric(12,2),\n    status text,\n    note text,\n    created_at timestamptz\n);\n\n")
        yield _function(n, table)
        for _ in range(200):  # pg_dump --inserts: one statement a row
            row = ", ".join(_value(rng, c) for c in COLUMNS)
            yield f"INSERT INTO app.{table}_{n} ({cols}) VALUES ({row});\n"
        rows = ",\n    ".join("(" + ", ".join(_value(rng, c) for c in COLUMNS) + ")" for _ in range(100))
        yield f"\nINSERT INTO app.{table}_{n} ({cols}) VALUES\n    {rows};\n\n"
        data = "".join("\t".join(_value(rng, c).strip("'").replace("''", "'") for c in COLUMNS) + "\n"
                       for _ in range(300))
        yield f"COPY app.{table}_{n} ({cols}) FROM stdin;\n{data}\\.\n\n"
        if n % 4 == 0:
            yield CROSS[(n // 4) % len(CROSS)] + "\n\n"
        n += 1


def write_dump(path: Path, size: int, seed: int = 0) -> Path:
    """A ``.sql`` dump of about ``size`` bytes."""
    rng = random.Random(seed)
    parts: List[str] = ["SET statement_timeout = 0;\nSET search_path = app, pg_catalog;\n\n"]
    total = len(parts[0])
    for chunk in _chunks(rng):
        parts.append(chunk)
        total += len(chunk)
        if total >= size:
            break
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(parts), encoding="utf-8")
    return path


def _handler(rng: random.Random, n: int) -> str:
    table = TABLES[n % len(TABLES)]
    other = TABLES[(n + 1) % len(TABLES)]
    schema = "public." if n % 25 == 0 else ""  # now and then another service's table
    return (
        f"def handle_{n}(conn, key, status):\n"
        f'    """Handler {n}."""\n'
        f"    with conn.cursor() as cur:\n"
        f'        cur.execute("SELECT o.id, o.amount, c.note FROM {schema}{table} o "\n'
        f'                    "JOIN {other} c ON c.id = o.customer_id WHERE o.id = %s", (key,))\n'
        f"        rows = cur.fetchall()\n"
        f'        cur.execute("UPDATE {table} SET status = %s WHERE id = %s", (status, key))\n'
        f"        if not rows:\n"
        f'            cur.execute("INSERT INTO {other} (id, status) VALUES (%s, %s)", (key, status))\n'
        f"    return rows\n\n\n"
    )


def write_service(root: Path, modules: int = 116, handlers: int = 12, migrations: int = 12) -> Path:
    """A psycopg2 web app: ``modules`` files of ``handlers`` functions, each running SQL, and
    ``migrations`` ``.sql`` files."""
    rng = random.Random(1)
    package = root / "app"
    package.mkdir(parents=True, exist_ok=True)
    for m in range(modules):
        body = "".join(_handler(rng, m * handlers + h) for h in range(handlers))
        (package / f"views_{m}.py").write_text('"""Views."""\n\n\n' + body, encoding="utf-8")
    for m in range(migrations):
        write_dump(root / "migrations" / f"{m:04d}_schema.sql", 20_000, seed=m)
    return root
