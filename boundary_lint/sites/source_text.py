"""A file's bytes as the text the checker reads: the encoding a PEP 263 cookie declares (UTF-8
otherwise), without a BOM, with ``\\n`` line ends; or the problem saying why it cannot be read."""

from __future__ import annotations

import io
import tokenize
from typing import Optional, Tuple

from boundary_lint.model import Problem


def decode_source(data: bytes, display: str, is_python: bool) -> Tuple[str, Optional[Problem]]:
    """Bytes -> text, honouring a PEP 263 coding cookie in Python files."""
    encoding = "utf-8"
    try:
        if is_python:
            encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        text = data.decode(encoding)
    except (SyntaxError, LookupError, UnicodeDecodeError) as exc:
        line = data.count(b"\n", 0, exc.start) + 1 if isinstance(exc, UnicodeDecodeError) else 1
        todo = "save it as UTF-8 or declare its coding (# -*- coding: latin-1 -*-)" if is_python else "save it as UTF-8"
        return "", Problem(display, line, f"cannot decode as {encoding} ({exc}); {todo}")
    if text.startswith("\ufeff"):
        text = text[1:]
    return text.replace("\r\n", "\n"), None
