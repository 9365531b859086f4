"""Hypothesis strategies for the fuzz tests: SQL-ish text, Python around it, mutated
corpus files, registries as dicts and as TOML text."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, List

from hypothesis import strategies as st

TESTS = Path(__file__).parent
SOURCE_FILES = sorted(
    p for root in (TESTS / "fixtures", TESTS / "corpus") for p in root.rglob("*")
    if p.suffix in (".py", ".sql") and "__pycache__" not in p.parts and ".boundary_lint_cache" not in p.parts
)

# -- SQL-ish text ----------------------------------------------------------------------

KEYWORDS = [
    "SELECT", "FROM", "JOIN", "LEFT JOIN", "ON", "WHERE", "AND", "OR", "NOT", "IN", "EXISTS",
    "INSERT INTO", "VALUES", "UPDATE", "SET", "DELETE FROM", "USING", "RETURNING", "WITH", "AS",
    "RECURSIVE", "UNION ALL", "MERGE INTO", "WHEN MATCHED THEN", "TRUNCATE", "COPY", "TO", "STDIN",
    "CREATE TABLE", "CREATE VIEW", "CREATE INDEX", "CREATE FUNCTION", "RETURNS", "LANGUAGE plpgsql",
    "ALTER TABLE", "ADD CONSTRAINT", "DROP CONSTRAINT", "FOREIGN KEY", "REFERENCES", "DROP TABLE",
    "GRANT SELECT ON", "REVOKE", "COMMENT ON TABLE", "IS", "DO", "BEGIN", "END", "IF", "THEN",
    "LOOP", "PERFORM", "EXECUTE", "INTO", "DECLARE", "CURSOR FOR", "EXPLAIN", "LOCK TABLE",
    "REFRESH MATERIALIZED VIEW", "ON CONFLICT", "DO NOTHING", "CASE", "WHEN", "ELSE", "LIMIT",
    "ORDER BY", "GROUP BY", "HAVING", "LATERAL", "ONLY", "\\copy", "\\c db",
]
TABLES = [
    "public.strategy", "public.portfolio", "order_service.orders", "orders", "strategy",
    '"Public"."Strategy"', "user_service.v_trading_accounts", "pg_catalog.pg_class", "a.b.c",
    "public.instrument_registry", "x", "ñandú.tàble", "public.strategy s", "bl_hole_0",
    "public.bl_hole_1",
]
PUNCTUATION = [
    ";", "(", ")", ",", ".", "*", "=", "::", "::int", "'", "''", '"', "--", "/*", "*/", "$$", "$tag$",
    "$1", "%s", "%(id)s", ":id", "?", "{", "}", "{}", "{x}", "\\", "E'\\''", "'a;b'", "1", "-1.5e3",
    "\n", "\t", "  ", "||", "[", "]", "\u00e9", "\u2028", "\U0001f600", "\x0b",
]
SQL_TOKEN = st.one_of(
    st.sampled_from(KEYWORDS), st.sampled_from(TABLES), st.sampled_from(PUNCTUATION),
    st.from_regex(r"[A-Za-z_][A-Za-z0-9_$]{0,12}", fullmatch=True),
    st.text(st.characters(blacklist_categories=("Cs",)), max_size=4),
)


@st.composite
def sql_text(draw, max_tokens: int = 40) -> str:
    """Mostly-SQL: keywords, table names, quotes, dollar quotes, comments, unicode, joined
    by spaces or glued together."""
    tokens = draw(st.lists(SQL_TOKEN, max_size=max_tokens))
    glue = draw(st.lists(st.sampled_from([" ", "", "\n"]), min_size=len(tokens), max_size=len(tokens)))
    return "".join(t + g for t, g in zip(tokens, glue))


STATEMENT_TABLES = ["public.strategy", "public.portfolio", "tradingdb.accounts", "accounts.balances",
                    "market.quotes", "orders.orders", "users", "strategy", '"Public"."Strategy"', "backtests"]
COLUMNS = st.sampled_from(["id", "name", "strategy_id", "weight", '"Mixed"', "created_at"])
PARAMS = st.sampled_from([":id", "%s", "%(id)s", "$1", "?", "1", "'x'", "NOW()", "{value}", "NULL"])
TEMPLATES = [
    "SELECT {c} FROM {t} WHERE {c} = {p}",
    "SELECT * FROM {t} s JOIN {t2} p ON p.{c} = s.{c} WHERE s.{c} = {p} AND p.{c} > {p}",
    "SELECT {c} FROM {t} WHERE {c} IN (SELECT {c} FROM {t2}) ORDER BY {c} LIMIT 1",
    "WITH x AS (SELECT {c} FROM {t}) SELECT * FROM x JOIN {t2} USING ({c})",
    "INSERT INTO {t} ({c}, name) VALUES ({p}, {p}) ON CONFLICT ({c}) DO NOTHING RETURNING {c}",
    "UPDATE {t} SET {c} = {p} WHERE {c} = {p}",
    "UPDATE {t} a SET {c} = b.{c} FROM {t2} b WHERE a.id = b.id",
    "DELETE FROM {t} WHERE {c} = {p}",
    "CREATE TABLE {t} (id int REFERENCES {t2}(id))",
    "ALTER TABLE {t} ADD CONSTRAINT fk FOREIGN KEY ({c}) REFERENCES {t2} (id)",
    "DO $$ BEGIN IF EXISTS (SELECT 1 FROM {t}) THEN DELETE FROM {t2}; END IF; END $$",
    "COPY {t} FROM STDIN",
    "TRUNCATE {t}, {t2}",
    "GRANT SELECT ON {t} TO reader",
]


@st.composite
def sql_statement(draw, params=PARAMS) -> str:
    """A well-formed statement over tables that services own (values are placeholders,
    literals, calls or an f-string-like ``{value}``)."""
    template = draw(st.sampled_from(TEMPLATES))
    out, rest = [], template
    while "{" in rest:
        head, _, tail = rest.partition("{")
        field, _, rest = tail.partition("}")
        out.append(head)
        out.append(draw({"t": st.sampled_from(STATEMENT_TABLES), "t2": st.sampled_from(STATEMENT_TABLES),
                         "c": COLUMNS, "p": params}[field]))
    return "".join(out) + rest


@st.composite
def sql_text_or_statements(draw) -> str:
    """Half the time random SQL-ish tokens; else statements, some with random tokens spliced in."""
    if draw(st.booleans()):
        return draw(sql_text())
    statements = draw(st.lists(sql_statement(), min_size=1, max_size=3))
    if draw(st.integers(0, 3)) == 0:
        at = draw(st.integers(0, len(statements[0])))
        statements[0] = statements[0][:at] + draw(sql_text(4)) + statements[0][at:]
    return ";\n".join(statements)


def _fstring(text: str, hole_at: int) -> str:
    """``text`` as an f-string literal with a ``{value}`` hole after ``hole_at`` characters."""
    escaped = [text[:hole_at], text[hole_at:]]
    escaped = [part.replace("{", "{{").replace("}", "}}") for part in escaped]
    body = repr(escaped[0] + "\0HOLE\0" + escaped[1])
    return "f" + body.replace("\\x00HOLE\\x00", "{value}")


@st.composite
def python_with_sql(draw, rewritable: bool = False) -> str:
    """A module passing SQL-ish text to sinks in the shapes the checker reads; ``rewritable``:
    one statement with ``:id`` binds passed to ``text()``, the shape ``fix`` rewrites most."""
    if rewritable:
        sql = draw(sql_statement(st.sampled_from([":id", ":id", "1", "'x'"])))
        return ("from sqlalchemy import text\n\n\nasync def f(session, id):\n"
                f"    result = await session.execute(text({sql!r}), {{'id': id}})\n"
                "    return result.mappings().first()\n")
    sql = draw(sql_text_or_statements())
    literal = repr(sql)
    shape = draw(st.sampled_from(["execute", "text", "fstring", "concat", "constant", "format", "percent",
                                  "triple", "fetch", "psycopg", "alembic", "literal"]))
    if shape == "fstring":
        literal = _fstring(sql, draw(st.integers(0, len(sql))))
    elif shape == "concat":
        cut = draw(st.integers(0, len(sql)))
        literal = f"{sql[:cut]!r} + name + {sql[cut:]!r}"
    elif shape == "triple" and '"""' not in sql and not sql.endswith(("\\", '"')):
        literal = '"""' + sql.replace("\\", "\\\\") + '"""'
    body = {
        "execute": f"def f(cur, id):\n    cur.execute({literal}, (id,))\n    return cur.fetchone()",
        "text": f"async def f(session, id):\n    result = await session.execute(text({literal}), {{'id': id}})\n"
                "    return result.mappings().first()",
        "fstring": f"cur.execute({literal})",
        "concat": f"cur.execute({literal})",
        "constant": f"QUERY = {literal}\n\ndef run(cur):\n    cur.execute(QUERY)",
        "format": f"cur.execute({literal}.format(schema='public', table=name))",
        "percent": f"cur.execute({literal} % ('public',))",
        "triple": f"cur.execute({literal})",
        "fetch": f"async def f(conn):\n    return await conn.fetchrow({literal}, 1)",
        "psycopg": f"cur.execute(sql.SQL({literal}).format(sql.Identifier('public', name)))",
        "alembic": f"def upgrade():\n    op.execute({literal})",
        "literal": f"X = {literal}",
    }[shape]
    return "name = 'strategy'\nvalue = 1\n" + body + "\n"


