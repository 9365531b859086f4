"""flake8 adapter: the same checker, fed the tree flake8 already parsed.

Options are stored on the class and the registry is loaded once per process
(flake8 ``--jobs`` forks workers; each loads it once).
"""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any, Iterator, List, Optional, Tuple, Type

from . import __version__
from .checker import check_python_source, orm_context
from .prefilter import trigger_lines
from .config import check_service_name, load_for
from .registry import ConfigError, NoRegistry, Registry


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
        cls.config_path = options.boundary_config
        cls.service = options.boundary_service
        cls._registry = None
        cls._registry_error = None

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
            # flake8 has no channel for configuration errors: fail the run loudly.
            raise ConfigError(f"boundary-lint: {exc}") from None
        service = self.service or registry.service_for_path(Path(self.filename))
        if service is None:
            return
        source = "".join(self.lines)
        # raw bytes: the fast engine reads them, and they count lines as the text does
        # the model index of the registry's folder: built once per process, on the first file
        words = orm_context(self.filename, registry, service).words
        interesting = trigger_lines(source.encode("utf-8", "surrogatepass"), registry.settings.sinks, words)
        if not interesting.all:
            return
        result = check_python_source(
            self.filename, source, registry, service, tree=self.tree, lines=self.lines, interesting=interesting
        )
        for finding in result.findings:
            yield finding.line, finding.column - 1, f"{finding.code} {finding.message}", type(self)
