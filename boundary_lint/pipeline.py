"""The one checker behind every entry point: a file's text -> findings and problems.

Sites (Python or SQL) -> table references (sqlglot) -> findings (rules) ->
suppression. The CLI reads files and calls :func:`check_file`; the flake8
plugin already has the tree and calls :func:`check_python_source`.
"""

from __future__ import annotations

import ast
import os
import warnings
from pathlib import Path
from typing import Dict, FrozenSet, Iterable, List, Optional, Sequence, Tuple, Union

from boundary_lint.value_classes import value_class
from boundary_lint import suppress as noqa
from boundary_lint.suppress import apply_suppressions, may_suppress
from boundary_lint.sites.ast_depth import MAX_EXPRESSION_DEPTH, cut_deep_expressions
from boundary_lint.sites.literal_positions import source_lines
from boundary_lint.sites.source_text import decode_source
from boundary_lint.sites.model_index import ModelIndex
from boundary_lint.model import (
    FileResult,
    Finding,
    Problem,
    Reference,
    SuppressedFinding,
    UnusedSuppression,
    coverage_of,
    internal_error,
    new_stats,
)
from boundary_lint.prefilter.partial_parse import parse_hollowed
from boundary_lint.prefilter.lines import EVERY_LINE, Lines, trigger_lines, within
from boundary_lint.registry import Registry
from boundary_lint.rules import findings_for
from boundary_lint.rules.transactions import may_cross, writes_elsewhere
from boundary_lint.sites.orm import orm_references
from boundary_lint.sites.python import ProvenLiteralComposed, python_sql_sites, sink_names
from boundary_lint.sites.sql_files import sql_file_site
from boundary_lint.sites.transactions import python_transactions
from boundary_lint.sql.site_refs import site_references
from boundary_lint.sql.transactions import sql_transactions
from boundary_lint.languages import MAX_FILE_BYTES, PYTHON_SUFFIXES, host_language


def check_python_source(
    path: str,
    source: str,
    registry: Registry,
    service: str,
    tree: Optional[ast.AST] = None,
    lines: Optional[List[str]] = None,
    interesting: Optional[Lines] = None,
    models: Optional[ModelIndex] = None,
    file_path: Optional[Path] = None,
    orm: Optional["OrmContext"] = None,
    prove: bool = True,
    prove_sink_literals: bool = True,
) -> FileResult:
    """Check Python source of a known service (``tree`` when the caller parsed it;
    ``interesting``: the lines that may hold SQL, when the caller found them; ``models``:
    the project's model index, else the one of the registry's folder; ``file_path``: where
    the file is, when ``path`` is only how it is shown; ``orm``: its ORM context, when the
    caller made it already; ``prove``: leave out the statements that cannot give a finding,
    see :mod:`boundary_lint.rules.statement_filter`, and, with ``interesting`` given, the
    sink calls whose plain literal holds only such statements: their lines are not walked,
    nor the functions holding nothing else parsed, see :func:`proven_sink_literals`)."""
    try:
        given_tree, given_interesting = tree, interesting
        lines = lines if lines is not None else source_lines(source)
        context = orm if orm is not None else orm_context(str(file_path or path), registry, service, models)
        if may_define_unseen_models(context, source):
            tree = tree if tree is not None else parse_python(source, path)[0]
            if tree is not None:
                context = with_own_models(context, tree, registry, service)
                if interesting is not None and interesting.all is not None:  # their uses are ORM lines too
                    interesting = trigger_lines(source, registry.settings.sinks, context.words)
        proof = statement_proof(registry, service, prove)
        proven: Dict[Tuple[int, int], str] = {}
        if proof is not None and prove_sink_literals and interesting is not None and interesting.all:
            proven, interesting = proven_sink_literals(source, registry, context.words, proof, interesting)
        if tree is None and interesting is not None and (interesting.all or proven):
            tree = parse_hollowed(source, lines, interesting.all)  # bodies far from SQL left out
        if tree is None:
            tree, problem = parse_python(source, path)
            if problem is not None:
                return FileResult(path, service, problems=[problem])

        def read(proof):
            stats = new_stats()
            refs, problems = python_references(path, source, tree, lines, registry.settings, interesting, context,
                                               stats, proof, proven)
            stats["sql_sites"] += len(proven)  # each one SQL site whose statements needed no parse,
            stats["parsed"] += len(proven)  # counted parsed as site_references counts such a site
            return refs, problems, stats

        if proven:
            try:
                refs, problems, stats = read(proof)
            except ProvenLiteralComposed:  # the walk found one composed after all
                refs = None
            if refs is None or writes_elsewhere(refs, registry, service):  # BND108 counts every write:
                # the file the ordinary way, every sink call walked and every function parsed
                return check_python_source(path, source, registry, service, given_tree, lines, given_interesting,
                                           models, file_path, orm, prove, prove_sink_literals=False)
            transactions = ()
        else:
            refs, problems, stats, transactions = references_and_transactions(
                read, lambda: python_transactions(tree), registry, service, prove)
        findings = findings_for(refs, registry, service, path, transactions)
        suppressed: List[SuppressedFinding] = []
        unused: List[UnusedSuppression] = []
        if findings or may_suppress(source):
            comments = noqa.python_suppressions(source)
            findings, suppressed, unused, more = apply_suppressions(path, findings, comments)
            problems = problems + more
    except Exception as exc:  # a bug of ours must not stop the run; the fuzz tests look for this message
        return internal_error(path, service, exc)
    return FileResult(path, service, unique_findings(findings), problems, suppressed=sorted(set(suppressed)),
                      orm_unresolved=stats["orm_unresolved"], unused=unused, coverage=coverage_of(stats))


