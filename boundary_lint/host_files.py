"""Checking one host-language file: parse, find sites and mappings, then the Python side's
analysis, rules and suppressions unchanged.

Imported by the checker only for a file of a host language, so a Python-only run never
loads it (nor tree-sitter). Without the grammar (``boundary-lint[polyglot]`` not
installed) the file is counted as not read (coverage ``not_read``) and the run says once
how to install it; a syntax error tree-sitter recovered from is a warning at its line.
"""

from __future__ import annotations

import importlib
from typing import Dict, List, Tuple

from boundary_lint.model import FileResult, Problem, Reference, coverage_of, internal_error, new_stats
from boundary_lint.sql.site_refs import site_references
from boundary_lint.suppress import apply_suppressions, suppressions_in
from boundary_lint.rules import findings_for
from boundary_lint.sites.host_tree_sitter import MissingGrammar, Source, first_error, parser_for
from boundary_lint.languages import NOT_READ, HostLanguage


def host_references(language: HostLanguage, data: bytes, text: str, path: str, settings, stats=None,
                    file_path: str = "") -> Tuple[List[Reference], List[Problem], List[Tuple[int, str]]]:
    """A host file's table references (SQL and mappings), its problems and its comments
    (``file_path``: where it is, when ``path`` is only how it is shown).

    Raises :class:`MissingGrammar` when the language's parser is not installed.
    """
    finder = importlib.import_module(f"boundary_lint.sites.{language.finder}")
    problems: List[Problem] = []
    if language.grammar is None:
        sites, refs, comments = finder.find(text, path)
    else:
        tree = parser_for(language).parse(data)
        line = first_error(tree)
        if line is not None:
            problems.append(Problem(path, line, f"cannot fully parse as {language.name} (a syntax error the "
                                    "parser recovered from); the rest of the file was read; fix the syntax "
                                    "or exclude the file", fatal=False))
        walker = finder.walker(language.name, Source(data))
        walker.path = file_path or path  # Java reads the entities of its package's other files
        walker.walk(tree.root_node, tree.language)
        sites, refs, comments = walker.result(), walker.references, walker.comments
    found, more = site_references(sites, settings.dialect, path, stats)
    if stats is not None:
        stats["orm_references"] += len(refs)
    return found + list(refs), problems + more, comments


def check_host_source(language: HostLanguage, data: bytes, text: str, path: str, registry, service: str,
                      file_path: str = "") -> FileResult:
    """Check one host-language file of a known service."""
    if data.startswith(b"\xef\xbb\xbf"):  # a BOM: columns count from after it, as for Python
        data = data[3:]
    try:
        stats = new_stats()
        refs, problems, comments = host_references(language, data, text, path, registry.settings, stats, file_path)
        findings = findings_for(refs, registry, service, path)
        suppressed, unused = [], []
        suppressions = comment_suppressions(comments)
        if findings or suppressions:
            findings, suppressed, unused, more = apply_suppressions(path, findings, suppressions)
            problems = problems + more
    except MissingGrammar:
        return FileResult(path, service, coverage={NOT_READ: 1})
    except Exception as exc:  # a bug of ours must not stop the run
        return internal_error(path, service, exc)
    return FileResult(path, service, sorted(set(findings)), problems, suppressed=sorted(set(suppressed)),
                      unused=unused, coverage=coverage_of(stats))


def comment_suppressions(comments: List[Tuple[int, str]]) -> Dict[int, tuple]:
    """line -> suppressions, from the file's comments (``// noqa: BND100``,
    ``/* boundary: allow BND106 -- reason */``, ``# noqa`` in a script): the comment
    marker is read as Python's ``#``, so the rules of :mod:`boundary_lint.suppress` apply unchanged."""
    out: Dict[int, tuple] = {}
    for line, comment in comments:
        lowered = comment.lower()
        if "noqa" not in lowered and "boundary:" not in lowered:
            continue
        for number, row in enumerate(comment.splitlines(), start=line):
            found = suppressions_in("#" + row.lstrip("/*# \t").rstrip("*/ \t"), number)
            if found:
                out[number] = out.get(number, ()) + tuple(found)
    return out


def not_read_problem(count: int, where: str) -> Problem:
    """The one warning of a run that found host files it could not read."""
    files = f"{count} file{'s' if count != 1 else ''}"
    return Problem(where, 1, f"{files} of other languages (Go, TypeScript, Java, shell...) were not read: "
                   "their parsers are not installed; install them with pip install 'boundary-lint[polyglot]', "
                   "or leave those languages out with settings.languages", fatal=False)
