"""Lexical helpers for SQL text: statements, masks, dollar-quoted bodies, PL/pgSQL.

Everything here works on character offsets into the caller's text and never
changes lengths, so a position found in a masked copy is a position in the
original. Only PostgreSQL lexing rules matter here (quotes, ``E''`` strings,
``$tag$`` strings, ``--`` and nested ``/* */`` comments).

>>> sql = "SELECT ';' FROM a; -- x;\\nDELETE FROM b"
>>> [sql[s:e] for s, e in split_statements(sql)]
["SELECT ';' FROM a", 'DELETE FROM b']
>>> mask("SELECT 'x' -- c")
'SELECT         '
"""

from __future__ import annotations

import re
from typing import List, Optional, Tuple

# A segment is (kind, start, end, inner_start, inner_end); kind is "s" (string
# literal, dollar strings included), "i" (quoted identifier) or "c" (comment).
Segment = Tuple[str, int, int, int, int]

# A dollar-quote tag starts with a letter, ``_`` or any character of U+0080-U+FFFF and goes on
# with those and digits (and other word characters): spelled by exclusion, because a class
# listing the range U+0080-U+FFFF costs 9 ms to compile, which every run paid at start.
_SPECIAL = re.compile(r"""['"`;]|--|/\*|\$(?:[^\x00-\x40\x5b-\x5e\x60\x7b-\x7f\U00010000-\U0010ffff]"""
                      r"""(?:\w|[^\x00-\x7f\U00010000-\U0010ffff])*)?\$""")
NAME_START = r"[^\x00-\x40\x5b-\x5e\x60\x7b-\x7f\U00010000-\U0010ffff]"
"""A character that may open an unquoted name: ``[A-Za-z_\\x80-\\uffff]``, spelled by exclusion
(that class costs 8 ms to compile, and the patterns naming it were compiled in every run)."""
_NAME_CHAR = r"[^\x00-\x23\x25-\x2f\x3a-\x40\x5b-\x5e\x60\x7b-\x7f\U00010000-\U0010ffff]"
NAME_REST = _NAME_CHAR + r"*(?:\w" + _NAME_CHAR + "*)*"
"""The rest of an unquoted name: ``[\\w$\\x80-\\uffff]*`` (a class of the first plane's word
characters, ``$`` and non-ASCII, then any word character beyond it), the same strings matched."""
TABLE_KEYWORD_BEFORE = re.compile(r"\b(?:FROM|JOIN|INTO|UPDATE|TABLE|ONLY|USING|REFERENCES|EXISTS|VIEW)\s*$", re.I)
"""A keyword after which a name (or a bind parameter) stands for a table."""
_COMMENT_TOKEN = re.compile(r"/\*|\*/")
_BLANK = re.compile(r"\s*")
_WORD_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_$")


def _quote_end(text: str, i: int, end: int, quote: str, backslash: bool) -> int:
    """Offset just past the quote closing at or after ``i`` (``end`` if unterminated)."""
    while True:
        j = text.find(quote, i, end)
        if j < 0:
            return end
        if backslash:
            k = j - 1
            while k >= i and text[k] == "\\":
                k -= 1
            if (j - 1 - k) % 2:
                i = j + 1
                continue
        if j + 1 < end and text[j + 1] == quote:
            i = j + 2
            continue
        return j + 1


def _forget(segment: Segment) -> None:
    """Where ``lex`` puts segments nobody asked for."""


