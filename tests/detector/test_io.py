"""Reading and writing graphs: JSON, gzipped JSON, the columnar directory, CSV pairs."""

from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np
import orjson
import pandas as pd
import pytest

from detector.errors import DetectorError, GraphValidationError
from detector.graph import AccountGraph
from detector.io import (
    MalformedInputError,
    graph_to_document,
    graph_to_frames,
    load_csv,
    load_graph,
    parse_json,
    save_graph,
)
from detector.validate import parse_graph, parse_timestamp

#: Every field of the contract at least once, whole-second times, one hidden-everything account.
DOC = {
    "format": "account-graph/1",
    "target": "brand",
    "observed_at": "2024-12-01T00:00:00Z",
    "accounts": [
        {"id": "brand", "followers_count": 51200, "following_count": 310, "posts_count": 880,
         "likes_count": 1200000, "listed_count": 40, "has_avatar": True, "verified": True,
         "private": False, "username": "brand", "bio": "Official account",
         "created_at": "2019-04-02T10:00:00Z", "label": "genuine", "split": "train",
         "platform": "instagram"},
        {"id": "u17", "followers_count": 3, "following_count": 1804, "posts_count": 0,
         "has_avatar": False, "username": "0071", "bio": "", "label": "bought", "split": "val",
         "platform": "tiktok"},
        {"id": "u5", "username_length": 9, "label": "mass_follow", "split": "test"},
        {"id": "ghost"},
    ],
    "edges": [
        {"source": "u17", "target": "brand", "type": "follow", "at": "2024-11-02T03:14:00Z",
         "rank": 2},
        {"source": "u17", "target": "brand", "type": "unfollow", "at": "2024-11-09T08:00:00Z"},
        {"source": "u5", "target": "brand", "type": "like", "weight": 3},
        {"source": "brand", "target": "u5", "type": "comment"},
        {"source": "u5", "target": "u17", "type": "share", "at": "2024-11-03T00:00:00Z"},
        {"source": "u17", "target": "u5", "type": "mention", "weight": 2},
        # Its time is estimated from its rank (written back as the rank alone).
        {"source": "ghost", "target": "brand", "type": "follow", "rank": 4},
    ],
}


def assert_same_graph(a: AccountGraph, b: AccountGraph) -> None:
    assert a.ids.tolist() == b.ids.tolist()
    for name in a.accounts.counts:
        np.testing.assert_array_equal(a.accounts.counts[name], b.accounts.counts[name])
    for name in a.accounts.flags:
        np.testing.assert_array_equal(a.accounts.flags[name], b.accounts.flags[name])
    for name in a.accounts.texts:
        assert a.accounts.texts[name].tolist() == b.accounts.texts[name].tolist()
    np.testing.assert_array_equal(a.accounts.created_at, b.accounts.created_at)
    np.testing.assert_array_equal(a.accounts.label, b.accounts.label)
    np.testing.assert_array_equal(a.accounts.split, b.accounts.split)
    for name in ("src", "dst", "type", "at", "weight", "rank", "at_estimated"):
        np.testing.assert_array_equal(getattr(a.edges, name), getattr(b.edges, name))


def test_document_round_trip_is_exact() -> None:
    graph = parse_graph(DOC)
    document = graph_to_document(graph)
    assert document == DOC  # missing fields omitted, weight 1 omitted, times in Z form
    assert_same_graph(parse_graph(document), graph)


@pytest.mark.parametrize("name", ["graph.json", "graph.json.gz", "columnar"])
def test_save_and_load_round_trip(tmp_path: Path, name: str) -> None:
    graph = parse_graph(DOC)
    path = save_graph(graph, tmp_path / name)
    back = load_graph(path)
    assert_same_graph(back, graph)
    assert back.target_id == "brand" and back.observed_at == graph.observed_at
    assert graph_to_document(back) == DOC
    assert not [p for p in tmp_path.rglob("*") if p.name.startswith(".")]  # no temp files left


def test_gzip_file_is_gzip(tmp_path: Path) -> None:
    path = save_graph(parse_graph(DOC), tmp_path / "g.json.gz")
    assert path.read_bytes()[:2] == b"\x1f\x8b"
    assert orjson.loads(gzip.decompress(path.read_bytes())) == DOC


def test_columnar_directory_layout(tmp_path: Path) -> None:
    path = save_graph(parse_graph(DOC), tmp_path / "cols")
    assert sorted(p.name for p in path.iterdir()) == ["accounts.parquet", "edges.parquet",
                                                      "graph.json"]
    assert orjson.loads((path / "graph.json").read_bytes()) == {
        "format": "account-graph/1", "target": "brand", "observed_at": "2024-12-01T00:00:00Z"}
    accounts = pd.read_parquet(path / "accounts.parquet")
    assert accounts["id"].tolist() == ["brand", "u17", "u5", "ghost"]
    assert pd.isna(accounts["followers_count"].iloc[3])
    edges = pd.read_parquet(path / "edges.parquet")
    assert list(edges.columns) == ["source", "target", "type", "at", "weight", "rank"]


