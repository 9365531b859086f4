"""``value_class``: a dataclass whose comparisons, hash and repr are shared functions.

Every check imports some thirty value classes, and on CPython before 3.13 ``dataclass``
compiles each generated method apart: ten small compilations for a frozen, ordered class,
about 1.7 ms, a quarter of a warm run's start. A value class compiles only what must be its own
(``__init__`` and the frozen ``__setattr__``/``__delattr__``) and takes ``__eq__``,
``__hash__``, ``__repr__`` and the order from one ``operator.attrgetter`` over the compared
fields. It is a dataclass: ``fields``, ``replace`` and ``asdict`` work as on any other,
and instances compare, hash, sort and print as ``dataclass`` with the same options makes them.
The value classes of the check's path are made so; the codemod's and the audit's, imported
only by their commands, are plain dataclasses.
"""

from __future__ import annotations

import functools
import operator
from dataclasses import dataclass, fields
from reprlib import recursive_repr
from typing import Callable, Tuple, TypeVar

T = TypeVar("T", bound=type)


def value_class(cls: T = None, *, order: bool = False, frozen: bool = True, eq: bool = True):
    """``@value_class`` / ``(order=True)`` / ``(frozen=False)`` / ``(eq=False)``: what
    ``@dataclass`` with the same options makes, cheaper to define (see the module's docstring).
    A method the class defines itself is kept."""
    if cls is None:
        return functools.partial(value_class, order=order, frozen=frozen, eq=eq)
    cls = dataclass(frozen=frozen, eq=False, repr=False)(cls)
    compared = tuple(f.name for f in fields(cls) if f.compare)
    _set_default(cls, "__repr__", _repr(tuple(f.name for f in fields(cls) if f.repr)))
    if eq:
        _set_default(cls, "__eq__", _equal(_key(compared)))
        if frozen:
            hashed = tuple(f.name for f in fields(cls) if (f.compare if f.hash is None else f.hash))
            _set_default(cls, "__hash__", _hash(_key(hashed)))
        elif "__hash__" not in cls.__dict__:
            cls.__hash__ = None  # mutable and compared by value: unhashable, as a dataclass is
    if order:
        if "__lt__" in cls.__dict__:
            raise TypeError(f"{cls.__name__}: value_class(order=True) defines __lt__ itself")
        cls.__lt__ = _less(_key(compared))
        cls = functools.total_ordering(cls)
    return cls


def _set_default(cls: type, name: str, method: Callable) -> None:
    if name not in cls.__dict__ or (name == "__hash__" and cls.__dict__[name] is None):
        method.__qualname__ = f"{cls.__qualname__}.{name}"
        setattr(cls, name, method)


def _key(names: Tuple[str, ...]) -> Callable[[object], tuple]:
    """The fields ``names`` of an instance, as a tuple (whatever their number)."""
    if not names:
        return lambda _: ()
    if len(names) == 1:
        name = names[0]
        return lambda obj: (getattr(obj, name),)
    return operator.attrgetter(*names)


def _equal(key):
    def __eq__(self, other):
        if other.__class__ is self.__class__:
            return key(self) == key(other)
        return NotImplemented

    return __eq__


def _less(key):
    def __lt__(self, other):
        if other.__class__ is self.__class__:
            return key(self) < key(other)
        return NotImplemented

    return __lt__


def _hash(key):
    def __hash__(self):
        return hash(key(self))

    return __hash__


def _repr(names: Tuple[str, ...]):
    @recursive_repr()  # ``...`` for an instance met again inside its own repr, as a dataclass says
    def __repr__(self):
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in names)
        return f"{self.__class__.__qualname__}({shown})"

    return __repr__
