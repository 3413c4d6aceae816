"""Snapshot graphs: kept compressed beside the snapshot, and each labelled account found
in the newest kept graph it is in (a follower or the target), on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from store import graphs_of
from store.graphs import add_graph, decode_document, encode_document, get_graph, prune_graphs
from store.snapshots import NewSnapshot, add_snapshot


def document(followers: list[str], day: int) -> dict:
    return {"format": "account-graph/1", "target": "star", "observed_at": f"2024-06-0{day}",
            "accounts": [{"id": "star"}, *({"id": f, "posts_count": day} for f in followers)],
            "edges": [{"source": f, "target": "star", "type": "follow"} for f in followers]}


def snapshot(store, day: int, followers: list[str], keep: bool = True) -> int:
    def write(session) -> int:
        row = add_snapshot(session, NewSnapshot(
            target="star", observed_at=day * 86_400.0, followers=followers, audit={},
            summary={}, model_id="m", model_version="v"))
        if keep:
            add_graph(session, row.id, encode_document(document(followers, day)))
        return row.id

    return store.write(write)


def test_a_document_round_trips_compressed():
    doc = document([f"f{i}" for i in range(500)], 1)
    blob = encode_document(doc)
    assert decode_document(blob) == doc
    assert len(blob) < len(str(doc)) / 5
    with pytest.raises(ValueError, match="layout"):
        decode_document(b"\x09" + blob[1:])


def test_each_labelled_account_is_found_in_the_newest_kept_graph_it_is_in(store):
    first = snapshot(store, 1, ["a", "b", "c"])
    second = snapshot(store, 2, ["b", "c", "d"])
    snapshot(store, 3, ["c", "e"], keep=False)  # no graph kept: e cannot be trained on
    with store.read() as session:
        assert get_graph(session, first) == document(["a", "b", "c"], 1)
        found = graphs_of(session, ["a", "b", "c", "d", "e", "star", "nobody"])
    placed = {g.snapshot_id: g.accounts for g in found.graphs}
    assert placed == {second: ["b", "c", "d", "star"], first: ["a"]}
    assert found.missing == ["e", "nobody"]
    newest = next(g for g in found.graphs if g.snapshot_id == second)
    assert newest.target == "star" and newest.document == document(["b", "c", "d"], 2)


def test_pruning_keeps_the_newest_graphs_of_a_target_and_every_snapshot(store):
    ids = [snapshot(store, day, ["a", f"x{day}"]) for day in (3, 1, 4, 2)]
    assert store.write(lambda session: prune_graphs(session, "star", 2)) == 2
    assert store.write(lambda session: prune_graphs(session, "star", 2)) == 0
    with store.read() as session:
        kept = [i for i in ids if get_graph(session, i) is not None]
        found = graphs_of(session, ["a", "x1", "x4"])
    assert kept == [ids[0], ids[2]]  # days 3 and 4
    assert [g.accounts for g in found.graphs] == [["a", "x4"]] and found.missing == ["x1"]