def test_columnar_directory_without_metadata_or_edges(tmp_path: Path) -> None:
    pd.DataFrame({"id": ["a", "b"], "posts_count": [1, None]}).to_parquet(
        tmp_path / "accounts.parquet")
    graph = load_graph(tmp_path)
    assert graph.num_accounts == 2 and graph.num_edges == 0 and graph.target is None
    assert np.isnan(graph.observed_at)


def test_columnar_directory_refuses_other_formats(tmp_path: Path) -> None:
    pd.DataFrame({"id": ["a"]}).to_parquet(tmp_path / "accounts.parquet")
    (tmp_path / "graph.json").write_text('{"format": "account-graph/9"}')
    with pytest.raises(GraphValidationError) as info:
        load_graph(tmp_path)
    assert [str(i) for i in info.value.errors] == ["format: unsupported format 'account-graph/9'"]


def test_columnar_errors_name_row_and_column(tmp_path: Path) -> None:
    pd.DataFrame({"id": ["a", "b"], "followers_count": [3, -4]}).to_parquet(
        tmp_path / "accounts.parquet")
    pd.DataFrame({"source": ["a"], "target": ["u99"], "type": ["follow"]}).to_parquet(
        tmp_path / "edges.parquet")
    with pytest.raises(GraphValidationError) as info:
        load_graph(tmp_path)
    assert [str(i) for i in info.value.errors] == [
        "accounts[1].followers_count: must be a non-negative integer, got -4",
        "edges[0].target: unknown account 'u99'",
    ]


def write_csv_pair(graph: AccountGraph, folder: Path) -> None:
    accounts, edges = graph_to_frames(graph)
    folder.mkdir(exist_ok=True)
    accounts.to_csv(folder / "accounts.csv", index=False)
    edges.to_csv(folder / "edges.csv", index=False)


def test_csv_pair_round_trip(tmp_path: Path) -> None:
    # An empty CSV cell is missing, so an empty bio cannot survive a CSV round trip.
    doc = {**DOC, "accounts": [dict(a) for a in DOC["accounts"]]}
    del doc["accounts"][1]["bio"]
    # Nor has it a place for observed_at, the reference time the estimated follow time
    # of ``ghost`` leans on: the graph compared is the one without it.
    del doc["observed_at"]
    graph = parse_graph(doc)
    write_csv_pair(graph, tmp_path / "csv")
    for back in (load_graph(tmp_path / "csv"),
                 load_graph(tmp_path / "csv" / "accounts.csv", tmp_path / "csv" / "edges.csv"),
                 load_csv(tmp_path / "csv" / "accounts.csv", tmp_path / "csv" / "edges.csv")):
        assert_same_graph(back, graph)
        assert back.accounts.texts["username"][1] == "0071"  # not the number 71
    # The CSV pair has no place for the target or the observation time.
    expected = {k: v for k, v in doc.items() if k not in ("target", "observed_at")}
    assert graph_to_document(load_graph(tmp_path / "csv")) == expected


def test_hand_written_csv(tmp_path: Path) -> None:
    (tmp_path / "accounts.csv").write_text(
        "id,followers_count,verified,created_at,username\n"
        "a,10,yes,2024-01-01T00:00:00Z,007\n"
        "b,,,,\n"
    )
    (tmp_path / "edges.csv").write_text("source,target,type,at\nb,a,follow,2024-01-02\n")
    graph = load_graph(tmp_path)
    np.testing.assert_array_equal(graph.accounts.counts["followers_count"], [10, np.nan])
    np.testing.assert_array_equal(graph.accounts.flags["verified"], [1, np.nan])
    assert graph.accounts.texts["username"].tolist() == ["007", None]
    assert graph.edges.src.tolist() == [1] and graph.edges.at[0] == 1704153600.0


def test_hand_written_csv_follower_list(tmp_path: Path) -> None:
    (tmp_path / "accounts.csv").write_text(
        "id,created_at\nt,2024-01-01\nb,2024-01-03\nc,\nd,2024-01-05\n")
    (tmp_path / "edges.csv").write_text(
        "source,target,type,rank\nd,t,follow,2\nc,t,follow,1\nb,t,follow,0\n")
    graph = load_csv(tmp_path / "accounts.csv", tmp_path / "edges.csv", target="t",
                     observed_at=parse_timestamp("2024-01-09T00:00:00Z"))
    day = 86_400.0
    assert graph.edges.rank.tolist() == [2, 1, 0]
    # b and d were created after everyone before them: anchors at their creation; c in
    # between; the reference time is two ranks after d.
    assert ((graph.edges.at - parse_timestamp("2024-01-01")) / day).tolist() == [4.0, 3.0, 2.0]
    assert graph.edges.at_estimated.all()


