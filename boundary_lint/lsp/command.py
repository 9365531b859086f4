"""``boundary-lint server``: the Language Server over stdio (:mod:`boundary_lint.lsp.server`); pygls (the
``lsp`` extra) is imported only when it runs."""

from __future__ import annotations

import argparse
from typing import TextIO

from boundary_lint.codes import EXIT_USAGE


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """No options: the editor's client configures the server (initializationOptions)."""


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    try:
        from boundary_lint.lsp.server import main as serve
    except ImportError as exc:
        print(f"boundary-lint: the server needs pygls ({exc}): pip install 'boundary-lint[lsp]'", file=err)
        return EXIT_USAGE
    return serve()
