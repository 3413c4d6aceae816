"""Input files cut into pieces of whole row groups (``training.partwise.inputs``)."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.parquet as pq

from training.partwise.inputs import Piece, pieces_of


def _file(tmp_path, rows: int, group: int):
    path = tmp_path / "f.parquet"
    pq.write_table(pa.table({"id": [str(i) for i in range(rows)]}), path,
                   row_group_size=group)
    return path


def test_row_groups_are_gathered_up_to_the_limit(tmp_path):
    path = _file(tmp_path, 70, 10)
    assert [(p.row_groups, p.rows) for p in pieces_of(path, 25)] == [
        ((0, 1), 20), ((2, 3), 20), ((4, 5), 20), ((6,), 10)]
    assert pieces_of(path, 1000) == [Piece(str(path), tuple(range(7)), 70)]


def test_a_row_group_above_the_limit_is_a_piece_of_its_own(tmp_path):
    path = _file(tmp_path, 30, 30)
    assert pieces_of(path, 8) == [Piece(str(path), (0,), 30)]


def test_a_file_without_rows_is_one_empty_piece(tmp_path):
    path = tmp_path / "empty.parquet"
    pq.write_table(pa.table({"id": pa.array([], pa.string())}), path)
    (piece,) = pieces_of(path)
    assert piece.rows == 0 and piece.path == str(path)