def lex(text: str, start: int = 0, end: Optional[int] = None,
        keep_segments: bool = True) -> Tuple[List[Segment], List[int]]:
    """Find literals, quoted identifiers and comments in ``text[start:end]``, and the
    semicolons outside them. One regex search per special character: fast on long text.
    ``keep_segments=False``: the semicolons only (a dump's million strings are not kept)."""
    end = len(text) if end is None else end
    segments: List[Segment] = []
    add = segments.append if keep_segments else _forget
    semicolons: List[int] = []
    pos = start
    while True:
        m = _SPECIAL.search(text, pos, end)
        if m is None:
            break
        tok, s = m.group(), m.start()
        if tok == ";":
            semicolons.append(s)
            pos = s + 1
        elif tok == "'":
            escaped = s > start and text[s - 1] in "eE" and (s - 1 == start or text[s - 2] not in _WORD_CHARS)
            e = _quote_end(text, s + 1, end, "'", escaped)
            add(("s", s, e, s + 1, max(s + 1, e - 1)))
            pos = e
        elif tok in "\"`":
            e = _quote_end(text, s + 1, end, tok, False)
            add(("i", s, e, s + 1, max(s + 1, e - 1)))
            pos = e
        elif tok == "--":
            e = text.find("\n", s, end)
            e = end if e < 0 else e
            add(("c", s, e, s, e))
            pos = e
        elif tok == "/*":
            depth, i = 1, s + 2
            while depth:
                c = _COMMENT_TOKEN.search(text, i, end)
                if c is None:
                    i = end
                    break
                depth += 1 if c.group() == "/*" else -1
                i = c.end()
            add(("c", s, i, s, i))
            pos = i
        else:  # $tag$ -- unless glued to an identifier (a$b$ is a name)
            if s > start and text[s - 1] in _WORD_CHARS:
                pos = s + 1
                continue
            close = text.find(tok, m.end(), end)
            inner_end = end if close < 0 else close
            e = end if close < 0 else close + len(tok)
            add(("s", s, e, m.end(), inner_end))
            pos = e
    return segments, semicolons


def mask(text: str, start: int = 0, end: Optional[int] = None,
         segments: Optional[List[Segment]] = None) -> str:
    """``text[start:end]`` with string literals and comments turned into spaces.

    Quoted identifiers stay: they can be table names. Same length as the input slice.
    """
    end = len(text) if end is None else end
    if segments is None:
        segments = lex(text, start, end)[0]
    parts, pos = [], start
    for kind, s, e, _, _ in segments:
        if kind == "i" or s < start or e > end:
            continue
        parts.append(text[pos:s])
        parts.append(" " * (e - s))
        pos = e
    parts.append(text[pos:end])
    return "".join(parts)


def _skip_blank(text: str, i: int, end: int, comment_ends: dict) -> int:
    """First offset at or after ``i`` that is neither whitespace nor inside a comment."""
    while i < end:
        i = _BLANK.match(text, i, end).end()
        if i in comment_ends:
            i = comment_ends[i]
        else:
            break
    return i


def split_statements(text: str, start: int = 0, end: Optional[int] = None,
                     lexed: Optional[Tuple[List[Segment], List[int]]] = None) -> List[Tuple[int, int]]:
    """(start, end) of each ``;``-separated statement, leading blanks and comments
    skipped, trailing blanks stripped; empty statements dropped."""
    end = len(text) if end is None else end
    segments, semicolons = lexed if lexed is not None else lex(text, start, end)
    comment_ends = {s: e for kind, s, e, _, _ in segments if kind == "c"}
    spans = []
    pos = start
    for stop in semicolons + [end]:
        s = _skip_blank(text, pos, stop, comment_ends)
        if s < stop:
            e = stop
            while e > s and text[e - 1].isspace():
                e -= 1
            spans.append((s, e))
        pos = stop + 1
    return spans


def dollar_bodies(text: str, start: int, end: int) -> List[Tuple[int, int]]:
    """Inner (start, end) of each ``$tag$ ... $tag$`` string in ``text[start:end]``."""
    return [(a, b) for kind, s, e, a, b in lex(text, start, end)[0]
            if kind == "s" and text[s] == "$"]


# --- PL/pgSQL bodies ------------------------------------------------------------

_PL_WORD = re.compile(r"\s*(<<\s*\w+\s*>>|[A-Za-z_][\w$]*|\S)")
_ASSIGN = re.compile(r"[A-Za-z_][\w$]*(?:\.[A-Za-z_][\w$]*)*(?:\[[^\]]*\])?\s*:?=(?!=)")
_SQL_START = frozenset("""SELECT WITH INSERT UPDATE DELETE MERGE CREATE ALTER DROP TRUNCATE
    GRANT REVOKE COMMENT COPY LOCK REFRESH VALUES TABLE EXPLAIN""".split())