def references_and_transactions(read, transactions_of, registry: Registry, service: str, prove: bool):
    """A file's references, problems, coverage counts and the transactions BND108 judges.

    ``read(may_find)`` reads the references, statements proved finding-free not parsed
    (``may_find`` None: every statement parsed); ``transactions_of()`` finds the file's
    transaction spans. They are looked for only when the file writes a table another service
    owns (or none does), and kept only when its writes touch two owners; the file is then read
    again with every statement that may write a table parsed too, since the proof skipped the
    service's own writes (a test module's hundreds of SELECTs are still not parsed).
    """
    proof = statement_proof(registry, service, prove)
    refs, problems, stats = read(proof)
    transactions = transactions_of() if writes_elsewhere(refs, registry, service) else ()
    if transactions and proof is not None:
        refs, problems, stats = read(statement_proof(registry, service, prove, writes=True))
    return refs, problems, stats, transactions if may_cross(refs, registry, service) else ()


@value_class
class OrmContext:
    """What the ORM pass needs besides the tree: the model index, the file's module name,
    and the words (model names) whose lines it reads."""

    index: ModelIndex
    module: str
    is_package: bool = False
    words: FrozenSet[str] = frozenset()


def orm_context(path: str, registry: Registry, service: str, models: Optional[ModelIndex] = None) -> OrmContext:
    """The ORM context of the file ``path`` of ``service``."""
    from boundary_lint.sites import model_index
    from boundary_lint.sites.orm_access import trigger_words

    index = models if models is not None else (model_index.installed(registry) or model_index.EMPTY)
    relative = registry.relative_text(path) if getattr(registry, "source", None) is not None else None
    if relative is None or relative == ".":
        relative = os.path.basename(path)
    module = model_index.module_name(relative)
    return OrmContext(index, module, relative.endswith("__init__.py"), trigger_words(index, registry, service))


def may_define_unseen_models(context: OrmContext, source: Union[str, bytes]) -> bool:
    """A file the model index has not read (outside the registry's folder, new in an editor)
    whose text hints at a model: its own models must be learnt from it before it is pruned."""
    index = context.index
    if context.module in index.records or context.module in index.scanned:
        return False
    from boundary_lint.prefilter.triggers import MODEL_HINT_BYTES, MODEL_HINTS

    return any(hint in source for hint in (MODEL_HINT_BYTES if isinstance(source, bytes) else MODEL_HINTS))


