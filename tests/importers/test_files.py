"""Reading JSON documents and JSON lines, compressed or not, naming each bad line."""

import gzip
import lzma

import msgspec
import numpy as np
import pytest

from importers import files
from importers.files import json_values, kind_of, message, text_lines
from importers.problems import Problems


class Row(msgspec.Struct):
    id: int | str
    n: int | None = None


DECODER = msgspec.json.Decoder(Row)


def values(path, problems=None):
    problems = problems or Problems()
    chunks = list(json_values(path, DECODER, problems))
    rows = [v for c in chunks for v in c.values]
    lines = np.concatenate([c.lines for c in chunks]).tolist() if chunks else []
    return rows, lines, problems


def test_json_lines_with_blank_lines_keep_their_line_numbers(tmp_path):
    path = tmp_path / "a.jsonl"
    path.write_text('{"id": 1}\n\n{"id": "2", "n": 5}\n  \n{"id": 3}')
    rows, lines, _ = values(path)
    assert [r.id for r in rows] == [1, "2", 3]
    assert lines == [1, 3, 5]


def test_one_document_over_many_lines(tmp_path):
    path = tmp_path / "a.json"
    path.write_text('\n\n{\n  "id": 7,\n  "n": 1\n}\n')
    rows, lines, _ = values(path)
    assert rows == [Row(7, 1)] and lines == [3]


def test_ids_beyond_64_bits_stay_exact(tmp_path):
    path = tmp_path / "a.jsonl"
    path.write_text('{"id": 9007199254740993}\n{"id": 123456789012345678901234567890}\n')
    rows, _, _ = values(path)
    assert [r.id for r in rows] == [9007199254740993, 123456789012345678901234567890]


def test_each_malformed_line_is_named_and_the_good_ones_are_kept(tmp_path):
    path = tmp_path / "a.jsonl"
    path.write_text('{"id": 1}\n{"id": 2,,}\n{"id": 3}\n{"id": 4, "n": "x"}\n')
    rows, lines, problems = values(path)
    assert [r.id for r in rows] == [1, 3] and lines == [1, 3]
    assert [str(e) for e in problems.errors] == [
        f"{path}:2: not valid JSON: object keys must be strings (column 10)",
        f"{path}:4: n: expected int | null, got str",
    ]


def test_a_malformed_document_names_the_line_of_the_fault(tmp_path):
    path = tmp_path / "a.json"
    path.write_text('{\n  "id": 1,\n  "n": 2,\n}\n')
    _, _, problems = values(path)
    assert [e.path for e in problems.errors] == [f"{path}:4"]


@pytest.mark.parametrize("compress", [gzip.compress, lzma.compress])
def test_compressed_files_are_read_by_their_first_bytes(tmp_path, compress):
    path = tmp_path / "a.jsonl.whatever"
    path.write_bytes(compress(b'{"id": 1}\n{"id": 2}\n'))
    rows, lines, _ = values(path)
    assert [r.id for r in rows] == [1, 2] and lines == [1, 2]


def test_lines_across_chunks_are_numbered_right(tmp_path, monkeypatch):
    monkeypatch.setattr(files, "CHUNK", 64)
    path = tmp_path / "a.jsonl"
    path.write_text("".join(f'{{"id": {i}, "n": {i * 1000}}}\n' for i in range(50))
                    + '{"id": 50,}\n{"id": 51}')
    rows, lines, problems = values(path)
    assert [r.id for r in rows] == list(range(50)) + [51]
    assert lines == list(range(1, 51)) + [52]
    assert [e.path for e in problems.errors] == [f"{path}:51"]


def test_text_lines_and_kind(tmp_path):
    path = tmp_path / "ids.txt"
    path.write_text("17\n\n 18 \r\n19")
    ids, lines = text_lines(path)
    assert ids == ["17", "18", "19"] and lines.tolist() == [1, 3, 4]
    assert kind_of(path) == "text"
    (tmp_path / "p.json").write_text('  {"ids": []}')
    assert kind_of(tmp_path / "p.json") == "json"


def test_messages_read_like_ours():
    with pytest.raises(msgspec.DecodeError) as raised:
        DECODER.decode(b'{"id": 1, "n": true}')
    assert message(raised.value) == "n: expected int | null, got bool"