_SKIP_WORDS = frozenset("BEGIN ELSE LOOP THEN DECLARE EXCEPTION".split())
_TERMINATORS = {w: re.compile(r"[()]|\b%s\b" % w, re.I) for w in ("THEN", "LOOP", "IN", "WHEN")}
_CURSOR = re.compile(r"[A-Za-z_][\w$]*\s+(?:NO\s+)?(?:SCROLL\s+)?CURSOR\b[^;]*?\b(?:FOR|IS)\s+", re.I)
_INTO = re.compile(r"\bINTO\s", re.I)
_INTO_TARGET = re.compile(r"INTO\s+(?:STRICT\s+)?[A-Za-z_][\w$.]*(?:\s*,\s*[A-Za-z_][\w$.]*)*", re.I)
_KEPT_BEFORE_INTO = ("INSERT", "MERGE")

# A unit of a body: (start, end, is_expression). An expression (an IF condition,
# a PERFORM list) is analysed as ``SELECT <expression>``.
Unit = Tuple[int, int, bool]


def _find_word(masked: str, i: int, end: int, word: str) -> int:
    """Offset of ``word`` at parenthesis depth 0 in ``masked[i:end]``, or -1."""
    depth = 0
    for m in _TERMINATORS[word].finditer(masked, i, end):
        tok = m.group()
        if tok == "(":
            depth += 1
        elif tok == ")":
            depth -= 1
        elif depth <= 0:
            return m.start()
    return -1


def _piece_units(masked: str, pos: int, end: int, out: List[Unit]) -> None:
    """Peel PL/pgSQL control words off one ``;``-terminated piece of a body."""
    while pos < end:
        m = _PL_WORD.match(masked, pos, end)
        if m is None:
            return
        word, upper, after = m.group(1), m.group(1).upper(), m.end()
        if word.startswith("<<") or upper in _SKIP_WORDS:
            pos = after
        elif upper in ("IF", "ELSIF", "ELSEIF", "WHILE", "WHEN"):
            term = "LOOP" if upper == "WHILE" else "THEN"
            t = _find_word(masked, after, end, term)
            if t < 0:
                return
            if upper != "WHEN":  # WHEN <condition name> in an EXCEPTION block
                out.append((after, t, True))
            pos = t + len(term)
        elif upper in ("FOR", "FOREACH"):
            i = _find_word(masked, after, end, "IN")
            loop = _find_word(masked, i, end, "LOOP") if i >= 0 else -1
            if loop < 0:
                return
            q = _PL_WORD.match(masked, i + 2, loop)
            if q and q.group(1).upper() in ("SELECT", "WITH", "VALUES", "TABLE"):
                out.append((q.start(1), loop, False))
            pos = loop + 4
        elif upper == "RETURN":
            q = _PL_WORD.match(masked, after, end)
            if q and q.group(1).upper() == "QUERY":
                pos = q.end()
            elif q and q.group(1).upper() == "NEXT":
                return
            else:
                out.append((after, end, True))
                return
        elif upper == "CASE":  # CASE x WHEN ... THEN: go on at the first WHEN
            pos = _find_word(masked, after, end, "WHEN")
            if pos < 0:
                return
        elif upper == "PERFORM":
            out.append((after, end, True))
            return
        elif upper in _SQL_START:
            out.append((m.start(1), end, False))
            return
        else:
            a = _ASSIGN.match(masked, m.start(1), end)
            c = a or _CURSOR.match(masked, m.start(1), end)
            if c:  # v := <expr>, or a cursor declaration: c CURSOR FOR <query>
                out.append((c.end(), end, a is not None))
            return  # END, RAISE, EXECUTE, NULL, other declarations...


def plpgsql_units(text: str, start: int, end: int,
                  lexed: Optional[Tuple[List[Segment], List[int]]] = None) -> Tuple[List[Unit], str]:
    """The SQL inside a function or DO body ``text[start:end]``, as units whose
    offsets are into ``text``; plus the body masked (index 0 = ``text[start]``).

    >>> body = " BEGIN IF NOT EXISTS (SELECT 1 FROM t) THEN DROP TABLE u; END IF; END "
    >>> [(body[s:e], x) for s, e, x in plpgsql_units(body, 0, len(body))[0]]
    [(' NOT EXISTS (SELECT 1 FROM t) ', True), ('DROP TABLE u', False)]
    """
    lexed = lexed if lexed is not None else lex(text, start, end)
    masked = mask(text, start, end, lexed[0])
    units: List[Unit] = []
    pos = start
    for stop in lexed[1] + [end]:
        found: List[Unit] = []
        _piece_units(masked, pos - start, stop - start, found)
        units.extend((s + start, e + start, x) for s, e, x in found)
        pos = stop + 1
    return units, masked