def with_own_models(context: OrmContext, tree: ast.AST, registry: Registry, service: str) -> OrmContext:
    """The context with the file's own models added to its index (and to the words whose
    lines the ORM pass reads), so their uses in the file are found as a run would find them."""
    from boundary_lint.sites.model_index import extract_record
    from boundary_lint.sites.orm_access import trigger_words

    record = extract_record(tree, context.module, context.is_package)
    if not (record["classes"] or record["variables"]):
        return context
    index = context.index.with_module(record)
    return OrmContext(index, context.module, context.is_package, trigger_words(index, registry, service))


def parse_python(source: str, path: str) -> Tuple[Optional[ast.AST], Optional[Problem]]:
    """``ast.parse``, or the Problem saying why it failed (syntax, Python 2, nesting).

    Python's own warnings on the code (``"\\d"`` is an invalid escape sequence, a
    SyntaxWarning printed on stderr from 3.12 on) are not ours to print: silenced.
    """
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return ast.parse(source, filename=path), None
    except (SyntaxError, ValueError) as exc:
        line = getattr(exc, "lineno", None) or 1
        reason = getattr(exc, "msg", None) or str(exc)
    except (RecursionError, MemoryError):  # thousands of chained operators: the parser's own limit
        line, reason = 1, "nested too deeply for Python's parser"
    return None, Problem(path, line, f"cannot parse as Python ({reason}); fix the syntax or exclude the file")


def proven_sink_literals(source: str, registry: Registry, words: Iterable[str], may_find,
                         interesting: Lines) -> Tuple[Dict[Tuple[int, int], str], Lines]:
    """The sink calls whose SQL is a plain literal (:mod:`boundary_lint.sites.sink_literals`)
    holding no statement that may give a finding, keyed as the walk keys a literal node, and
    the lines left for the walk: the pre-filter's, read with those calls blanked (a line, or a
    function, holding nothing else is neither walked nor parsed).

    Each is judged as :func:`boundary_lint.sql.site_refs.site_references` judges a sink's SQL,
    with no statement parsed: one for which ``may_find`` is true leaves the call to the walk.
    """
    from boundary_lint.sites.sink_literals import blanked, plain_sink_literals
    from boundary_lint.sql import memo
    from boundary_lint.sql.refs import analyze_sql

    settings = registry.settings
    literals = plain_sink_literals(source, sink_names(settings.sinks))
    if not literals:
        return {}, interesting
    verdicts = memo.verdicts(("sink literal", may_find, settings.dialect))
    proven, kept = {}, []
    for literal in literals:
        verdict = verdicts.get(literal.value)
        if verdict is None:
            may = []

            def judged(masked: str) -> bool:  # the proof's word, and no parse whatever it is
                if may_find(masked):
                    may.append(True)
                return False

            analysis = analyze_sql(literal.value, settings.dialect, fallback_scan=True, may_find=judged)
            verdict = verdicts[literal.value] = analysis.parsed and not (
                may or analysis.refs or analysis.notices or analysis.too_long)
        if verdict:
            proven[(literal.line, literal.column)] = literal.value
            kept.append(literal)
    if not kept:
        return {}, interesting
    left = trigger_lines(blanked(source, kept).encode("utf-8", "surrogatepass"), settings.sinks, words, openings=True)
    return proven, within(left, interesting)  # never a line the pre-filter had left out


def statement_proof(registry: Registry, service: str, prove: bool, writes: bool = False):
    """``may_find`` of the statements of ``service``'s files, or None to parse them all
    (``writes``: those that may write a table are parsed too, see :func:`references_and_transactions`)."""
    if not prove:
        return None
    from boundary_lint.rules.statement_filter import statement_filter

    proof = statement_filter(registry, service)
    if proof is None:
        return None
    return proof.may_find_or_write if writes else proof.may_find


