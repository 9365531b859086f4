"""Precision and recall of the checker on a labelled corpus, per category and overall.

    python -m boundary_lint.tools.accuracy [CORPUS_DIR] [--json] [--config FILE]

Every file of the corpus (Python, SQL, or a host language) declares the findings it
must give in trailing comment lines, ``# expect: LINE CODE TABLE`` (``-- expect:`` in
SQL, ``// expect:`` in Go, TypeScript, Java and Prisma files); a file without such lines
must give nothing. The checker runs
in-process on every file (no cache), its findings are compared with the
labels as ``(path, line, code, table)``, and each category (the first folder
under the corpus) gets a row:

- a finding with a label of the same path, code and table on another line is
  *found, wrong line*: it counts for precision and recall, not for the
  exact-line share;
- precision = found / findings, recall = found / labels, exact-line share =
  found on the exact line / found.

Files the checker cannot read count as errors; warnings (SQL sqlglot cannot
parse, scanned for names instead) are listed below the table.

Exit status: 0 when overall precision and recall reach the thresholds
(``--min-precision``, ``--min-recall``), 1 below them, 2 on a usage error.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Sequence, Set, Tuple

from boundary_lint.adapters.source_files import check_file
from boundary_lint.adapters.config_file import load_registry
from boundary_lint.adapters.files import iter_files
from boundary_lint.registry import ConfigError
from boundary_lint.languages import HOST_LANGUAGES

EXPECT = re.compile(r"^\s*(?:#|--|//)\s*expect:\s*(\d+)\s+(BND\d+)\s+(\S+)\s*$")
SUFFIXES = (".py", ".sql") + tuple(s for h in HOST_LANGUAGES for s in h.suffixes)
MIN_PRECISION, MIN_RECALL = 0.98, 0.95
ROOT_CATEGORY = "(root)"

Key = Tuple[str, int, str, str]  # (path relative to the corpus, line, code, table)


@dataclass
class Score:
    """Counts for one category (or all of them)."""

    files: int = 0
    labels: int = 0
    findings: int = 0
    exact: int = 0
    wrong_line: int = 0
    errors: int = 0  # files the checker could not read or parse
    warnings: List[str] = field(default_factory=list)  # e.g. SQL sqlglot could not parse
    missed: List[Key] = field(default_factory=list)
    spurious: List[Key] = field(default_factory=list)
    moved: List[Tuple[Key, int]] = field(default_factory=list)  # (label, line found at)

    @property
    def found(self) -> int:
        return self.exact + self.wrong_line

    @property
    def precision(self) -> float:
        return self.found / self.findings if self.findings else 1.0

    @property
    def recall(self) -> float:
        return self.found / self.labels if self.labels else 1.0

    @property
    def exact_share(self) -> float:
        return self.exact / self.found if self.found else 1.0

    def add(self, other: "Score") -> None:
        for name in ("files", "labels", "findings", "exact", "wrong_line", "errors"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.warnings += other.warnings
        self.missed += other.missed
        self.spurious += other.spurious
        self.moved += other.moved

    def as_json(self) -> dict:
        return {
            "files": self.files,
            "labels": self.labels,
            "findings": self.findings,
            "exact_line": self.exact,
            "wrong_line": self.wrong_line,
            "missed": len(self.missed),
            "spurious": len(self.spurious),
            "errors": self.errors,
            "warnings": len(self.warnings),
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "exact_line_share": round(self.exact_share, 4),
        }


def labels_in(text: str) -> Set[Tuple[int, str, str]]:
    """``{(line, code, table)}`` declared by a file's ``expect:`` comment lines.

    >>> sorted(labels_in("x = 1\\n# expect: 3 BND100 public.strategy\\n"))
    [(3, 'BND100', 'public.strategy')]
    """
    found = set()
    for line in text.splitlines():
        match = EXPECT.match(line)
        if match:
            found.add((int(match.group(1)), match.group(2), match.group(3)))
    return found


def category_of(relative: str) -> str:
    parts = relative.split("/")
    return parts[0] if len(parts) > 1 else ROOT_CATEGORY


def compare(expected: Set[Key], found: Set[Key]) -> Score:
    """Match findings to labels: the exact key first, then the nearest line of the same
    path, code and table ("found, wrong line")."""
    score = Score(labels=len(expected), findings=len(found))
    exact = expected & found
    score.exact = len(exact)
    left: Dict[Tuple[str, str, str], List[int]] = defaultdict(list)
    for path, line, code, table in sorted(found - exact):
        left[(path, code, table)].append(line)
    for key in sorted(expected - exact):
        path, line, code, table = key
        lines = left.get((path, code, table))
        if lines:
            nearest = min(lines, key=lambda other: abs(other - line))
            lines.remove(nearest)
            score.wrong_line += 1
            score.moved.append((key, nearest))
        else:
            score.missed.append(key)
    score.spurious = sorted((p, line, c, t) for (p, c, t), lines in left.items() for line in lines)
    return score


def evaluate(
    corpus: Path, config: Optional[Path] = None, prefilter: bool = True, ignore: Iterable[str] = ()
) -> Dict[str, Score]:
    """Run the checker over the corpus; a Score per category plus ``"overall"``."""
    return evaluate_all(corpus, config, prefilter, ignore)[0]


def evaluate_all(
    corpus: Path, config: Optional[Path] = None, prefilter: bool = True, ignore: Iterable[str] = ()
) -> Tuple[Dict[str, Score], Dict[str, Score]]:
    """Scores per category (plus ``"overall"``) and per rule code, from one run.

    A code's score compares only the labels and findings of that code, so a rule
    reported rarely (BND107) is not hidden behind the frequent ones. Codes in
    ``ignore`` are left out of labels and findings alike: a corpus labelled before
    a code existed (and never to be edited) is scored on the codes it labels.
    """
    ignore = frozenset(ignore)
    registry = load_registry(config or corpus / "boundaries.toml")
    by_category: Dict[str, Score] = defaultdict(Score)
    by_code: Dict[str, Score] = defaultdict(Score)
    for path, _display in iter_files([str(corpus)], registry.settings.exclude, suffixes=SUFFIXES):
        if path.suffix not in SUFFIXES:
            continue
        relative = path.relative_to(corpus).as_posix()
        result = check_file(path, relative, registry, prefilter=prefilter)
        expected = {(relative, *label) for label in labels_in(path.read_text(encoding="utf-8"))
                    if label[1] not in ignore}
        found = {(relative, f.line, f.code, f.table) for f in result.findings if f.code not in ignore}
        score = compare(expected, found)
        score.files = 1
        score.errors = sum(1 for p in result.problems if p.fatal)
        score.warnings = [f"{relative}:{p.line}: {p.message}" for p in result.problems if not p.fatal]
        if not result.checked and expected:
            score.missed = sorted(expected)  # a labelled file of no service: the registry is wrong
        by_category[category_of(relative)].add(score)
        for code in {key[2] for key in expected | found}:
            code_score = compare({k for k in expected if k[2] == code}, {k for k in found if k[2] == code})
            code_score.files = 1
            if not result.checked:
                code_score.missed = sorted(k for k in expected if k[2] == code)
            by_code[code].add(code_score)
    overall = Score()
    for score in by_category.values():
        overall.add(score)
    scores = dict(sorted(by_category.items()))
    scores["overall"] = overall
    codes = dict(sorted(by_code.items()))
    return scores, codes


COLUMNS = ("files", "labels", "findings", "exact", "wrong line", "missed", "spurious",
           "precision", "recall", "exact line")


def table(scores: Dict[str, Score], first: str = "category") -> str:
    """The scores as a plain-text table (the last row, ``overall``, below a rule)."""
    rows = [(first,) + COLUMNS]
    for name, s in scores.items():
        rows.append((name, str(s.files), str(s.labels), str(s.findings), str(s.exact),
                     str(s.wrong_line), str(len(s.missed)), str(len(s.spurious)),
                     f"{s.precision:.3f}", f"{s.recall:.3f}", f"{s.exact_share:.3f}"))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = []
    for index, row in enumerate(rows):
        cells = [row[0].ljust(widths[0])] + [c.rjust(w) for c, w in zip(row[1:], widths[1:])]
        lines.append("  ".join(cells))
        if index == 0 or index == len(rows) - 2:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def details(overall: Score) -> Iterable[str]:
    """One line per miss, spurious finding and finding on the wrong line."""
    for path, line, code, table_name in overall.missed:
        yield f"missed    {path}:{line}: {code} {table_name}"
    for path, line, code, table_name in overall.spurious:
        yield f"spurious  {path}:{line}: {code} {table_name}"
    for (path, line, code, table_name), found_at in overall.moved:
        yield f"moved     {path}:{line}: {code} {table_name} (found on line {found_at})"
    for warning in overall.warnings:
        yield f"warning   {warning}"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m boundary_lint.tools.accuracy",
        description="Precision and recall of boundary-lint on a labelled corpus.",
    )
    parser.add_argument("corpus", nargs="?", default="tests/corpus", help="corpus folder (default: %(default)s)")
    parser.add_argument("--config", help="registry file (default: CORPUS/boundaries.toml)")
    parser.add_argument("--json", action="store_true", help="print the scores as JSON")
    parser.add_argument("--no-prefilter", action="store_true",
                        help="read every file whole: no byte pre-filter, no pruned lines, no statement proof")
    parser.add_argument("--ignore", action="append", default=[], metavar="CODE",
                        help="leave a code out of labels and findings (a corpus labelled before it existed)")
    parser.add_argument("--min-precision", type=float, default=MIN_PRECISION)
    parser.add_argument("--min-recall", type=float, default=MIN_RECALL)
    return parser


def main(argv: Optional[Sequence[str]] = None) -> int:
    args = build_parser().parse_args(argv)
    corpus = Path(args.corpus)
    if not corpus.is_dir():
        print(f"accuracy: no such corpus folder: {corpus}", file=sys.stderr)
        return 2
    try:
        scores, codes = evaluate_all(corpus, Path(args.config) if args.config else None, not args.no_prefilter,
                                     [code.upper() for code in args.ignore])
    except ConfigError as exc:
        print(f"accuracy: {exc}", file=sys.stderr)
        return 2
    overall = scores["overall"]
    passed = overall.precision >= args.min_precision and overall.recall >= args.min_recall
    if args.json:
        document = {name: s.as_json() for name, s in scores.items()}
        document["by_code"] = {code: s.as_json() for code, s in codes.items()}
        document["thresholds"] = {"precision": args.min_precision, "recall": args.min_recall, "passed": passed}
        document["details"] = list(details(overall))
        print(json.dumps(document, indent=2))
    else:
        print(table(scores))
        print()
        print(table(dict(codes, overall=overall), first="code"))
        for line in details(overall):
            print(line)
        verdict = "ok" if passed else "BELOW THRESHOLD"
        print(f"\nthresholds: precision >= {args.min_precision}, recall >= {args.min_recall}: {verdict}")
    return 0 if passed else 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