def blank_into_targets(masked: str) -> List[Tuple[int, int]]:
    """Ranges of ``INTO var[, var]`` clauses that name PL/pgSQL variables, not
    tables (SELECT ... INTO v, RETURNING ... INTO v); ``INSERT INTO`` and
    ``MERGE INTO`` are kept.

    Each clause is matched where it may be, as ``word INTO targets`` with the word before
    it, or as ``INTO targets`` (leftmost first, the word's form first: what
    ``(\\b[A-Za-z_][\\w$]*\\s+)?\\bINTO ...`` finds, without trying it at every word)."""
    if "nto" not in masked.lower():  # not "into": re.I's I also matches the dotless and dotted I
        return []  # most statements of a body: a case-blind pattern opening with \b tries every offset (12x)
    intos = [into.start() for into in _INTO.finditer(masked)]
    ranges: List[Tuple[int, int]] = []
    done = 0  # where the last clause ended: the next one starts there or later
    for index, start in enumerate(intos):
        target = _INTO_TARGET.match(masked, start) if start >= done else None
        if target is None:
            continue
        word = _word_before(masked, start, done)
        if word < 0 and index + 1 < len(intos) and _word_before(masked, intos[index + 1], done) == start and (
                _INTO_TARGET.match(masked, intos[index + 1])):
            continue  # "INTO INTO v": this INTO is the word before the next clause
        if word < 0 or masked[word:start].rstrip().upper() not in _KEPT_BEFORE_INTO:
            ranges.append((start, target.end()))
        done = target.end()
    return ranges


def _word_before(text: str, at: int, since: int) -> int:
    """Where the word starts that blanks alone separate from ``text[at]``, as
    ``\\b[A-Za-z_][\\w$]*\\s+`` (case-insensitive) would match it from ``since`` on; -1 if none."""
    end = at
    while end > since and text[end - 1].isspace():
        end -= 1
    if end == at:
        return -1
    run = end
    while run > since and (text[run - 1].isalnum() or text[run - 1] in "_$"):
        run -= 1
    for start in range(run, end):  # the leftmost start the regex would take
        if _WORD_START.match(text, start) and not (start and (text[start - 1].isalnum() or text[start - 1] == "_")):
            return start
    return -1


_WORD_START = re.compile(r"[A-Za-z_]", re.I)


_EXECUTE = re.compile(r"\bEXECUTE\b", re.I)
_CONCAT_AFTER = re.compile(r"\s*\|\|")


def execute_literals(text: str, start: int, end: int, segments: Optional[List[Segment]] = None,
                     masked: Optional[str] = None) -> List[Tuple[int, int]]:
    """Inner (start, end) of each ``EXECUTE 'constant SQL'`` in a PL/pgSQL body
    ``text[start:end]``; a literal glued to more text with ``||`` is dynamic and left out.

    >>> body = " BEGIN EXECUTE 'DELETE FROM t'; EXECUTE 'DROP TABLE ' || x; END "
    >>> [body[s:e] for s, e in execute_literals(body, 0, len(body))]
    ['DELETE FROM t']
    """
    if "execute" not in text[start:end].lower() or _EXECUTE.search(text, start, end) is None:
        return []  # none in the text, none in its mask (a case-blind regex tries every offset: 12 us a body)
    segments = segments if segments is not None else lex(text, start, end)[0]  # the body's, when read already
    strings = {s: (a, b, e) for kind, s, e, a, b in segments if kind == "s" and text[s] == "'"}
    masked = masked if masked is not None else mask(text, start, end, segments)
    found = []
    for match in _EXECUTE.finditer(masked):
        literal = strings.get(_BLANK.match(text, start + match.end(), end).end())
        if literal is None:
            continue
        inner_start, inner_end, literal_end = literal
        if _CONCAT_AFTER.match(text, literal_end, end):
            continue
        found.append((inner_start, inner_end))
    return found


def undouble_quotes(text: str) -> str:
    """The SQL inside a quoted literal, same length: each doubled quote ``''`` -> `` '``.

    >>> undouble_quotes("a = ''x''")
    "a =  'x '"
    """
    return text.replace("''", " '")
