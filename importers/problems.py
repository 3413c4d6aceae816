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
    """Where each row of a column came from: a file and a line (1-based; 0 = unknown).

    Attributes:
        files: the file names, as given.
        file: index into ``files`` per row (int32).
        line: line number per row (int64).
    """

    files: list[str] = field(default_factory=list)
    file: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int32))
    line: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))

    def __len__(self) -> int:
        return len(self.line)

    def where(self, i: int) -> str:
        """``name:line`` of row ``i`` (``name`` alone when the line is unknown)."""
        name = self.files[int(self.file[i])]
        line = int(self.line[i])
        return f"{name}:{line}" if line > 0 else name

    def take(self, index: np.ndarray) -> Origin:
        return Origin(self.files, self.file[index], self.line[index])

    @classmethod
    def of(cls, name: str, lines: Sequence[int] | np.ndarray) -> Origin:
        lines = np.asarray(lines, dtype=np.int64)
        return cls([name], np.zeros(len(lines), np.int32), lines)

    @classmethod
    def concat(cls, parts: Sequence[Origin]) -> Origin:
        """One origin for the rows of ``parts`` in order; file lists are merged."""
        files: list[str] = []
        file_parts, line_parts = [], []
        for part in parts:
            offsets = np.array([_index(files, name) for name in part.files], dtype=np.int32)
            file_parts.append(offsets[part.file] if len(part.files) else part.file)
            line_parts.append(part.line)
        if not parts:
            return cls()
        return cls(files, np.concatenate(file_parts).astype(np.int32),
                   np.concatenate(line_parts).astype(np.int64))


def _index(files: list[str], name: str) -> int:
    if name not in files:
        files.append(name)
    return files.index(name)


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