def check_sql_source(path: str, source: str, registry: Registry, service: str, prove: bool = True) -> FileResult:
    """Check a ``.sql`` file of a known service (``prove``: see :func:`check_python_source`)."""
    try:
        site = sql_file_site(source)

        def read(proof):
            stats = new_stats()
            return (*site_references([site], registry.settings.dialect, path, stats, proof), stats)

        refs, problems, stats, transactions = references_and_transactions(
            read, lambda: sql_transactions(site.text, site), registry, service, prove)
        findings = findings_for(refs, registry, service, path, transactions)
        suppressed: List[SuppressedFinding] = []
        unused: List[UnusedSuppression] = []
        if findings or may_suppress(source):
            comments = noqa.text_suppressions(source.splitlines())
            findings, suppressed, unused, more = apply_suppressions(path, findings, comments)
            problems = problems + more
    except Exception as exc:  # a bug of ours must not stop the run
        return internal_error(path, service, exc)
    return FileResult(path, service, unique_findings(findings), problems, suppressed=sorted(set(suppressed)),
                      unused=unused, coverage=coverage_of(stats))


def source_references(path: str, source: str, is_python: bool, settings) -> Tuple[List[Reference], List[Problem]]:
    """Every table reference of a file, before any registry decides on it (for ``init``).

    ``settings`` is a :class:`~boundary_lint.registry.Settings` (dialect, sinks).
    """
    if not is_python:
        return site_references([sql_file_site(source)], settings.dialect, path)
    tree, problem = parse_python(source, path)
    if problem is not None:
        return [], [problem]
    return python_references(path, source, tree, source_lines(source), settings)


def python_references(
    path: str, source: str, tree: ast.AST, lines: Sequence[str], settings, interesting: Optional[Lines] = None,
    orm: Optional[OrmContext] = None, stats: Optional[dict] = None, may_find=None,
    proven: Optional[Dict[Tuple[int, int], str]] = None,
) -> Tuple[List[Reference], List[Problem]]:
    """SQL sites, ORM mappings, foreign keys and Alembic ops of a parsed module (``proven``:
    the sink literals judged already, see :func:`proven_sink_literals`, which are no site here).

    Only the statements on lines that may hold SQL are walked for sites (see
    :mod:`boundary_lint.prefilter.lines`), so a large file costs little more than its parse.
    An expression nested too deeply for the recursive walks (``1 + 1 + ...`` a few
    hundred times) is cut from a fresh parse, and the rest of the file is still read.
    """
    try:
        return _python_references(path, source, tree, lines, settings, interesting, orm, stats, may_find, proven)
    except RecursionError:
        pass
    tree, _ = parse_python(source, path)  # our own copy: a caller's (flake8's) tree stays intact
    cut = cut_deep_expressions(tree)
    refs, problems = _python_references(path, source, tree, lines, settings, interesting, orm, stats, may_find,
                                        proven)
    where = ", ".join(str(line) for line in cut[:5]) + (" ..." if len(cut) > 5 else "")
    problems.append(Problem(path, cut[0] if cut else 1, f"an expression nested over {MAX_EXPRESSION_DEPTH} "
                            f"levels deep was not read (line {where}); split it if it holds SQL", fatal=False))
    return refs, problems


def _python_references(
    path: str, source: str, tree: ast.AST, lines: Sequence[str], settings, interesting: Optional[Lines],
    orm: Optional[OrmContext] = None, stats: Optional[dict] = None, may_find=None,
    proven: Optional[Dict[Tuple[int, int], str]] = None,
) -> Tuple[List[Reference], List[Problem]]:
    if interesting is None:
        interesting = trigger_lines(source, settings.sinks, orm.words if orm is not None else ())
    sites = python_sql_sites(tree, lines, settings.sinks, interesting.all, proven)
    refs, problems = site_references(sites, settings.dialect, path, stats, may_find)
    constructs = orm_references(tree, lines, interesting.orm)  # ORM, FKs, Alembic
    refs.extend(constructs)
    if stats is not None:
        stats["orm_references"] += len(constructs)
    if orm is not None:
        from boundary_lint.sites.orm_access import access_references

        index = orm.index
        if index.models:
            found, unresolved = access_references(tree, lines, index, orm.module, orm.is_package,
                                                  interesting.models)
            refs.extend(found)
            if stats is not None:
                stats["orm_unresolved"] += unresolved
                stats["orm_references"] += len(found)
    return refs, problems


