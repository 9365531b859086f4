"""Where a DSN points, said without its password; and scrubbing secrets out of messages.

Pure string functions (no psycopg): ``db-audit`` locates every finding and
every error by ``postgresql://host:port/dbname``, which never carries a user
or a password, and passes every message that may echo the DSN through
:func:`scrub` first.

Both libpq spellings are understood: URLs (``postgresql://user:pw@host:5432/db?sslmode=require``)
and ``key=value`` strings (``host=db port=5432 password='s e c'``).
"""

from __future__ import annotations

import re
from typing import Dict, Iterable, Mapping, Optional, Tuple
from urllib.parse import quote, unquote

_URL_PREFIXES = ("postgresql://", "postgres://")
_PAIR = re.compile(r"""(\w+)\s*=\s*('(?:[^'\\]|\\.)*'|(?:[^\s'\\]|\\.)+)""")
_PASSWORD_WORD = re.compile(r"password\s*=?\s*('(?:[^'\\]|\\.)*'|\S+)", re.IGNORECASE)
_QUOTED = re.compile(r'"([^"]*)"')
MASK = "***"


def is_url(dsn: str) -> bool:
    return dsn.strip().lower().startswith(_URL_PREFIXES)


def parse_dsn(dsn: str) -> Dict[str, str]:
    """The connection parameters a DSN spells out (best effort, never raises).

    >>> parse_dsn("postgresql://app:s3cret@db.example:6432/orders?sslmode=require")
    {'user': 'app', 'password': 's3cret', 'host': 'db.example', 'port': '6432', 'dbname': 'orders',
     'sslmode': 'require'}
    >>> parse_dsn("host=db port=5432 dbname=orders password='a b'")
    {'host': 'db', 'port': '5432', 'dbname': 'orders', 'password': 'a b'}
    """
    return _parse_url(dsn.strip()) if is_url(dsn) else _parse_pairs(dsn)


def _parse_url(url: str) -> Dict[str, str]:
    rest = url.split("://", 1)[1]
    params: Dict[str, str] = {}
    # As libpq: user info ends at the first '@' met before any '/'.
    cut = re.search(r"[@/]", rest)
    if cut and cut.group() == "@":
        userinfo, rest = rest[: cut.start()], rest[cut.end():]
        user, _, password = userinfo.partition(":")
        if user:
            params["user"] = unquote(user)
        if password:
            params["password"] = unquote(password)
    rest, _, query = rest.partition("?")
    hostspec, _, dbname = rest.partition("/")
    hosts, ports = [], []
    for item in filter(None, hostspec.split(",")):
        match = re.fullmatch(r"(\[[^\]]*\]|[^:]*)(?::(\d*))?", item)
        host, port = (match.group(1), match.group(2)) if match else (item, None)
        hosts.append(unquote(host.strip("[]")))
        if port:
            ports.append(port)
    if any(hosts):
        params["host"] = ",".join(hosts)
    if ports:
        params["port"] = ",".join(ports)
    if dbname:
        params["dbname"] = unquote(dbname)
    for pair in filter(None, query.split("&")):
        key, _, value = pair.partition("=")
        params[unquote(key)] = unquote(value)
    return params


def _parse_pairs(text: str) -> Dict[str, str]:
    params: Dict[str, str] = {}
    for match in _PAIR.finditer(text):
        value = match.group(2)
        if value.startswith("'"):
            value = value[1:-1]
        params[match.group(1)] = re.sub(r"\\(.)", r"\1", value)
    return params


def database_location(host: Optional[str], port: Optional[str], dbname: Optional[str]) -> str:
    """``postgresql://host:port/dbname``: no user, no password; a socket folder percent-encoded.

    >>> database_location("db.example", "5432", "orders")
    'postgresql://db.example:5432/orders'
    >>> database_location("/run/postgresql", "5432", "orders")
    'postgresql://%2Frun%2Fpostgresql:5432/orders'
    """
    hosts = ",".join(
        f"[{h}]" if ":" in h and not h.startswith("/") else quote(h, safe="")
        for h in (host or "").split(",")
        if h
    )
    where = hosts + (f":{port}" if port else "")
    return f"postgresql://{where}/{quote(dbname or '', safe='')}"


def redacted_location(dsn: str, env: Mapping[str, str]) -> str:
    """The location a DSN names, falling back on ``PGHOST``/``PGPORT``/``PGDATABASE`` as libpq does.

    >>> redacted_location("postgresql://app:pw@db/orders", {"PGPORT": "6432"})
    'postgresql://db:6432/orders'
    """
    params = parse_dsn(dsn)
    return database_location(
        params.get("host") or params.get("hostaddr") or env.get("PGHOST"),
        params.get("port") or env.get("PGPORT"),
        params.get("dbname") or env.get("PGDATABASE"),
    )


def secrets_of(dsn: str, env: Mapping[str, str]) -> Tuple[str, ...]:
    """Every string that must never be printed: the DSN's passwords (as written and
    decoded) and ``PGPASSWORD``; longest first, so that :func:`scrub` masks whole values.

    >>> secrets_of("postgresql://app:p%40ss@db/orders", {"PGPASSWORD": "other"})
    ('p%40ss', 'other', 'p@ss')
    """
    found = set()
    params = parse_dsn(dsn)
    if params.get("password"):
        found.add(params["password"])
    for match in _PASSWORD_WORD.finditer(dsn):
        found.add(match.group(1).strip("'"))
    if is_url(dsn):
        userinfo = re.match(r"[^@/]*@", dsn.strip().split("://", 1)[1])
        if userinfo and ":" in userinfo.group():
            raw = userinfo.group()[:-1].partition(":")[2]
            found.update({raw, unquote(raw)})
        for raw in re.findall(r"[?&]password=([^&]*)", dsn):
            found.update({raw, unquote(raw)})
    if env.get("PGPASSWORD"):
        found.add(env["PGPASSWORD"])
    return tuple(sorted((s for s in found if s), key=lambda s: (-len(s), s)))


def scrub(text: str, secrets: Iterable[str]) -> str:
    """``text`` with every secret masked.

    >>> scrub('password authentication failed ("hunter2")', ["hunter2"])
    'password authentication failed ("***")'
    """
    for secret in secrets:
        text = text.replace(secret, MASK)
    return text


def hide_quoted_fragments(message: str, keep: Iterable[str] = ()) -> str:
    """Mask the quoted fragments libpq echoes from a DSN it could not parse.

    A malformed DSN can be quoted whole (``... in URI: "postgresql://u:pw@[::1/db"``),
    password included, so only fragments known to be harmless survive.

    >>> hide_quoted_fragments('missing "=" after "hunter2" in connection info string')
    'missing "=" after "***" in connection info string'
    """
    allowed = set(keep)

    def mask(match: "re.Match[str]") -> str:
        text = match.group(1)
        harmless = text in allowed or (len(text) == 1 and not text.isalnum())
        return match.group() if harmless else f'"{MASK}"'

    return _QUOTED.sub(mask, message)
