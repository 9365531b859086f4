"""Write a set of files all together: each is staged beside its target first, and only
when every one is staged are they moved into place (a failure stages nothing more and
removes what it staged, so no target is half-written)."""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path
from typing import List, Sequence, Tuple


def write_all(files: Sequence[Tuple[Path, bytes]]) -> None:
    staged: List[Tuple[str, Path]] = []
    try:
        for path, data in files:
            target = Path(os.path.realpath(path))
            target.parent.mkdir(parents=True, exist_ok=True)
            mode = stat.S_IMODE(target.stat().st_mode) if target.exists() else 0o644
            handle, temporary = tempfile.mkstemp(dir=str(target.parent), prefix=f".{target.name}.", suffix=".tmp")
            staged.append((temporary, target))
            with os.fdopen(handle, "wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
            os.chmod(temporary, mode)
    except BaseException:
        for temporary, _ in staged:
            if os.path.exists(temporary):
                os.unlink(temporary)
        raise
    for temporary, target in staged:
        os.replace(temporary, target)
