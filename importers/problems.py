"""Problems found while importing, each named by file and line.

An importer reports two kinds of problem: an *error*, after which the import cannot give
a trustworthy graph (a malformed line, pages that do not chain), and a *warning*, where
the rest of the input can still be used (a duplicate follower dropped, a creation date in
the future dropped). Errors are raised together as one ``InputError``, which is a
``GraphValidationError``, so the CLI prints them one per line like ``ffd validate`` does.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from detector.errors import GraphValidationError, Issue

#: How many warnings of one kind are listed one by one before one line sums them up.
MAX_LISTED = 20


class InputError(GraphValidationError):
    """The input files cannot be imported; ``errors`` names each problem's file and line."""

    def __init__(self, errors: list[Issue], title: str = "cannot import") -> None:
        super().__init__(errors, title)


@dataclass
class Origin:
    """Where each row of a column came from: a file and a line or entry (1-based; 0 =
    unknown).

    Attributes:
        files: the file names, as given.
        file: index into ``files`` per row (int32).
        line: line number (or entry number, see ``units``) per row (int64).
        units: per file, ``"line"`` (JSON lines, CSV, text) or ``"entry"`` (the n-th
            entry of a list in one JSON document).
    """

    files: list[str] = field(default_factory=list)
    file: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int32))
    line: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    units: list[str] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.line)

    def where(self, i: int) -> str:
        """``name:line`` or ``name: entry n`` of row ``i`` (``name`` when unknown)."""
        k = int(self.file[i])
        name, line = self.files[k], int(self.line[i])
        if line <= 0:
            return name
        return f"{name}: entry {line}" if self.units[k] == "entry" else f"{name}:{line}"

    def take(self, index: np.ndarray) -> Origin:
        return Origin(self.files, self.file[index], self.line[index], self.units)

    @classmethod
    def of(cls, name: str, lines: Sequence[int] | np.ndarray, unit: str = "line") -> Origin:
        lines = np.asarray(lines, dtype=np.int64)
        return cls([name], np.zeros(len(lines), np.int32), lines, [unit])

    @classmethod
    def concat(cls, parts: Sequence[Origin]) -> Origin:
        """One origin for the rows of ``parts`` in order; file lists are merged."""
        if not parts:
            return cls()
        keys: list[tuple[str, str]] = []
        file_parts, line_parts = [], []
        for part in parts:
            offsets = np.array([_index(keys, key) for key in zip(part.files, part.units,
                                                                  strict=True)], dtype=np.int32)
            file_parts.append(offsets[part.file] if len(part.files) else part.file)
            line_parts.append(part.line)
        return cls([name for name, _ in keys], np.concatenate(file_parts).astype(np.int32),
                   np.concatenate(line_parts).astype(np.int64), [unit for _, unit in keys])


def _index(keys: list[tuple[str, str]], key: tuple[str, str]) -> int:
    if key not in keys:
        keys.append(key)
    return keys.index(key)


class Problems:
    """Collects errors and warnings; raises ``InputError`` once errors are too many or
    when ``check`` is called with any."""

    def __init__(self) -> None:
        self.errors: list[Issue] = []
        self.warnings: list[Issue] = []

    def error(self, where: str, message: str) -> None:
        self.errors.append(Issue(where, message))
        if len(self.errors) >= GraphValidationError.MAX_ISSUES:
            raise InputError(self.errors)

    def warn(self, where: str, message: str) -> None:
        self.warnings.append(Issue(where, message))

    def warn_rows(self, origin: Origin, rows: np.ndarray, describe: Callable[[int], str],
                  total: str) -> None:
        """A warning ``describe(row)`` at each row's file and line (the first
        ``MAX_LISTED`` rows), then, if there were more, ``total.format(n=count)``."""
        rows = np.asarray(rows)
        for i in rows[:MAX_LISTED].tolist():
            self.warn(origin.where(i), describe(i))
        if len(rows) > MAX_LISTED:
            self.warn("", total.format(n=f"{len(rows):,}"))

    def check(self) -> None:
        """Raise every error collected so far, if any."""
        if self.errors:
            raise InputError(self.errors)
