"""Statements that cannot give a finding, told from their words before any parse.

A table reference is made of the statement's own name tokens: a word, a quoted
identifier, or a bind parameter / hole for a run-time name, ``schema.name`` being
two of them joined by a dot. So when no word (alone, or with the word dotted to it
either side) can name a table that another service owns, that no service owns, or
that is built at run time where the owner cannot be decided, the statement cannot
give a finding for the file's service, whatever sqlglot would make of it; it is
not parsed. Works on *masked* text (``sql.split.mask``): words in string literals
and comments are not names (a function body's statements are judged one by one).
Two steps rest on SQL's grammar rather than on the words alone: a dotted name in an
expression, qualified by an alias, is a column, and a bind parameter in an expression is a
value, not a run-time table name (see :class:`StatementFilter`);
tests/rules/test_statement_filter.py compares the findings with those of a full parse.

>>> from boundary_lint.registry import Registry, Service
>>> registry = Registry({"app": Service("app", owns=("app.*",), search_path=("app",)),
...                      "billing": Service("billing", owns=("billing.*",))})
>>> proof = StatementFilter(registry, "app")
>>> proof.may_find("SELECT o.id FROM orders o WHERE o.id = %s")  # o is an alias: o.id a column
False
>>> proof.may_find("SELECT o.id FROM orders, o.id")  # o.id: another schema's table
True
>>> proof.may_find("INSERT INTO app.orders (id, note) VALUES (1, '      ')")
False
>>> proof.may_find("SELECT * FROM billing.invoices")
True
"""

from __future__ import annotations

import re
from typing import Dict, FrozenSet, Optional, Tuple

from boundary_lint.model import HOLE_PREFIX, TableName
from boundary_lint.registry import Registry
from boundary_lint.rules.tables import may_be_finding
from boundary_lint.sql import memo
from boundary_lint.sql.split import NAME_REST, NAME_START

_PART = (r'"(?:[^"]|"")*"?|`[^`]*`?|' + NAME_START + r"(?<![\w$].)" + NAME_REST  # no name char before it
         + r"|\$\d+|%\(\w+\)s|%s|:(?<![:\w]:)[A-Za-z_]\w*|\?")
"""A part of a name. Each look-behind follows the character it guards, so ``re`` can skip to the
characters that may start one."""
_CHAIN = re.compile(r"(?:%s)(?:\s*\.\s*(?:%s))*" % (_PART, _PART))
_PARTS = re.compile(_PART)
_PLACEHOLDER = re.compile(r"\$\d+|%\(\w+\)s|%s|:[A-Za-z_]\w*|\?")
_WRITE_WORDS = ("INSERT", "UPDATE", "DELETE", "MERGE", "TRUNCATE", "COPY", "INTO", "LOCK")
"""The words after which a name is written (``sql.tree_refs`` and ``sql.scan``)."""
DIALECTS = frozenset(["postgres", "postgresql"])
"""Where the words of a statement are known to be its names (PostgreSQL's lexing)."""


def _names(part: str):
    """The names a part may stand for: (text, dynamic), case-folded unless quoted."""
    if part[0] in "\"`":
        inner = part[1:-1] if len(part) > 1 and part[-1] == part[0] else part[1:]
        texts = {inner, inner.replace(part[0] * 2, part[0])}
        return [(t, HOLE_PREFIX in t.lower()) for t in texts]
    if _PLACEHOLDER.fullmatch(part):
        return [(part, True)]
    low = part.lower()
    return [(low, HOLE_PREFIX in low)]


_TOKENS = re.compile(r"(?:%s)|[()]" % _CHAIN.pattern)
_EXPRESSION_CLAUSES = frozenset("SELECT WHERE HAVING RETURNING BY VALUES WHEN THEN ELSE".split())
_TABLE_CLAUSES = frozenset("""FROM JOIN INTO UPDATE USING TABLE ONLY REFERENCES LATERAL INHERITS OF
    TRUNCATE COPY VIEW INDEX TRIGGER POLICY COLUMN INSERT DELETE MERGE CREATE ALTER DROP
    GRANT REVOKE COMMENT WITH""".split())
"""LOCK is not one: it names tables only as a statement's first word, where no expression is
open yet (as a column, ``SELECT id, lock, ...``, it closed the expression it stands in)."""
_DML = frozenset("SELECT WITH INSERT UPDATE DELETE MERGE".split())
_DML_EXPRESSIONS = frozenset(["ON", "SET", "EXISTS"])  # an expression follows in a query, a table elsewhere
_ROW_NAMES = frozenset(["excluded", "new", "old"])  # ON CONFLICT's row, a trigger's rows


_OPENS_EXPRESSION, _OPENS_EXPRESSION_IN_DML, _OPENS_TABLE = 1, 2, 3


def _role(token: str) -> Tuple[Optional[str], int, Tuple[str, ...]]:
    """What a chain of names does in :meth:`StatementFilter._qualified_tables`: (the word, upper
    case, for a chain of one part, else None; the clause it opens, 0 for none; the names it declares)."""
    if "." in token:
        return None, 0, tuple(name for name, _ in _names(_PARTS.findall(token)[-1]))
    word = token.upper()
    if word in _EXPRESSION_CLAUSES:
        clause = _OPENS_EXPRESSION
    elif word in _DML_EXPRESSIONS:
        clause = _OPENS_EXPRESSION_IN_DML
    else:
        clause = _OPENS_TABLE if word in _TABLE_CLAUSES else 0
    return word, clause, tuple(name for name, _ in _names(token))


