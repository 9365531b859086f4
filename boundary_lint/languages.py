"""Which host languages a run reads, by file suffix, and where their finders and grammars are.

Pure data and lookups, no import of a parser: discovery and the checker consult it for
every file, and a Python-only tree must cost nothing more than before.
"""

from __future__ import annotations

from typing import Dict, Iterable, Optional, Tuple


PYTHON_SUFFIXES = (".py", ".pyi")
SQL_SUFFIXES = (".sql",)
MAX_FILE_BYTES = 5_000_000  # read at once up to this; a larger `.sql` file is read in pieces


class HostLanguage:
    """A language read by a finder of :mod:`boundary_lint.sites`; ``grammar`` is the
    ``(module, function)`` of its tree-sitter grammar package, ``None`` when the finder
    needs no parser (Prisma schemas are read by a small lexer).

    A plain class with slots, made once per language and never changed: every run
    imports this module, and a dataclass's generated code would cost a Python-only run
    more than the rest of this module together."""

    __slots__ = ("name", "suffixes", "finder", "grammar")

    def __init__(self, name: str, suffixes: Tuple[str, ...], finder: str,
                 grammar: Optional[Tuple[str, str]] = None) -> None:
        self.name, self.suffixes, self.finder, self.grammar = name, suffixes, finder, grammar

    def __repr__(self) -> str:
        return f"HostLanguage({self.name!r})"


HOST_LANGUAGES = (
    HostLanguage("go", (".go",), "go", ("tree_sitter_go", "language")),
    HostLanguage("typescript", (".ts", ".mts", ".cts"), "typescript",
                 ("tree_sitter_typescript", "language_typescript")),
    HostLanguage("tsx", (".tsx",), "typescript", ("tree_sitter_typescript", "language_tsx")),
    HostLanguage("javascript", (".js", ".jsx", ".mjs", ".cjs"), "typescript", ("tree_sitter_javascript", "language")),
    HostLanguage("java", (".java",), "java", ("tree_sitter_java", "language")),
    HostLanguage("kotlin", (".kt", ".kts"), "java", ("tree_sitter_kotlin", "language")),
    HostLanguage("shell", (".sh", ".bash"), "shell", ("tree_sitter_bash", "language")),
    HostLanguage("prisma", (".prisma",), "prisma"),
)
"""Every host language a finder reads (``tsx`` is TypeScript's JSX dialect: one setting)."""

BASE_LANGUAGES = {"python": (".py", ".pyi"), "sql": (".sql",)}
SETTING_NAMES = {"tsx": "typescript"}
"""The ``settings.languages`` name of a host language, where it is not its own."""

LANGUAGE_NAMES = tuple(BASE_LANGUAGES) + tuple(dict.fromkeys(SETTING_NAMES.get(h.name, h.name)
                                                             for h in HOST_LANGUAGES))
"""What ``settings.languages`` accepts; also its default: every language a finder reads."""

NOT_READ = "not_read"
"""The coverage count (``model.COVERAGE_KEYS``) of host files a run found and could not
read: their parser is not installed."""
INSTALL_HINT = "pip install 'boundary-lint[polyglot]'"

_BY_SUFFIX: Dict[str, HostLanguage] = {s: h for h in HOST_LANGUAGES for s in h.suffixes}


def host_language(suffix: str) -> Optional[HostLanguage]:
    """The host language of a file suffix (``.go``), ``None`` for Python, SQL and the rest.

    >>> host_language(".tsx").finder, host_language(".py")
    ('typescript', None)
    """
    return _BY_SUFFIX.get(suffix)


def suffixes_for(languages: Iterable[str]) -> Tuple[str, ...]:
    """The file suffixes a run reads for the ``settings.languages`` names given.

    >>> suffixes_for(["python", "shell"])
    ('.py', '.pyi', '.sh', '.bash')
    """
    wanted = set(languages)
    out = [s for name, suffixes in BASE_LANGUAGES.items() if name in wanted for s in suffixes]
    out += [s for h in HOST_LANGUAGES if SETTING_NAMES.get(h.name, h.name) in wanted for s in h.suffixes]
    return tuple(out)
