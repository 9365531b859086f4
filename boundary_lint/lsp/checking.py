"""An editor's buffer -> ``check``'s result for that file, with the registry found as ``check``
finds it and loaded again when its file changes.

The pipeline is ``check``'s: the one checker (:mod:`boundary_lint.pipeline`), then
:func:`boundary_lint.adapters.runner.gather` and :func:`boundary_lint.commands.check_options.finish` (expired
exceptions, ``require_ticket``, the baseline of ``settings.baseline``, unused suppressions),
so the editor shows exactly what ``check`` would report for the saved text.
"""

from __future__ import annotations

import argparse
import io
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Optional, Tuple

from boundary_lint.commands import check_options as adoption
from boundary_lint.languages import MAX_FILE_BYTES, PYTHON_SUFFIXES, SQL_SUFFIXES
from boundary_lint.pipeline import check_source
from boundary_lint.adapters.config_file import config_starts, find_config, load_registry
from boundary_lint.adapters.model_index_store import for_registry
from boundary_lint.sites.model_index import file_record, install, module_name
from boundary_lint.model import Problem
from boundary_lint.registry import ConfigError, Registry
from boundary_lint.report.formats import RunResult
from boundary_lint.adapters.runner import code_filter, gather

CHECKED_SUFFIXES = PYTHON_SUFFIXES + SQL_SUFFIXES


@dataclass(frozen=True)
class Loaded:
    """The registry a file belongs to: ``registry`` None and ``error`` said when it is broken;
    ``path`` None when there is none at all."""

    path: Optional[Path]
    registry: Optional[Registry] = None
    error: str = ""


class Registries:
    """The registries of the files checked, each kept until its file's size or time changes."""

    def __init__(self, explicit: Optional[str] = None) -> None:
        self.explicit = explicit
        self._loaded: Dict[Path, Tuple[Tuple[int, int], Loaded]] = {}

    def for_file(self, path: Path) -> Loaded:
        found = Path(self.explicit) if self.explicit else find_config(config_starts([str(path)]))
        if found is None:
            return Loaded(None)
        found = found.resolve()
        try:
            info = os.stat(found)
            stamp = (info.st_mtime_ns, info.st_size)
        except OSError as exc:
            return Loaded(found, error=f"{found}: cannot read the registry ({exc.strerror})")
        known = self._loaded.get(found)
        if known is not None and known[0] == stamp:
            return known[1]
        try:
            loaded = Loaded(found, load_registry(found))
        except ConfigError as exc:
            loaded = Loaded(found, error=str(exc))
        self._loaded[found] = (stamp, loaded)
        return loaded

    def paths(self):
        """The registry files loaded so far (to tell a registry's change from a source file's)."""
        return set(self._loaded)


def display_path(path: Path) -> str:
    """As ``check`` run from the working folder shows it: relative inside it, else absolute."""
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path.resolve())


def check_options() -> argparse.Namespace:
    """``check``'s adoption options when none is given: ``settings.baseline`` applies."""
    return argparse.Namespace(paths=[], baseline=None, no_baseline=False, write_baseline=None,
                              prune_baseline=False, require_reason=False, show_suppressed=False,
                              strict_suppressions=False, today=None, diff_base=None)


def take_models(text: str, path: Path, registry: Registry) -> bool:
    """The model index of the registry's folder, with this Python file as its buffer now is
    (saved or not): a model added, changed or removed in the editor reaches the files that use
    it, as the next ``check`` would see it. True when the index changed (the other open files
    are then checked again)."""
    relative = registry.relative_text(path) if path.suffix in PYTHON_SUFFIXES else None
    if relative is None or relative == ".":
        return False
    index = for_registry(registry, write=True)
    module = module_name(relative)
    record = file_record(text.encode("utf-8", errors="replace"), relative)
    if index.records.get(module) == record:
        return False
    changed = index.with_module(record) if record is not None else index.without_module(module)
    changed.scanned = index.scanned | {module}
    install(registry, changed)
    return True


def check_text(text: str, path: Path, registry: Registry, service: str) -> RunResult:
    """``check``'s result for one file whose current text is ``text`` (saved or not)."""
    display = display_path(path)
    if len(text) > MAX_FILE_BYTES:
        result = gather([])
        result.problems = [Problem(display, 1, f"skipped: larger than {MAX_FILE_BYTES / 1e6:g} MB")]
        return result
    for_registry(registry, write=True)  # the model index of the registry's folder, once per process, cached
    file_result = check_source(text.replace("\r\n", "\n"), path, display, registry, service)
    run = gather([file_result])
    err = io.StringIO()  # what check would print about the baseline is not the editor's
    try:
        plan = adoption.plan_for(check_options(), registry)
    except adoption.UsageError as exc:
        plan = adoption.Plan(require_ticket=registry.settings.require_ticket)
        run.problems.append(Problem(display, 1, f"baseline not applied: {exc}", fatal=False))
    return adoption.finish(run, plan, code_filter((), ()), err, fmt="lsp")
