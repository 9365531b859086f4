"""The file position of every character of a piece of SQL text, held as runs.

A literal's characters mostly stand one after another on a line, so their positions are
kept as runs (first position, step 0 or 1, length): a 40-line query is 40 runs, not one
:class:`~boundary_lint.model.Position` per character. A Position is made only when one
is asked for (a table that is reported, a statement's line), and the runs read as a
tuple of Positions otherwise (index, slice, ``+``, ``*``, iteration, equality).

>>> runs = PositionRuns.line(3, 5, 4)          # four characters from line 3, column 5
>>> runs[2], len(runs), runs[1:3] == (Position(3, 6), Position(3, 7))
(Position(line=3, column=7), 4, True)
>>> both = runs + (Position(9, 1),) * 2
>>> both.run_count(), both[-1]
(2, Position(line=9, column=1))
"""

from __future__ import annotations

from bisect import bisect_right
from typing import Callable, Iterator, List, Sequence, Tuple, Union

from boundary_lint.model import Position

Run = Tuple[int, int, int, int]  # (line, column, step 0 or 1, length)


class _Positions(Sequence[Position]):
    """What the compact forms share: each is equal (and hashes) as the tuple it stands for."""

    __slots__ = ()

    def __add__(self, other: Sequence[Position]) -> "PositionRuns":
        builder = RunsBuilder()
        builder.add(self)
        builder.add(other)
        return builder.build()

    def __radd__(self, other: Sequence[Position]) -> "PositionRuns":
        builder = RunsBuilder()
        builder.add(other)
        builder.add(self)
        return builder.build()

    def __mul__(self, times: int) -> "PositionRuns":
        builder = RunsBuilder()
        for _ in range(max(times, 0)):
            builder.add(self)
        return builder.build()

    __rmul__ = __mul__

    def __eq__(self, other: object) -> bool:
        if isinstance(other, (_Positions, tuple, list)):
            return len(self) == len(other) and tuple(self) == tuple(other)
        return NotImplemented

    def __hash__(self) -> int:
        return hash(tuple(self))


class PositionRuns(_Positions):
    """An immutable sequence of Positions stored as runs."""

    __slots__ = ("_runs", "_starts", "_length")

    def __init__(self, runs: Sequence[Run] = ()) -> None:
        self._runs: Tuple[Run, ...] = tuple(runs)
        starts, total = [], 0
        for run in self._runs:
            starts.append(total)
            total += run[3]
        self._starts: Tuple[int, ...] = tuple(starts)
        self._length = total

    @classmethod
    def line(cls, line: int, column: int, length: int) -> "PositionRuns":
        """``length`` characters written one after another from ``(line, column)``."""
        return cls([(line, column, 1, length)] if length > 0 else [])

    @classmethod
    def repeat(cls, where: Position, length: int) -> "PositionRuns":
        """``length`` characters all standing at ``where`` (text placed where it is used)."""
        return cls([(where.line, where.column, 0, length)] if length > 0 else [])

    def run_count(self) -> int:
        """How many runs hold the positions (what this costs, not what it says)."""
        return len(self._runs)

    def __len__(self) -> int:
        return self._length

    def __getitem__(self, index):
        if isinstance(index, slice):
            start, stop, step = index.indices(self._length)
            if step != 1:
                return tuple(self)[index]
            builder = RunsBuilder()
            builder.add_slice(self, start, stop)
            return builder.build()
        if index < 0:
            index += self._length
        if not 0 <= index < self._length:
            raise IndexError("position index out of range")
        which = bisect_right(self._starts, index) - 1
        line, column, step, _ = self._runs[which]
        return Position(line, column + step * (index - self._starts[which]))

    def __iter__(self) -> Iterator[Position]:
        for line, column, step, length in self._runs:
            for k in range(length):
                yield Position(line, column + step * k)

    def __repr__(self) -> str:
        return f"PositionRuns({list(self._runs)!r})"


