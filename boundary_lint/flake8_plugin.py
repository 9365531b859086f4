"""flake8 adapter: the same checker, fed the tree flake8 already parsed.

flake8 hands plugins Python files only: ``.sql`` migrations are checked by the
CLI or the pre-commit hook, never here. What the CLI prints on stderr about a file
(SQL it could not parse, an internal error, a suppression that suppresses nothing) is
reported as a ``BND9xx`` notice (:data:`boundary_lint.codes.NOTICES`).

Options are stored on the class and the registry is loaded once per process
(flake8 ``--jobs`` forks workers; each loads it once).
"""

from __future__ import annotations

import ast
import datetime
import os
import re
from pathlib import Path
from typing import Any, Iterator, List, Optional, Tuple, Type

from boundary_lint import __version__
from boundary_lint.pipeline import check_source
from boundary_lint.filters.run_filters import TODAY_ENV, split_expired, unused_problem
from boundary_lint.codes import is_known_code, unknown_code_message
from boundary_lint.model import UNUSED, Problem
from boundary_lint.adapters.config_file import load_for
from boundary_lint.registry_schema import check_service_name
from boundary_lint.registry import ConfigError, NoRegistry, Registry


class BoundaryLintPlugin:
    name = "boundary-lint"
    version = __version__

    config_path: Optional[str] = None
    service: Optional[str] = None
    _registry: Optional[Registry] = None
    _registry_error: Optional[str] = None

    def __init__(self, tree: ast.AST, filename: str, lines: List[str]) -> None:
        self.tree = tree
        self.filename = filename
        self.lines = lines

    @classmethod
    def add_options(cls, manager: Any) -> None:
        manager.add_option(
            "--boundary-config",
            default=None,
            parse_from_config=True,
            help="boundary-lint registry file (default: boundaries.toml found upwards)",
        )
        manager.add_option(
            "--boundary-service",
            default=None,
            parse_from_config=True,
            help="treat every file as belonging to this service",
        )

    @classmethod
    def parse_options(cls, options: Any) -> None:
        """Check the BND codes flake8 was given and load the registry once, before any file.

        A mistake is one line and a non-zero exit, as flake8 does for its own bad
        options (flake8's ExecutionError); no registry at all is said once on stderr.
        """
        cls.config_path = options.boundary_config
        cls.service = options.boundary_service
        cls._registry = None
        cls._registry_error = None
        cls._check_codes(options)
        try:
            cls._registry, _ = load_for(list(getattr(options, "filenames", None) or []), cls.config_path)
            if cls.service:
                check_service_name(cls._registry, cls.service)
        except NoRegistry:
            cls._registry = None
            if _asked_for(options):  # a gate that selected BND would pass having checked nothing
                raise _execution_error(
                    "boundary-lint: the BND checks were asked for but no boundaries.toml was found (upwards "
                    "from the working directory or the paths given): create it (boundary-lint init) or pass "
                    "--boundary-config FILE") from None
            # otherwise the plugin is merely installed where a project has no registry: nothing to say
        except ConfigError as exc:
            raise _execution_error(f"boundary-lint: {exc}") from None

    @staticmethod
    def _check_codes(options: Any) -> None:
        """A BND code flake8 was told to select or ignore must exist (``--select BND999``
        would otherwise select nothing of ours and pass)."""
        for option in ("select", "extend_select", "ignore", "extend_ignore", "per_file_ignores"):
            value = getattr(options, option, None)
            if not value:
                continue
            words = value if isinstance(value, (list, tuple)) else [value]
            for word in words:
                for code in re.findall(r"(?<![\w/.*-])BND[0-9][A-Z0-9]*\b", str(word).upper()):
                    if not is_known_code(code, notices=True):
                        flag = "--" + option.replace("_", "-")
                        raise _execution_error(f"boundary-lint: {flag}: {unknown_code_message(code)}")

    @classmethod
    def registry(cls, filename: str) -> Registry:
        if cls._registry is None and cls._registry_error is None:
            try:
                cls._registry, _ = load_for([filename], cls.config_path)
                if cls.service:
                    check_service_name(cls._registry, cls.service)
            except NoRegistry:
                raise
            except ConfigError as exc:
                cls._registry_error = str(exc)
        if cls._registry_error is not None:
            raise ConfigError(cls._registry_error)
        assert cls._registry is not None
        return cls._registry

    def run(self) -> Iterator[Tuple[int, int, str, Type["BoundaryLintPlugin"]]]:
        try:
            registry = self.registry(self.filename)
        except NoRegistry:
            return  # a project without a registry: nothing to check, flake8 runs as before
        except ConfigError as exc:
            # one line and exit 1 (flake8 prints ExecutionError without a traceback)
            raise _execution_error(f"boundary-lint: {exc}") from None
        from boundary_lint.adapters.model_index_store import for_registry

        for_registry(registry, write=True)  # the model index of the registry's folder: once per process, cached
        path = Path(self.filename)
        service = self.service or registry.service_for_path(path)
        if service is None:
            return
        source = "".join(self.lines)
        result = check_source(source, path, self.filename, registry, service, tree=self.tree, lines=self.lines)
        back = self.back(result.suppressed, registry) if result.suppressed else []
        for finding in sorted(result.findings + back):
            yield finding.line, finding.column - 1, f"{finding.code} {finding.message}", type(self)
        for problem in result.problems + [unused_problem(u) for u in result.unused]:
            yield problem.line, 0, f"{notice_code(problem)} {problem.message}", type(self)

    @staticmethod
    def back(suppressed, registry: Registry) -> list:
        """Suppressed findings that count again, as in the CLI: an exception past its date (judged
        on today's date, read here at the edge), or one without a ticket under settings.require_ticket."""
        back, holding = split_expired(suppressed, datetime.date.fromisoformat(os.environ[TODAY_ENV])
                                      if os.environ.get(TODAY_ENV) else datetime.date.today())
        if registry.settings.require_ticket:
            back += [s.finding for s in holding if not s.ticket]
        return back


def notice_code(problem: Problem) -> str:
    """The :data:`boundary_lint.codes.NOTICES` code of what the CLI would print on stderr."""
    if problem.kind == UNUSED or problem.usage:
        return "BND902"
    return "BND901" if problem.fatal else "BND900"


def _execution_error(message: str) -> Exception:
    """flake8's own error for a run that cannot go on: printed as one line, exit status 1."""
    from flake8.exceptions import ExecutionError

    return ExecutionError(message)


def _asked_for(options: Any) -> bool:
    """Whether flake8 was told about boundary-lint itself: a BND code selected by name
    (``--select BND``, ``extend-select = BND100``; not a prefix such as ``B``) or one of its
    options given."""
    if getattr(options, "boundary_service", None):
        return True
    for option in ("select", "extend_select", "enable_extensions"):
        value = getattr(options, option, None) or []
        words = value if isinstance(value, (list, tuple)) else str(value).split(",")
        if any(str(word).strip().upper().startswith("BND") for word in words):
            return True
    return False
