"""The input files of a partitioned run cut into pieces: what a part reads at a time.

A piece is consecutive row groups of one Parquet file (Parquet reads no less than a
row group), so a file larger than a part is read, and spread over the parts, piece by
piece; only the footers are read to cut them.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

#: The most rows of input a part reads at a time, in whole row groups (Parquet reads no
#: less): a file larger than this is read, and spread over the parts, piece by piece.
PIECE_ROWS = 1 << 20


@dataclass(frozen=True)
class Piece:
    """Consecutive row groups of one input file: what a part reads at a time."""

    path: str
    row_groups: tuple[int, ...]  # empty: the whole file (a file without row groups)
    rows: int


def pieces_of(path: str | os.PathLike, limit: int | None = None) -> list[Piece]:
    """``path`` cut into pieces of consecutive row groups of at most ``limit`` rows
    (``PIECE_ROWS``), or of one row group where a single group holds more; from the
    Parquet footer only."""
    import pyarrow.parquet as pq

    limit = limit or PIECE_ROWS
    meta = pq.ParquetFile(path).metadata
    pieces: list[Piece] = []
    groups: list[int] = []
    rows = 0
    for g in range(meta.num_row_groups):
        n = meta.row_group(g).num_rows
        if groups and rows + n > limit:
            pieces.append(Piece(str(path), tuple(groups), rows))
            groups, rows = [], 0
        groups.append(g)
        rows += n
    pieces.append(Piece(str(path), tuple(groups), rows))  # the last (or only, empty) one
    return pieces