def test_estimated_times_are_written_as_their_rank_only() -> None:
    graph = parse_graph(DOC)
    assert graph.edges.at_estimated.tolist() == [False] * 6 + [True]
    assert graph.edges.at[6] > graph.edges.at[0]  # after u17's follow, of rank 2
    _, edges = graph_to_frames(graph)
    assert str(edges["rank"].dtype) == "Int64"
    assert edges["rank"].tolist()[::6] == [2, 4] and edges["rank"].isna().sum() == 5
    assert pd.isna(edges["at"].iloc[6]) and not pd.isna(edges["at"].iloc[0])
    assert graph_to_document(graph)["edges"][6] == DOC["edges"][6]  # no "at"


def test_accounts_csv_alone(tmp_path: Path) -> None:
    (tmp_path / "accounts.csv").write_text("id\na\nb\n")
    assert load_graph(tmp_path / "accounts.csv").num_accounts == 2
    assert load_graph(tmp_path).num_edges == 0  # a directory with no edges.csv


def test_csv_errors(tmp_path: Path) -> None:
    (tmp_path / "accounts.csv").write_text("id,posts_count\na,-4\n")
    (tmp_path / "edges.csv").write_text("source,target,type\na,u99,poke\n")
    with pytest.raises(GraphValidationError) as info:
        load_graph(tmp_path)
    assert [str(i) for i in info.value.errors] == [
        "accounts[0].posts_count: must be a non-negative integer, got -4",
        "edges[0].type: unknown edge type 'poke'; expected one of follow, unfollow, like, "
        "comment, share, mention",
        "edges[0].target: unknown account 'u99'",
    ]


def test_json_file_errors(tmp_path: Path) -> None:
    (tmp_path / "bad.json").write_text('{"accounts": [')
    with pytest.raises(MalformedInputError, match="not valid JSON"):
        load_graph(tmp_path / "bad.json")
    (tmp_path / "nan.json").write_text('{"accounts": [{"id": "a", "posts_count": NaN}]}')
    with pytest.raises(MalformedInputError):
        load_graph(tmp_path / "nan.json")
    (tmp_path / "invalid.json").write_text('{"accounts": [{"id": "a"}], "target": "b"}')
    with pytest.raises(GraphValidationError, match="target: unknown account 'b'"):
        load_graph(tmp_path / "invalid.json")


def test_paths_that_are_not_graphs(tmp_path: Path) -> None:
    with pytest.raises(DetectorError, match="no such file or directory"):
        load_graph(tmp_path / "missing.json")
    with pytest.raises(DetectorError, match="needs accounts.parquet"):
        load_graph(tmp_path)


@pytest.mark.parametrize("raw", [b'{"a": 1}', '{"a": 1}'])
def test_parse_json_accepts_bytes_and_text(raw: bytes | str) -> None:
    assert parse_json(raw) == {"a": 1}


def test_node_link_file(tmp_path: Path) -> None:
    doc = {"directed": True, "multigraph": True, "graph": {"target": "a"},
           "nodes": [{"id": "a"}, {"id": "b"}],
           "links": [{"source": "b", "target": "a", "type": "follow", "key": 0}]}
    (tmp_path / "nl.json").write_bytes(orjson.dumps(doc))
    graph = load_graph(tmp_path / "nl.json")
    assert graph.target_id == "a" and graph.num_edges == 1


@pytest.mark.parametrize("moment", ["0999-01-01T00:00:00Z", "2400-01-01T00:00:00Z",
                                    "9999-12-31T23:59:59Z"])
def test_timestamps_at_the_ends_of_the_range_round_trip(moment):
    # Found by the validation property test: strftime wrote year 999 as "999" and
    # pandas overflowed past 2262; the document must parse back to the same times.
    import orjson

    from detector.io import graph_to_document
    from detector.validate import parse_graph

    graph = parse_graph({"observed_at": moment, "accounts": [{"id": "a", "created_at": moment}]})
    doc = graph_to_document(graph)
    assert doc["observed_at"] == doc["accounts"][0]["created_at"] == moment
    again = parse_graph(orjson.loads(orjson.dumps(doc)))
    assert again.observed_at == graph.observed_at


@pytest.mark.parametrize("name", ["g.json", "g.json.gz"])
def test_a_written_file_has_the_permissions_of_the_umask(umask_022, tmp_path: Path,
                                                         name: str) -> None:
    """Written beside and renamed into place, a file must not keep the temporary file's
    owner-only mode: a server running as another user reads it."""
    path = save_graph(parse_graph(DOC), tmp_path / name)
    assert path.stat().st_mode & 0o777 == 0o644
