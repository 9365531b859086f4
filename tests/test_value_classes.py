"""A value class behaves as the dataclass with the same options: equal, hashed, ordered,
printed, replaced and frozen alike (it only costs less to define)."""

from __future__ import annotations

import dataclasses
import itertools
from dataclasses import dataclass, field
from typing import List, Optional

import pytest

from boundary_lint.value_classes import value_class


def twins(**options):
    """The same class body made by ``dataclass`` and by ``value_class``."""
    def body():
        class Pair:
            line: int
            name: str = ""
            note: Optional[str] = field(default=None, compare=False)
        return Pair

    return dataclass(frozen=options.get("frozen", True), **{k: v for k, v in options.items() if k != "frozen"})(
        body()), value_class(body(), **options)


VALUES = [(line, name, note) for line in (1, 2) for name in ("", "a", "b") for note in (None, "x")]


@pytest.mark.parametrize("options", [{}, {"order": True}, {"frozen": False}, {"frozen": False, "order": True}])
def test_compares_and_prints_as_the_dataclass(options):
    reference, ours = twins(**options)
    for left, right in itertools.product(VALUES, repeat=2):
        a, b = reference(*left), reference(*right)
        x, y = ours(*left), ours(*right)
        assert (x == y) == (a == b) and (x != y) == (a != b)
        assert repr(x).replace("Pair", "") == repr(a).replace("Pair", "")
        if options.get("order"):
            assert [x < y, x <= y, x > y, x >= y] == [a < b, a <= b, a > b, a >= b]
        if options.get("frozen", True):
            assert (hash(x) == hash(y)) or x != y
    assert (ours(1) == reference(1)) is False  # another class is never equal, as for a dataclass


def test_sorts_as_the_dataclass():
    reference, ours = twins(order=True)
    mixed = [VALUES[i] for i in (7, 3, 11, 0, 5, 2, 9)]
    assert [dataclasses.astuple(v) for v in sorted(ours(*v) for v in mixed)] == \
        [dataclasses.astuple(v) for v in sorted(reference(*v) for v in mixed)]


def test_frozen_replace_asdict_and_unhashable_mutable():
    _, frozen = twins()
    _, mutable = twins(frozen=False)
    item = frozen(1, "a")
    with pytest.raises(dataclasses.FrozenInstanceError):
        item.line = 2
    assert dataclasses.replace(item, line=3) == frozen(3, "a")
    assert dataclasses.asdict(item) == {"line": 1, "name": "a", "note": None}
    assert len({frozen(1, "a"), frozen(1, "a", "other note")}) == 1  # note is not compared
    with pytest.raises(TypeError):
        hash(mutable(1))
    changed = mutable(1)
    changed.line = 5
    assert changed == mutable(5)


def test_identity_when_not_compared_and_own_methods_kept():
    @value_class(frozen=False, eq=False)
    class Holder:
        items: List[int] = field(default_factory=list)

    assert Holder() != Holder() and len({Holder(), Holder()}) == 2

    @value_class
    class Shown:
        value: int

        def __repr__(self) -> str:
            return f"<{self.value}>"

    assert repr(Shown(4)) == "<4>"


def test_a_repr_that_meets_itself_says_so():
    def loop(make):
        @make
        class Node:
            children: list = field(default_factory=list)

        node = Node()
        node.children.append(node)
        return repr(node)

    assert loop(value_class(frozen=False)) == loop(dataclass)
    assert loop(value_class(frozen=False)).endswith("Node(children=[...])")


def test_fields_of_a_partial_order_compare_as_in_the_dataclass():
    def body():
        class Tags:
            tags: frozenset
        return Tags

    reference, ours = dataclass(frozen=True, order=True)(body()), value_class(body(), order=True)
    for left, right in itertools.product([frozenset({1}), frozenset({2}), frozenset({1, 2})], repeat=2):
        a, b, x, y = reference(left), reference(right), ours(left), ours(right)
        assert [x < y, x <= y, x > y, x >= y] == [a < b, a <= b, a > b, a >= b], (left, right)


def test_refuses_what_dataclass_refuses_and_keeps_an_explicit_unhashable():
    with pytest.raises(TypeError, match="__le__"):
        @value_class(order=True)
        class OwnOrder:
            line: int

            def __le__(self, other):
                return True
    with pytest.raises(ValueError):
        value_class(order=True, eq=False)(type("Bare", (), {"__annotations__": {"line": "int"}}))

    @value_class
    class Unhashable:
        line: int
        __hash__ = None

    with pytest.raises(TypeError):
        hash(Unhashable(1))
