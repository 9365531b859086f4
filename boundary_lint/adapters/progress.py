"""A progress line on the terminal for long runs: ``boundary-lint: 1200/4800 files (25%)``.

Only when stderr is a terminal and the run has enough files to take a while;
redrawn at most ten times a second and erased at the end, so it never mixes
with the report (which goes to stdout) or lands in a CI log.
"""

from __future__ import annotations

import sys
import time
from typing import Callable, Optional, TextIO

MIN_FILES = 200  # below this a run is over before a progress line helps


class Progress:
    """Call with ``(done, total)`` as files finish; :meth:`close` erases the line.

    Whether to draw at all is decided on the first call, once the total is
    known: only on a terminal, and only for runs of at least ``min_files``.
    """

    def __init__(
        self,
        stream: Optional[TextIO] = None,
        min_files: int = MIN_FILES,
        interval: float = 0.1,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.min_files = min_files
        self.interval = interval
        self.clock = clock
        self.enabled: Optional[bool] = None
        self.last = float("-inf")
        self.width = 0

    def __call__(self, done: int, total: int) -> None:
        if self.enabled is None:
            isatty = getattr(self.stream, "isatty", None)
            self.enabled = total >= self.min_files and isatty is not None and bool(isatty())
        if not self.enabled:
            return
        now = self.clock()
        if done < total and now - self.last < self.interval:
            return
        self.last = now
        percent = 100 * done // total if total else 100
        text = f"boundary-lint: {done}/{total} files ({percent}%)"
        self.stream.write("\r" + text.ljust(self.width))
        self.stream.flush()
        self.width = len(text)

    def close(self) -> None:
        if self.width:
            self.stream.write("\r" + " " * self.width + "\r")
            self.stream.flush()
            self.width = 0
