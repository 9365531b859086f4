"""``value_class``: a dataclass whose comparisons, hash and repr are shared functions.

Every check imports some thirty value classes, and on CPython before 3.13 ``dataclass``
compiles each generated method apart: ten small compilations for a frozen, ordered class,
about 1.7 ms, a quarter of a warm run's start. A value class compiles only what must be its own
(``__init__`` and the frozen ``__setattr__``/``__delattr__``) and takes ``__eq__``,
``__hash__``, ``__repr__`` and the order from one ``operator.attrgetter`` over the compared
fields. It is a dataclass: ``fields``, ``replace`` and ``asdict`` work as on any other,
and instances compare (each of the four orderings on the field tuples), hash, sort and print
as ``dataclass`` with the same options makes them; it refuses what dataclass refuses.
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
    if order and not eq:
        raise ValueError("eq must be true if order is true")  # as dataclass says
    # a __hash__ of the class's own (None too: unhashable), not the None Python sets beside an __eq__
    own_hash = "__hash__" in cls.__dict__ and not (cls.__dict__["__hash__"] is None and "__eq__" in cls.__dict__)
    cls = dataclass(frozen=frozen, eq=False, repr=False)(cls)
    compared = tuple(f.name for f in fields(cls) if f.compare)
    _set_default(cls, "__repr__", _repr(tuple(f.name for f in fields(cls) if f.repr)))
    if eq:
        _set_default(cls, "__eq__", _comparison(operator.eq, _key(compared)))
        if own_hash:
            pass  # kept, as dataclass keeps it
        elif frozen:
            hashed = tuple(f.name for f in fields(cls) if (f.compare if f.hash is None else f.hash))
            cls.__hash__ = _named(_hash(_key(hashed)), cls, "__hash__")
        else:
            cls.__hash__ = None  # mutable and compared by value: unhashable, as a dataclass is
    if order:
        key = _key(compared)
        for name, compare in _ORDER.items():
            if name in cls.__dict__:
                raise TypeError(f"Cannot overwrite attribute {name} in class {cls.__name__}. "
                                "Consider using functools.total_ordering")  # as dataclass says
            setattr(cls, name, _named(_comparison(compare, key), cls, name))
    return cls


_ORDER = {"__lt__": operator.lt, "__le__": operator.le, "__gt__": operator.gt, "__ge__": operator.ge}


def _named(method: Callable, cls: type, name: str) -> Callable:
    """``method`` named as a method of ``cls`` (tracebacks and reprs say whose it is)."""
    method.__name__, method.__qualname__ = name, f"{cls.__qualname__}.{name}"
    return method


def _set_default(cls: type, name: str, method: Callable) -> None:
    """``method`` as ``cls.name`` unless the class defines it."""
    if name not in cls.__dict__:
        setattr(cls, name, _named(method, cls, name))


def _key(names: Tuple[str, ...]) -> Callable[[object], tuple]:
    """The fields ``names`` of an instance, as a tuple (whatever their number)."""
    if not names:
        return lambda _: ()
    if len(names) == 1:
        name = names[0]
        return lambda obj: (getattr(obj, name),)
    return operator.attrgetter(*names)


def _comparison(compare: Callable, key):
    """``compare`` (``==``, ``<``...) on the compared fields' tuples of two instances of one
    class, as a dataclass makes each of its comparisons (on the tuples themselves, so fields
    of a partial order compare as they do there)."""
    def method(self, other):
        if other.__class__ is self.__class__:
            return compare(key(self), key(other))
        return NotImplemented

    return method


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