# -- mutated corpus files ---------------------------------------------------------------

MUTATIONS = ["delete", "duplicate", "swap", "bytes", "truncate", "insert_sql", "indent"]


@st.composite
def mutated_file(draw, suffix=None):
    """(path, bytes): a fixture or corpus file with a few lines deleted, duplicated, swapped,
    re-indented, random bytes or SQL inserted, or cut short."""
    path = draw(st.sampled_from(SOURCE_FILES if suffix is None else [p for p in SOURCE_FILES if p.suffix == suffix]))
    data = path.read_bytes()
    for _ in range(draw(st.integers(0, 3))):
        lines = data.splitlines(keepends=True) or [b""]
        kind = draw(st.sampled_from(MUTATIONS))
        i = draw(st.integers(0, len(lines) - 1))
        j = draw(st.integers(0, len(lines) - 1))
        if kind == "delete":
            del lines[i:i + draw(st.integers(1, 5))]
        elif kind == "duplicate":
            lines[i:i] = lines[i:j + 1]
        elif kind == "swap":
            lines[i], lines[j] = lines[j], lines[i]
        elif kind == "indent":
            lines[i] = draw(st.sampled_from([b" ", b"    ", b"\t", b""])) + lines[i].lstrip()
        elif kind == "insert_sql":
            lines.insert(i, draw(sql_text(12)).encode("utf-8", "surrogatepass") + b"\n")
        joined = b"".join(lines)
        if kind == "bytes":
            at = draw(st.integers(0, len(joined)))
            joined = joined[:at] + draw(st.binary(min_size=1, max_size=8)) + joined[at:]
        elif kind == "truncate":
            joined = joined[:draw(st.integers(0, len(joined)))]
        data = joined
    return path, data


