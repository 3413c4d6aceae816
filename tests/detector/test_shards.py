"""The sharded columnar form: many Parquet files read back as one graph."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest

from detector.errors import DetectorError, GraphValidationError
from detector.io import graph_to_document, load_graph, save_graph
from detector.shards import is_sharded, open_sharded
from detector.validate import parse_graph

from .test_io import DOC, assert_same_graph


@pytest.mark.parametrize("shards", [1, 3, 10])
def test_sharded_round_trip(tmp_path: Path, shards: int) -> None:
    graph = parse_graph(DOC)
    path = save_graph(graph, tmp_path / "sharded", shards=shards)
    assert is_sharded(path)
    assert len(list((path / "accounts").glob("*.parquet"))) == shards
    back = load_graph(path)
    assert_same_graph(back, graph)
    assert graph_to_document(back) == DOC
    assert not [p for p in tmp_path.rglob("*") if p.name.startswith(".")]


def test_files_are_read_in_name_order(tmp_path: Path) -> None:
    path = save_graph(parse_graph(DOC), tmp_path / "s", shards=4)
    sharded = open_sharded(path)
    assert [p.name for p in sharded.accounts] == ["00000.parquet", "00001.parquet",
                                                  "00002.parquet", "00003.parquet"]
    assert sharded.target == "brand"
    meta = orjson.loads((path / "graph.json").read_bytes())
    assert meta["layout"] == "shards"


def test_a_sharded_directory_needs_account_files(tmp_path: Path) -> None:
    (tmp_path / "g" / "accounts").mkdir(parents=True)
    with pytest.raises(DetectorError, match="accounts/\\*.parquet"):
        load_graph(tmp_path / "g")


def test_another_format_is_refused(tmp_path: Path) -> None:
    path = save_graph(parse_graph(DOC), tmp_path / "s", shards=2)
    (path / "graph.json").write_bytes(b'{"format": "account-graph/9"}')
    with pytest.raises(GraphValidationError, match="unsupported format"):
        load_graph(path)
