"""The partitioned engine's stages in one process (no Ray): features and scores of every
part equal ``detector.features`` and ``predict_proba`` on the whole graph."""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from detector.features import FEATURE_NAMES, compute_features
from detector.io import load_graph, save_graph
from detector.validate import parse_graph
from models.estimator import FollowerClassifier
from training.partwise.exchange import owners, split_by
from training.partwise.parked import park_path, read, run_stage, write
from training.partwise.run import LocalBackend, plan_for, run, score_locally
from training.partwise.worker import PartWorker
from training.simulator import SimConfig, simulate
from training.simulator.view import View, observe

from ..detector.test_io import DOC

#: Repeats and self-loops (dropped where the target's edges are), across shards.
REPAIRED = {
    "accounts": [{"id": f"a{i}", "created_at": f"2024-01-0{1 + i % 5}T10:00:00Z"}
                 for i in range(9)],
    "edges": [{"source": f"a{i}", "target": f"a{(i * 4) % 9}", "type": "follow",
               "at": f"2024-03-01T10:{i:02d}:00Z"} for i in range(9)]
    + [{"source": "a2", "target": "a8", "type": "follow", "at": "2024-03-01T10:02:00Z"},
       {"source": "a3", "target": "a3", "type": "like"},
       {"source": "a5", "target": "a1", "type": "like", "weight": 4}],
}


def _graphs():
    rng = np.random.default_rng(0)
    audit = simulate(SimConfig(accounts=700, seed=2, audit_of="brand"))
    listed = observe(audit, View(edges="follower_list"), rng)
    return {
        "community": simulate(SimConfig(accounts=1_500, seed=1)),
        "follower-list": listed,
        # Without a target every list of 100 or more ordered followers is scanned.
        "lists": replace(listed, target=None),
        "repaired": parse_graph(REPAIRED),
        "by-day": observe(simulate(SimConfig(accounts=600, seed=3)),
                          View(created_by_day=True, missing={"followers_count": 0.3}), rng),
        "document": parse_graph(DOC),
    }


GRAPHS = _graphs()


def _run(model_dir, graph, parts, tmp_path, shards=3):
    data = save_graph(graph, tmp_path / "graph", shards=shards)
    workers = [PartWorker(str(model_dir), p, parts, keep_features=True) for p in range(parts)]
    out = tmp_path / "out"
    out.mkdir()
    stats = run(LocalBackend(workers), plan_for(data, workers[0].classifier.model_.steps),
                parts, str(out))
    return data, workers, out, stats


@pytest.mark.parametrize("name", list(GRAPHS))
@pytest.mark.parametrize("parts", [1, 4])
def test_part_features_equal_the_whole_graph_features(evidence_dir, tmp_path, name, parts):
    data, workers, _, _ = _run(evidence_dir, GRAPHS[name], parts, tmp_path)
    graph = load_graph(data)
    expected = compute_features(graph)
    got = np.zeros_like(expected)
    for w in workers:
        got[w.positions] = w.raw_features
    for k, feature in enumerate(FEATURE_NAMES):
        np.testing.assert_allclose(got[:, k], expected[:, k], rtol=1e-6, atol=1e-6,
                                   err_msg=f"{name}: {feature}")


@pytest.mark.parametrize("parts", [1, 3, 5])
def test_part_scores_equal_single_process_scores(evidence_dir, tmp_path, parts):
    graph = GRAPHS["community"]
    data, _, out, stats = _run(evidence_dir, graph, parts, tmp_path, shards=4)
    _assert_single_process_scores(evidence_dir, graph, data, out, stats)


@pytest.mark.parametrize("parked", [False, True])
def test_files_larger_than_a_piece_are_read_in_pieces(evidence_dir, tmp_path, monkeypatch,
                                                      parked):
    """One file of accounts and one of edges, each in row groups of 37 rows and read in
    pieces of at most 80: pieces of one file go to several parts, in input order."""
    import pyarrow.parquet as pq

    from training.partwise import inputs

    graph = GRAPHS["community"]
    data = save_graph(graph, tmp_path / "graph", shards=1)
    for kind in ("accounts", "edges"):
        for f in (data / kind).glob("*.parquet"):
            pq.write_table(pq.read_table(f), f, row_group_size=37)
    monkeypatch.setattr(inputs, "PIECE_ROWS", 80)
    plan = plan_for(data, 2)
    assert plan.files() == (1, 1)
    assert len(plan.accounts) == math.ceil(graph.num_accounts / 74) > 3
    assert sum(plan.account_rows) == graph.num_accounts
    out = tmp_path / "out"
    stats = score_locally(evidence_dir, data, out, parts=3, parked=parked)
    _assert_single_process_scores(evidence_dir, graph, data, out, stats)


def _assert_single_process_scores(model_dir, graph, data, out, stats) -> None:
    """The parts' score files in ``out`` hold every account once, in input order by
    ``pos``, with ``predict_proba``'s scores on the whole graph."""
    expected = FollowerClassifier.load(model_dir).predict_proba(load_graph(data))
    table = pd.concat([pd.read_parquet(f) for f in sorted(out.glob("*.parquet"))])
    table = table.sort_values("pos")
    assert table["id"].tolist() == graph.ids.astype(str).tolist()
    assert sum(s["accounts"] for s in stats) == graph.num_accounts
    assert np.abs(table.filter(like="p_").to_numpy() - expected).max() <= 1e-5


