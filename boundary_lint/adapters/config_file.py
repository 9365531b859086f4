"""Finding and reading the registry file, with messages a user can act on.

The only module that reads configuration from disk; :mod:`boundary_lint.registry_schema`
checks every key and type and builds the pure :class:`~boundary_lint.registry.Registry`.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Iterable, List, Optional, Sequence, Tuple

from boundary_lint.registry import ConfigError, NoRegistry, Registry
from boundary_lint.registry_schema import registry_from_mapping

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on older Pythons only
    import tomli as tomllib

CONFIG_NAMES = ("boundaries.toml", "pyproject.toml")


def find_config(starts: Iterable[Path]) -> Optional[Path]:
    """The first ``boundaries.toml`` (or pyproject with our table) found upwards from each start."""
    for start in starts:
        start = Path(start).resolve()
        folder = start if start.is_dir() else start.parent
        for candidate_dir in (folder, *folder.parents):
            for name in CONFIG_NAMES:
                candidate = candidate_dir / name
                if candidate.is_file() and (name != "pyproject.toml" or _has_our_table(candidate)):
                    return candidate
    return None


def _has_our_table(pyproject: Path) -> bool:
    try:
        text = pyproject.read_text(encoding="utf-8")
    except OSError:
        return False
    return "[tool.boundary_lint" in text


def load_registry(path: Path) -> Registry:
    """Read and validate a registry file; raise :class:`ConfigError` saying what to fix."""
    path = Path(path)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such registry file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read the registry: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    prefix = ""
    if path.name == "pyproject.toml":
        raw = raw.get("tool", {}).get("boundary_lint")
        prefix = "tool.boundary_lint."
        if raw is None:
            raise ConfigError(f"{path}: has no [tool.boundary_lint] table")
    return registry_from_mapping(raw, source=path, root=path.parent, key_prefix=prefix)


def config_starts(paths: Sequence[str]) -> List[Path]:
    """Where to look for the registry: the working directory first, then each path given."""
    starts: List[Path] = [Path.cwd()]
    starts.extend(Path(p) for p in paths)
    return starts


def load_for(paths: Sequence[str], explicit: Optional[str]) -> Tuple[Registry, Path]:
    """The registry for a run: ``--config`` if given, else the first one found."""
    if explicit:
        path = Path(explicit)
    else:
        found = find_config(config_starts(paths))
        if found is None:
            raise NoRegistry(
                "no registry found (boundaries.toml, or [tool.boundary_lint] in pyproject.toml, upwards from "
                "the working directory and each path given): draft one with `boundary-lint init`, "
                "or pass --config FILE"
            )
        path = found
    return load_registry(path), path
