"""The one error shape: a list of ``{path, message}`` issues, raised together.

The API turns ``GraphValidationError`` into RFC 9457 problem details with the same
``errors`` list; the CLI prints the same lines. Paths are JSON paths into the document
the user sent, e.g. ``edges[12].target``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Issue:
    """One problem found in an input, at a JSON path."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message

    def to_dict(self) -> dict[str, str]:
        return asdict(self)


class DetectorError(Exception):
    """Base class of every error this project raises on purpose."""


class GraphValidationError(DetectorError, ValueError):
    """The input is not a valid account graph; ``errors`` says every reason found."""

    #: How many issues we collect before stopping; a broken million-row file should
    #: not produce a million-line error.
    MAX_ISSUES = 100

    def __init__(self, errors: list[Issue], title: str = "invalid account graph") -> None:
        self.errors = list(errors)
        self.title = title
        shown = "; ".join(str(e) for e in self.errors[:5])
        more = f" (and {len(self.errors) - 5} more)" if len(self.errors) > 5 else ""
        super().__init__(f"{title}: {shown}{more}")


class ModelFileError(DetectorError):
    """A saved model directory is missing, corrupt, or does not match this code."""