@pytest.mark.parametrize("name", ["community", "follower-list"])
def test_parked_parts_give_the_same_scores(evidence_dir, tmp_path, name):
    """Each part written to disk between its stages (its model left out) and read back:
    the scores are the single process's, and nothing is left parked."""
    graph = GRAPHS[name]
    data = save_graph(graph, tmp_path / "graph", shards=3)
    out = tmp_path / "out"
    stats = score_locally(evidence_dir, data, out, parts=3, parked=True)
    _assert_single_process_scores(evidence_dir, graph, data, out, stats)
    assert sorted(p.name for p in out.iterdir()) == [f"{p:05d}.parquet" for p in range(3)]


def test_a_parked_part_keeps_its_state_but_not_its_model(evidence_dir, tmp_path):
    data = save_graph(GRAPHS["community"], tmp_path / "graph", shards=2)
    plan = plan_for(data, 2)
    path = park_path(tmp_path / "out", 0)
    offsets = lambda rows: [0, *np.cumsum(rows)[:-1].tolist()]  # noqa: E731
    exchange = str(tmp_path / "out" / ".exchange")
    sent = run_stage(path, str(evidence_dir), 0, 1, False, "ingest", exchange, plan.accounts,
                     offsets(plan.account_rows), plan.edges, offsets(plan.edge_rows))
    run_stage(path, str(evidence_dir), 0, 1, False, "receive", *sent)
    files = sorted(p.suffix for p in path.iterdir())
    assert "state.json" in {p.name for p in path.iterdir()} and ".arrow" in files
    assert not any(p.suffix in (".pickle", ".pkl") for p in path.iterdir())
    worker = read(path)
    assert worker._classifier is None and set(worker.peaks) == {"start", "ingest", "receive"}
    assert isinstance(worker.core, pd.DataFrame)
    assert len(worker.core) == GRAPHS["community"].num_accounts
    worker.classifier  # loaded again on first use  # noqa: B018
    assert worker._classifier is not None


def test_parking_keeps_every_kind_of_value_exactly(tmp_path):
    import torch

    from detector.graph import Edges
    from training.partwise.scoring import PartScorer

    scorer = PartScorer.__new__(PartScorer)
    scorer.z = torch.arange(6, dtype=torch.float32).reshape(3, 2)
    scorer.ids = np.array(["a", "b", None], dtype=object)
    scorer.serving = [np.array([2, 0]), np.zeros(0, np.int64)]
    scorer.temperature = float("nan")
    scorer.frame = pd.DataFrame({"id": ["x", "y"], "pos": np.array([3, 1], np.int64),
                                 "at": [1.5, np.nan]})
    scorer.edges = Edges.empty()
    scorer.pair = (1, -2.5, "s", None, True)
    path = tmp_path / "parked"
    write(scorer, path)
    write(scorer, path)  # parked again over itself
    got = read(path)
    assert torch.equal(got.z, scorer.z) and got.z.dtype == torch.float32
    assert got.ids.tolist() == ["a", "b", None]
    assert [s.tolist() for s in got.serving] == [[2, 0], []]
    assert got.serving[1].dtype == np.int64 and math.isnan(got.temperature)
    pd.testing.assert_frame_equal(got.frame, scorer.frame)
    assert isinstance(got.edges, Edges) and len(got.edges) == 0
    assert got.pair == scorer.pair


def test_only_known_classes_are_parked_or_rebuilt(tmp_path):
    class Stranger:
        pass

    with pytest.raises(TypeError, match="cannot park"):
        write(_holder(Stranger()), tmp_path / "a")
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "state.json").write_text(
        '{"object": "os:system", "state": {}}')
    with pytest.raises(TypeError, match="refusing to rebuild"):
        read(tmp_path / "b")


def _holder(value):
    from training.partwise.scoring import PartScorer

    holder = PartScorer.__new__(PartScorer)
    holder.value = value
    return holder


def test_owners_are_stable_and_spread():
    ids = np.array([f"u{i}" for i in range(10_000)], dtype=object)
    owner = owners(ids, 8)
    assert owner.tolist() == owners(ids.copy(), 8).tolist()
    assert np.bincount(owner, minlength=8).min() > 1_000
    frame = pd.DataFrame({"id": ids, "k": np.arange(len(ids))})
    pieces = split_by(frame, "id", 8)
    assert sum(len(p) for p in pieces) == len(ids)
    assert all(p["k"].is_monotonic_increasing for p in pieces)


def test_an_unknown_target_or_endpoint_is_refused_as_by_the_single_process(evidence_dir,
                                                                           tmp_path):
    from detector.errors import GraphValidationError

    data = save_graph(parse_graph(DOC), tmp_path / "graph", shards=2)
    (data / "graph.json").write_bytes(b'{"format": "account-graph/1", "target": "nobody"}')
    workers = [PartWorker(str(evidence_dir), p, 2) for p in range(2)]
    with pytest.raises(GraphValidationError, match="target: unknown account 'nobody'"):
        run(LocalBackend(workers), plan_for(data, 2), 2, str(tmp_path / "out"))
    edges = pd.read_parquet(data / "edges" / "00001.parquet")
    edges.loc[0, "source"] = "stranger"
    edges.to_parquet(data / "edges" / "00001.parquet")
    (data / "graph.json").write_bytes(b'{"format": "account-graph/1"}')
    with pytest.raises(GraphValidationError, match="unknown account 'stranger'"):
        run(LocalBackend(workers), plan_for(data, 2), 2, str(tmp_path / "out"))