class LazyPositions(_Positions):
    """Positions found only when one is asked for: ``resolve()`` (run once, shared by the
    slices) gives the whole sequence. A literal whose SQL gives no reference is never
    scanned for where its characters stand."""

    __slots__ = ("_source", "_start", "_stop")

    def __init__(self, resolve: Callable[[], Sequence[Position]], length: int) -> None:
        self._source: List = [resolve, None]  # the function, then what it gave
        self._start, self._stop = 0, length

    def resolved(self) -> bool:
        """Has any position been asked for (here or in a slice)?"""
        return self._source[1] is not None

    def _all(self) -> Sequence[Position]:
        if self._source[1] is None:
            self._source[1] = self._source[0]()
        return self._source[1]

    def __len__(self) -> int:
        return self._stop - self._start

    def __getitem__(self, index):
        if isinstance(index, slice):
            start, stop, step = index.indices(len(self))
            if step != 1:
                return tuple(self)[index]
            view = LazyPositions.__new__(LazyPositions)
            view._source, view._start, view._stop = self._source, self._start + start, self._start + max(start, stop)
            return view
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError("position index out of range")
        return self._all()[self._start + index]

    def __iter__(self) -> Iterator[Position]:
        every = self._all()
        return (every[i] for i in range(self._start, self._stop))

    def __repr__(self) -> str:
        return f"LazyPositions({len(self)}, resolved={self.resolved()})"


class JoinedPositions(_Positions):
    """Sequences of positions one after another, none copied (a site's pieces): asking for
    one position asks only the piece it is in."""

    __slots__ = ("parts", "_starts", "_length")

    def __init__(self, parts: Sequence[Sequence[Position]]) -> None:
        self.parts = tuple(part for part in parts if len(part))
        starts, total = [], 0
        for part in self.parts:
            starts.append(total)
            total += len(part)
        self._starts, self._length = tuple(starts), total

    def __len__(self) -> int:
        return self._length

    def __getitem__(self, index):
        if isinstance(index, slice):
            return tuple(self)[index]
        if index < 0:
            index += self._length
        if not 0 <= index < self._length:
            raise IndexError("position index out of range")
        which = bisect_right(self._starts, index) - 1
        return self.parts[which][index - self._starts[which]]

    def __iter__(self) -> Iterator[Position]:
        for part in self.parts:
            yield from part

    def __repr__(self) -> str:
        return f"JoinedPositions({list(self.parts)!r})"


class RunsBuilder:
    """Appends positions (single ones, runs, slices of runs), merging where they continue."""

    __slots__ = ("_runs",)

    def __init__(self) -> None:
        self._runs: List[List[int]] = []  # [line, column, step, length]; a run of one has either step

    def repeat(self, where: Position, length: int) -> None:
        """``length`` characters that all stand at ``where`` (an escape, a value placed there)."""
        if length > 0:
            self._append(where.line, where.column, 0, length)

    def add(self, positions: Union[PositionRuns, Sequence[Position]]) -> None:
        if isinstance(positions, PositionRuns):
            for line, column, step, length in positions._runs:
                self._append(line, column, step, length)
        elif positions and positions.count(positions[0]) == len(positions):  # (at,) * n, at C speed
            self.repeat(positions[0], len(positions))
        else:
            for where in positions:
                self._append(where.line, where.column, 0, 1)

    def add_slice(self, runs: PositionRuns, start: int, stop: int) -> None:
        """``runs[start:stop]`` appended without making the slice."""
        if stop <= start:
            return
        which = bisect_right(runs._starts, start) - 1
        while start < stop:
            line, column, step, length = runs._runs[which]
            skip = start - runs._starts[which]
            take = min(length - skip, stop - start)
            self._append(line, column + step * skip, step, take)
            start += take
            which += 1

    def _append(self, line: int, column: int, step: int, length: int) -> None:
        last = self._runs[-1] if self._runs else None
        if last is not None and last[0] == line:
            end = last[1] + last[2] * (last[3] - 1)  # the column of its last character
            for joined in (0, 1):  # the same place again, or the next column
                if column == end + joined and (last[3] == 1 or last[2] == joined) and (
                        length == 1 or step == joined):
                    last[2], last[3] = joined, last[3] + length
                    return
        self._runs.append([line, column, step if length > 1 else 0, length])

    def build(self) -> PositionRuns:
        return PositionRuns([tuple(run) for run in self._runs])
