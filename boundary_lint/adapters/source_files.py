"""Reading one file for the check: its bytes (never a FIFO, at most ``MAX_FILE_BYTES + 1`` of
them), a large ``.sql`` file in pieces (:mod:`boundary_lint.adapters.sql_stream`), a file that
cannot be read as a problem saying why; then the pure check (:func:`boundary_lint.pipeline.check_source`).
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path
from typing import Optional

from boundary_lint.adapters.files import read_at_most
from boundary_lint.languages import MAX_FILE_BYTES, SQL_SUFFIXES
from boundary_lint.model import FileResult, Problem
from boundary_lint.registry import Registry


def check_path(path: Path, display: str, registry: Registry, service: str, prefilter: bool = True) -> FileResult:
    """Read one file of ``service`` and check it; every failure becomes a Problem."""
    try:
        data = read_source(path)
    except OSError as exc:
        return unreadable(display, service, exc, path)
    if len(data) > MAX_FILE_BYTES and path.suffix in SQL_SUFFIXES:
        from boundary_lint.adapters.sql_stream import check_sql_stream  # a dump or a squashed migration

        return check_sql_stream(path, display, registry, service, prefilter)
    from boundary_lint.pipeline import check_source  # not imported by a run whose every file is cached

    return check_source(data, path, display, registry, service, prefilter)


def check_file(
    path: Path,
    display: str,
    registry: Registry,
    service_override: Optional[str] = None,
    prefilter: bool = True,
) -> FileResult:
    """Read one file from disk and check it; every failure becomes a Problem."""
    service = service_override or registry.service_for_path(path)
    if service is None:
        return FileResult(display, None, checked=False)
    from boundary_lint.adapters.model_index_store import for_registry

    for_registry(registry)  # the model index of the registry's folder, once per process
    return check_path(path, display, registry, service, prefilter)


def read_source(path: Path) -> bytes:
    """A file's bytes, at most ``MAX_FILE_BYTES + 1`` of them (enough to tell it is too
    large); a FIFO or a device is refused rather than read (it could block forever)."""
    info = os.stat(path)
    if not stat.S_ISREG(info.st_mode):
        raise OSError(errno.EINVAL, "not a regular file (a FIFO, socket or device)", str(path))
    with open(path, "rb") as handle:
        return read_at_most(handle, MAX_FILE_BYTES + 1, info.st_size)


def unreadable(display: str, service: Optional[str], exc: OSError, path: Optional[Path] = None) -> FileResult:
    """A file that could not be read: a fatal problem saying why and what to do."""
    reason = exc.strerror or str(exc)
    todo = "fix its permissions or exclude it"
    if path is not None and os.path.islink(path):
        reason = f"{reason}: a symlink to {os.readlink(path)}"
        todo = "fix or remove the symlink, or exclude it"
    elif exc.errno == errno.EINVAL:
        todo = "exclude it"
    message = f"cannot read file ({reason}); {todo}"
    return FileResult(display, service, problems=[Problem(display, 1, message)])