class StatementFilter:
    """``may_find(masked_statement)`` for one registry and service; remembers each chain
    of names it judged (a file repeats the same few hundred).

    ``o.id`` could be ``schema.table``; it is not taken for one where it stands in an
    expression (after SELECT, WHERE, HAVING, RETURNING, BY, VALUES, WHEN, THEN, ELSE, a
    query's ON, SET or EXISTS, with no keyword that may open a table reference in between) and ``o`` is a name the
    statement declares (a table or alias: a word standing alone, or a chain's last part).
    """

    def __init__(self, registry: Registry, service: str) -> None:
        self.registry = registry
        self.service = service
        self._chains: Dict[str, Tuple[bool, Optional[FrozenSet[str]]]] = {}
        self._tables: Dict[Tuple[Optional[str], bool, str, bool], bool] = {}
        self._roles: Dict[str, Tuple[Optional[str], int, Tuple[str, ...]]] = {}

    def may_find(self, masked: str) -> bool:
        """Could any table reference in this masked statement be a finding? (Remembered for
        the run, by the statement, see :func:`boundary_lint.sql.memo.verdicts`.)"""
        if len(masked) > memo.MAX_REMEMBERED_CHARS:
            return self._may_find(masked)
        known = memo.verdicts(self)
        verdict = known.get(masked)
        if verdict is None:
            verdict = known[masked] = self._may_find(masked)
        return verdict

    def may_find_or_write(self, masked: str) -> bool:
        """:meth:`may_find`, or the statement may write a table, whoever owns it: the proof of
        a file's second reading, for the transactions BND108 judges, which count the
        service's own writes (a statement without one of the words is no write: ``INTO``
        for ``SELECT ... INTO``; upper-cased as sqlglot's tokenizer does)."""
        if self.may_find(masked):
            return True
        upper = masked.upper()
        return any(word in upper for word in _WRITE_WORDS)

    def _may_find(self, masked: str) -> bool:
        pending = {}
        for chain in set(_CHAIN.findall(masked)):
            verdict = self._chains.get(chain)
            if verdict is None:
                verdict = self._chains[chain] = self._judge(chain)
            alone, heads = verdict
            if alone:
                return True
            if heads is not None:
                pending[chain] = heads
        return bool(pending) and self._qualified_tables(masked, pending)

    def _judge(self, chain: str) -> Tuple[bool, Optional[FrozenSet[str]]]:
        """(some part alone may be a finding, the first parts of the pairs that may be one, None
        for none). A bind parameter standing alone is pending with no head: a value where it
        stands in an expression, a run-time table name elsewhere."""
        parts = [_names(part) for part in _PARTS.findall(chain)]
        if any(self._may(None, False, name, dynamic) for names in parts for name, dynamic in names):
            if len(parts) == 1 and _PLACEHOLDER.fullmatch(chain):
                return False, frozenset()
            return True, None
        heads = set()
        for names, following in zip(parts, parts[1:]):
            for name, dynamic in names:
                if any(self._may(name, dynamic, n, d) for n, d in following):
                    heads.add(name if not dynamic else "")  # a run-time schema is never declared
        return False, frozenset(heads) if heads else None

    def _qualified_tables(self, masked: str, pending: Dict[str, FrozenSet[str]]) -> bool:
        """Does a chain of ``pending`` stand where it may be ``schema.table``?"""
        head = ""
        expression, outer = False, []  # the clause at this parenthesis depth, those outside
        declared = set(_ROW_NAMES)
        uses = []
        roles = self._roles
        for token in _TOKENS.findall(masked):  # strings, not match objects: a third quicker
            if token == "(":
                outer.append(expression)
            elif token == ")":
                expression = outer.pop() if outer else expression
            else:
                role = roles.get(token)
                if role is None:
                    role = roles[token] = _role(token)
                word, clause, names = role
                if word is not None:
                    head = head or word
                    if clause == _OPENS_EXPRESSION or (clause == _OPENS_EXPRESSION_IN_DML and head in _DML):
                        expression = True  # in a query, EXISTS ( is a subquery; elsewhere IF EXISTS t
                    elif clause:
                        expression = False
                if token in pending:
                    uses.append((token, expression))
                declared.update(names)
        return any(not expression or not pending[token] <= declared for token, expression in uses)

    def _may(self, schema: Optional[str], schema_dynamic: bool, name: str, dynamic: bool) -> bool:
        key = (schema, schema_dynamic, name, dynamic)
        verdict = self._tables.get(key)
        if verdict is None:
            verdict = self._tables[key] = may_be_finding(TableName(schema, name, schema_dynamic, dynamic),
                                                         self.registry, self.service)
        return verdict


_FILTERS: Dict[Tuple[int, str], Tuple[Registry, StatementFilter]] = {}


def statement_filter(registry: Registry, service: str) -> Optional[StatementFilter]:
    """The filter for a file of ``service``, or None where words cannot be trusted as names
    (a dialect other than PostgreSQL's: every statement is parsed). One per registry and
    service in a process, so its verdicts serve every file (a registry is never changed)."""
    if registry.settings.dialect not in DIALECTS:
        return None
    known = _FILTERS.get((id(registry), service))
    if known is not None and known[0] is registry:
        return known[1]
    if len(_FILTERS) > 64:  # a long-lived process (an editor's) seeing many registries
        _FILTERS.clear()
    proof = StatementFilter(registry, service)
    _FILTERS[(id(registry), service)] = (registry, proof)
    return proof