def check_source(
    content: Union[bytes, str], path: Path, display: str, registry: Registry, service: str, prefilter: bool = True,
    tree: Optional[ast.AST] = None, lines: Optional[List[str]] = None,
) -> FileResult:
    """The one check every face calls (the run, flake8, the language server): a file of a known
    service, as read (bytes) or as an editor or flake8 holds it (text; flake8's ``tree`` and
    ``lines`` too) -> its findings, suppressions and problems. Never raises.

    With ``prefilter``, a Python file whose bytes show no SQL or ORM shape is not decoded or
    parsed at all (see :mod:`boundary_lint.prefilter.lines`), and statements proved
    finding-free are not parsed (:mod:`boundary_lint.rules.statement_filter`).
    """
    try:
        if isinstance(content, str):
            return _check(content.encode("utf-8", "surrogatepass"), content, path, display, registry, service,
                          prefilter, tree, lines)
        refused = _refused(content, display, service)
        if refused is not None:
            return refused
        return _check(content, None, path, display, registry, service, prefilter, tree, lines)
    except Exception as exc:  # a bug of ours must not stop the run
        return internal_error(display, service, exc)


def _refused(data: bytes, display: str, service: str) -> Optional[FileResult]:
    """A file not read at all: too large, or binary."""
    if len(data) > MAX_FILE_BYTES:
        message = f"skipped: larger than {MAX_FILE_BYTES / 1e6:g} MB; exclude it or split it"
        return FileResult(display, service, problems=[Problem(display, 1, message)])
    if b"\0" in data:
        message = "skipped: binary content (NUL bytes); exclude it"
        return FileResult(display, service, problems=[Problem(display, 1, message)])
    return None


def _check(data: bytes, text: Optional[str], path: Path, display: str, registry: Registry, service: str,
           prefilter: bool, tree: Optional[ast.AST], lines: Optional[List[str]]) -> FileResult:
    host = host_language(path.suffix)
    is_python = host is None and path.suffix in PYTHON_SUFFIXES
    interesting, context = (None if prefilter else EVERY_LINE), None
    if is_python and prefilter:
        context = orm_context(str(path), registry, service)
        interesting = trigger_lines(data, registry.settings.sinks, context.words)  # bytes count lines as text does
        if not interesting.all and not may_define_unseen_models(context, data):
            return _comments_only(data, text, display, service)
    if text is None:
        text, problem = decode_source(data, display, is_python)
        if problem is not None:
            return FileResult(display, service, problems=[problem])
    if host is not None:  # Go, TypeScript, Java, shell, Prisma: their finders load only now
        from boundary_lint.prefilter.host_triggers import may_hold_findings

        if prefilter and not may_hold_findings(host.finder, data):
            return FileResult(display, service)
        from boundary_lint.host_files import check_host_source

        return check_host_source(host, data, text, display, registry, service, str(path))
    if is_python:
        return check_python_source(display, text, registry, service, tree=tree, lines=lines, interesting=interesting,
                                   file_path=path, orm=context, prove=prefilter)
    return check_sql_source(display, text, registry, service, prove=prefilter)


def _comments_only(data: bytes, text: Optional[str], display: str, service: str) -> FileResult:
    """A Python file with no SQL or ORM shape: no finding, but a suppression comment left
    behind there suppresses nothing (read without parsing the file)."""
    if b"boundary:" not in data and b"BND" not in data and b"bnd" not in data:
        return FileResult(display, service)
    if text is None:
        text, problem = decode_source(data, display, True)
        if problem is not None:
            return FileResult(display, service)  # the prefilter found nothing to check: no error either
    comments = noqa.python_suppressions(text)
    _, _, unused, problems = apply_suppressions(display, [], comments)
    return FileResult(display, service, problems=problems, unused=unused)


def unique_findings(findings: Iterable[Finding]) -> List[Finding]:
    """One finding per place, code and table (a statement reached twice, or composed
    from either branch of a conditional, is one finding)."""
    kept: Dict[Tuple, Finding] = {}
    for finding in sorted(set(findings)):
        kept.setdefault((finding.path, finding.line, finding.column, finding.code, finding.table), finding)
    return list(kept.values())
