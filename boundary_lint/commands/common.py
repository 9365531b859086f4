"""What several commands share: the run's arguments and registry, the paths that do not exist, code lists."""

from __future__ import annotations

import argparse
import os
from typing import List, Optional, Sequence, TextIO

from boundary_lint.adapters.config_file import load_for
from boundary_lint.registry_schema import check_service_name
from boundary_lint.registry import ConfigError, Registry


def add_run_arguments(parser: argparse.ArgumentParser) -> None:
    """The arguments of every command that runs the check over paths (``check``, ``fix``,
    ``map``): the same names, defaults and help in each."""
    parser.add_argument("paths", nargs="*", default=["."], metavar="PATH")
    parser.add_argument("--config", help="registry file (default: boundaries.toml found upwards)")
    parser.add_argument("--service", help="treat every file as belonging to this service")
    parser.add_argument("--exclude", "--extend-exclude", action="append", default=[], metavar="GLOB",
                        help="also skip files and folders matching GLOB, on top of settings.exclude "
                             "(default: ruff's list: .git, .venv, venv, build, dist, node_modules, "
                             "site-packages, ...) and settings.extend_exclude (repeatable)")


def codes_of(option: Optional[str]) -> List[str]:
    """``--select BND100,bnd101`` -> ``["BND100", "BND101"]``."""
    return [c.strip().upper() for c in (option or "").split(",") if c.strip()]


def registry_for(args: argparse.Namespace, err: TextIO) -> Optional[Registry]:
    """The run's registry, checked against ``--service``; None (said on ``err``) when unusable."""
    try:
        registry, _ = load_for(getattr(args, "paths", []), args.config)
        if getattr(args, "service", None):
            check_service_name(registry, args.service)
    except ConfigError as exc:
        print(f"boundary-lint: {exc}", file=err)
        return None
    return registry


def missing_paths(paths: Sequence[str]) -> List[str]:
    """The paths given that name no file or folder (a typo is said, never skipped in silence)."""
    return [p for p in paths if not os.path.exists(p)]