# -- registries -----------------------------------------------------------------------

ENTRIES = st.one_of(
    st.sampled_from(["public.strategy", "orders.*", "orders", "*", ".x", "x.", "a.b.c.d", '"Q".t', "",
                     "public.strategy", "pg_catalog.*", "services/**", "**/x.py", "[", "a\\b"]),
    st.text(max_size=12),
)
SCALARS = st.one_of(st.text(max_size=10), st.integers(-3, 3), st.booleans(), st.floats(allow_nan=False, width=32))
VALUES = st.recursive(
    st.one_of(SCALARS, st.lists(ENTRIES, max_size=4)),
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=6), inner, max_size=3)),
    max_leaves=8,
)
CLIENTS = st.fixed_dictionaries({}, optional={"module": st.one_of(st.text(max_size=8), VALUES),
                                              "factory": st.one_of(st.text(max_size=8), VALUES),
                                              "awaitable": st.one_of(st.booleans(), VALUES)})
REWRITES = st.lists(st.fixed_dictionaries({}, optional={
    "sql": st.one_of(sql_text(8), VALUES),
    "call": st.one_of(st.sampled_from(["get_x(a)", "x.y(", "f()" + ".g" * 3, "(", "get(\0)", "1", ""]),
                      st.text(max_size=10), VALUES)}), max_size=2)


def _mostly(good, bad=VALUES):
    """``good`` nine times in ten, anything else the tenth."""
    return st.integers(0, 9).flatmap(lambda n: good if n else bad)


