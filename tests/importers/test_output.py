"""Writing: every form loads with the project's reader; nothing half-written on error."""

import gzip

import numpy as np
import orjson
import pandas as pd
import pytest

from detector.errors import DetectorError
from detector.io import load_graph
from detector.validate import parse_graph
from importers import output
from importers.audience import Followers, ImportOptions, audience
from importers.output import write
from importers.problems import Origin, Problems
from importers.profiles import profiles

from .conftest import NOW


@pytest.fixture
def imported():
    known = profiles(["T", "a", "b"], Origin.of("u.jsonl", [1, 2, 3]), Problems(),
                     counts={"followers_count": [10, 1, 2]}, texts={"username": ["t", "a", "b"]},
                     created_at=np.array([NOW - 9e6, np.nan, NOW - 1e6]))
    followers = Followers(np.array(["b", "a"], dtype=object), Origin.of("ids", [1, 2]),
                          at=np.array([NOW - 10.0, NOW - 20.0]),
                          via=np.array(["at://did:plc:p/app.bsky.graph.starterpack/1", None],
                                       dtype=object))
    return audience("test", "T", followers, known, Problems(), ImportOptions(), by_time=True,
                    meta={"starter_packs": {"at://x": {"name": "p"}}}, now=NOW)


def test_json_carries_rank_and_via_and_loads_unchanged(imported, tmp_path):
    path, graph = write(imported, tmp_path / "g.json")
    doc = orjson.loads(path.read_bytes())
    assert list(doc)[:4] == ["format", "target", "observed_at", "starter_packs"]
    assert [(e["source"], e["rank"], e.get("via")) for e in doc["edges"]] == [
        ("a", 0, None), ("b", 1, "at://did:plc:p/app.bsky.graph.starterpack/1")]
    assert doc["edges"][0]["at"] == "2024-12-31T23:59:40Z"
    loaded = load_graph(path)
    assert loaded.summary() == graph.summary() and loaded.target_id == "T"
    # Stripped of rank, the document is what the current validator reads.
    for edge in doc["edges"]:
        edge.pop("rank"), edge.pop("via", None)
    assert parse_graph(doc).num_edges == 2


def test_gzip_and_parquet_forms(imported, tmp_path):
    path, _ = write(imported, tmp_path / "g.json.gz")
    doc = orjson.loads(gzip.decompress(path.read_bytes()))
    assert [e["rank"] for e in doc["edges"]] == [0, 1]
    assert load_graph(path).num_accounts == 3
    directory, _ = write(imported, tmp_path / "graph")
    edges = pd.read_parquet(directory / "edges.parquet")
    assert edges["rank"].tolist() == [0, 1] and str(edges["rank"].dtype) == "Int64"
    assert edges["via"].isna().tolist() == [True, False]
    meta = orjson.loads((directory / "graph.json").read_bytes())
    assert meta["starter_packs"] == {"at://x": {"name": "p"}}
    assert load_graph(directory).num_edges == 2


def test_a_failed_write_leaves_nothing_and_keeps_the_old_graph(imported, tmp_path, monkeypatch):
    directory, _ = write(imported, tmp_path / "graph")
    before = {p.name: p.read_bytes() for p in directory.iterdir()}

    def broken(self, *args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(pd.DataFrame, "to_parquet", broken)
    with pytest.raises(OSError, match="disk full"):
        write(imported, tmp_path / "graph")
    assert {p.name: p.read_bytes() for p in directory.iterdir()} == before
    with pytest.raises(OSError, match="disk full"):
        write(imported, tmp_path / "new")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["graph"]


def test_a_failed_json_write_leaves_no_file(imported, tmp_path, monkeypatch):
    def broken(src, dst):
        raise OSError("rename failed")

    monkeypatch.setattr(output.os, "replace", broken)
    with pytest.raises(OSError, match="rename failed"):
        write(imported, tmp_path / "g.json.gz")
    assert list(tmp_path.iterdir()) == []


def test_a_directory_holding_other_files_is_not_replaced(imported, tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(DetectorError, match="not replacing it"):
        write(imported, tmp_path)
    assert (tmp_path / "notes.txt").read_text() == "mine"


def test_a_written_directory_can_be_read_by_whoever_the_umask_lets(umask_022, imported,
                                                                    tmp_path):
    path, _ = write(imported, tmp_path / "graph")
    assert path.stat().st_mode & 0o777 == 0o755
    assert {p.stat().st_mode & 0o777 for p in path.iterdir()} == {0o644}
