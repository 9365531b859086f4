"""Fuzzing the registry: any TOML document, any parsed mapping, any text gives a Registry
or a ConfigError (a message naming the file and the key), never another exception; and
a Registry that loads answers its lookups without raising."""

from __future__ import annotations

from pathlib import Path

from fuzz_strategies import ENTRIES, REGISTRY, toml_document
from hypothesis import given, settings
from hypothesis import strategies as st

from boundary_lint.adapters.config_file import load_registry
from boundary_lint.registry_schema import registry_from_mapping
from boundary_lint.registry import ConfigError, Registry

SCALE = settings.default.max_examples


def load_text(tmp_path_factory, text: str, name: str = "boundaries.toml"):
    folder = tmp_path_factory.mktemp("registry")
    path = folder / name
    path.write_text(text, encoding="utf-8")
    try:
        return load_registry(path)
    except ConfigError as exc:
        assert str(exc).startswith(str(path)), exc  # the message names the file
        return exc


def exercise(registry: Registry, names) -> None:
    """The lookups the checker makes, on odd names too."""
    for name in names:
        schema, _, table = name.rpartition(".")
        registry.owner_of(schema or None, table)
        registry.is_ignored(schema or None, table)
        registry.service_for_path(registry.root / name)
        for service in registry.services:
            registry.may_read(service, schema or "public", table)
    registry.unmatched_paths([registry.root / "a.py"])


@settings(max_examples=SCALE)
@given(raw=REGISTRY, names=st.lists(ENTRIES, max_size=3))
def test_any_toml_registry_loads_or_says_why(tmp_path_factory, raw, names):
    outcome = load_text(tmp_path_factory, toml_document(raw))
    if isinstance(outcome, Registry):
        exercise(outcome, names)


@settings(max_examples=SCALE)
@given(raw=REGISTRY)
def test_any_mapping_builds_or_says_why(raw):
    try:
        registry = registry_from_mapping(raw, source=Path("boundaries.toml"))
    except ConfigError as exc:
        assert str(exc).startswith("boundaries.toml"), exc
        return
    exercise(registry, ["public.strategy", "x", "a/b.py"])


@settings(max_examples=SCALE)
@given(raw=st.one_of(REGISTRY, st.dictionaries(st.text(max_size=5), REGISTRY, max_size=2)),
       text=st.text(max_size=200))
def test_pyproject_and_random_text(tmp_path_factory, raw, text):
    for document in (toml_document({"tool": {"boundary_lint": raw}}), toml_document({"tool": raw}), text):
        outcome = load_text(tmp_path_factory, document, "pyproject.toml")
        assert isinstance(outcome, (Registry, ConfigError))