LIST_OF_ENTRIES = st.lists(ENTRIES, max_size=4)
SERVICE = st.fixed_dictionaries({}, optional={
    "owns": _mostly(LIST_OF_ENTRIES), "paths": _mostly(LIST_OF_ENTRIES),
    "search_path": _mostly(LIST_OF_ENTRIES), "may_read": _mostly(LIST_OF_ENTRIES),
    "client": _mostly(CLIENTS), "role": _mostly(st.text(max_size=8)), "rewrites": _mostly(REWRITES),
})
SETTINGS = st.fixed_dictionaries({}, optional={
    "dialect": _mostly(st.sampled_from(["postgres", "mysql", "duckdb", "nosuch", "", "Postgres"])),
    "search_path": _mostly(LIST_OF_ENTRIES), "ignore": _mostly(LIST_OF_ENTRIES),
    "sinks": _mostly(LIST_OF_ENTRIES), "exclude": _mostly(LIST_OF_ENTRIES),
    "baseline": _mostly(st.text(max_size=8)),
})
SERVICE_NAME = st.one_of(st.sampled_from(["orders", "algo", "users", "a.b", "", " "]), st.text(max_size=8))
SERVICES = st.dictionaries(SERVICE_NAME, _mostly(SERVICE), min_size=1, max_size=3)
REGISTRY = st.fixed_dictionaries({"services": _mostly(SERVICES)}, optional={"settings": _mostly(SETTINGS)})


def toml_value(value: Any) -> str:
    """An inline TOML value (strings through JSON escapes, which TOML shares)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value) if abs(value) != float("inf") else "0"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{toml_value(k)} = {toml_value(v)}" for k, v in value.items()) + "}"
    raise TypeError(type(value))


def toml_document(raw: dict) -> str:
    """``raw`` as a TOML document: one ``key = value`` line per top-level key."""
    lines: List[str] = [f"{toml_value(k)} = {toml_value(v)}" for k, v in raw.items()]
    return "\n".join(lines) + "\n"


# -- the shapes the byte pre-filter must read right ---------------------------------------

LITERAL_PIECES = [
    '"', "'", '"""', "'''", 'f"', "rb'", "u'''", '""', "''", "\\", "\\n", "\\x20", "\\'", '\\"',
    "SELECT", "select", "DELETE", "with", "WITH", "Select", "do", "update", "comment",
    " ", "\n", "\n    ", "\t", "(", ")", "[", "+", "%", ".format(x)", ",", ":", "#", "# noqa",
    "-- c\n", "--c\\n", "/* c */", "/*", "*/", " * FROM public.strategy", " a FROM strategy",
    "INTO public.portfolio", "def f():\n    ", "class Meta:\n    ", "with open(p) as fh:\n",
    "execute(", "text()", "cur.execute(", "models.ForeignKey(", "ForeignKey(", "db_table = ",
    "op.create_table(", "extra(tables=[", "q = ", "x", "\u00a0", "\u3000", "\x0c",
]


@st.composite
def literal_shapes(draw) -> str:
    """Python-ish text made of quotes, prefixes, escapes, keywords, comments and call
    names: what decides whether a string literal opens with SQL, in every arrangement."""
    pieces = draw(st.lists(st.sampled_from(LITERAL_PIECES), max_size=24))
    return "".join(pieces)


@st.composite
def sql_literal_modules(draw) -> str:
    """Valid Python whose string literals hold SQL in the shapes the pre-filter must not
    miss: prefixes, triple quotes, escapes and comments before the keyword, a lone keyword
    joined to more text, a docstring's closing quote followed by a with statement."""
    keyword = draw(st.sampled_from(["SELECT", "select", "DELETE", "WITH x AS (SELECT 1)", "UPDATE"]))
    rest = {"SELECT": " * FROM public.strategy", "select": " id from public.portfolio",
            "DELETE": " FROM public.strategy", "WITH x AS (SELECT 1)": " SELECT * FROM public.strategy",
            "UPDATE": " public.portfolio SET a = 1"}[keyword]
    lead = draw(st.sampled_from(["", " ", "\\n", "\\n    ", "-- why\\n", "/* why */ ", "\\t", "\\\n    "]))
    prefix = draw(st.sampled_from(["", "f", "r", "u", "F", "R"]))
    if prefix.lower() == "r" and "\\" in lead:
        lead = " "
    quote = draw(st.sampled_from(['"', "'", '"""', "'''"]))
    split = draw(st.booleans())
    if split:
        literal = f"{prefix}{quote}{lead}{keyword}{quote}{draw(st.sampled_from([' ', ' + ', '  # c' + chr(10) + '    ']))}{quote}{rest}{quote}"
    else:
        literal = f"{prefix}{quote}{lead}{keyword}{rest}{quote}"
    literal = literal.replace("{", "{{").replace("}", "}}") if prefix.lower() == "f" else literal
    before = draw(st.sampled_from(["", 'def g():\n    """Docs."""\n    with open(p) as fh:\n        pass\n',
                                   "# a 'quote\n", 'x = "a\\" with"\n', "y = '''\n'''\n"]))
    return f"{before}q = ({literal})\n"
