"""The feature pass on Ray Data (``training.partwise.dataset``): its columns equal
``detector.features.compute_features`` on the whole graph, on a local Ray instance; its
creation buckets see every date within reach (without Ray)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from detector.features import FEATURE_NAMES, compute_features
from detector.io import load_graph, save_graph
from detector.lockstep import BATCH_BASELINE, DAY, creation_batch_sizes, creation_excess
from detector.validate import parse_graph
from training.partwise import dataset
from training.partwise.dataset import (
    COLUMNS,
    HOW,
    MAXIMA,
    MINIMA,
    SUMS,
    bucket_rows,
    combine,
    creation_group,
    edge_rows,
)
from training.partwise.run import LocalBackend, plan_for, run
from training.partwise.worker import PartWorker


def _edge(source, target, kind="follow", at=None, **more):
    return {"source": source, "target": target, "type": kind,
            **({} if at is None else {"at": at}), **more}


#: Accounts without edges or creation dates, exact repeats (dropped) and follows
#: repeated at another time (kept), follows without a time, mutual follows, unfollows,
#: every interaction type with weights, a self-loop (dropped).
EDGE_CASES = {
    "accounts": [{"id": f"u{i}", **({"created_at": f"2024-0{1 + i % 3}-0{1 + i % 7}T1{i % 10}"
                                                    f":00:00Z"} if i % 4 else {}),
                  **({"followers_count": 3 * i} if i % 3 else {})} for i in range(14)],
    "edges": [
        _edge("u1", "u2", at="2024-05-01T10:00:00Z"),
        _edge("u1", "u2", at="2024-05-01T10:00:00Z"),  # exact repeat: dropped
        _edge("u1", "u2", at="2024-05-03T10:00:00Z"),  # another time: kept
        _edge("u2", "u1", at="2024-05-01T10:20:00Z"),
        _edge("u3", "u2", at="2024-05-01T10:05:00Z"),
        _edge("u4", "u2", at="2024-05-01T10:10:00Z"),
        _edge("u5", "u2"),  # no time
        _edge("u5", "u3"),
        _edge("u2", "u5"),
        _edge("u6", "u2", "unfollow", at="2024-05-04T10:00:00Z"),
        _edge("u6", "u2", at="2024-05-01T10:11:00Z"),
        _edge("u7", "u2", "like", at="2024-05-01T10:12:00Z", weight=4),
        _edge("u8", "u2", "like", at="2024-05-01T10:13:00Z", weight=2),
        _edge("u8", "u1", "comment", weight=3),
        _edge("u9", "u3", "share", at="2024-05-02T09:00:00Z"),
        _edge("u10", "u1", "mention", at="2024-05-02T09:30:00Z"),
        _edge("u11", "u11", "like"),  # self-loop: dropped
        _edge("u3", "u4", at="2024-05-01T10:06:00Z"),
        _edge("u4", "u3", at="2024-05-06T10:06:00Z"),
    ],  # u12 and u13: no edges
}


@pytest.mark.slow
def test_ray_data_columns_equal_compute_features(local_ray, evidence_dir, tmp_path,
                                                 monkeypatch):
    pytest.importorskip("polars", reason="Ray Data's join needs polars: pip install .[scale]")
    # Batches of four rows: an account's rows are combined in several batches, then merged.
    monkeypatch.setattr(dataset, "BATCH_ROWS", 4)
    data = save_graph(parse_graph(EDGE_CASES), tmp_path / "graph", shards=3)
    graph = load_graph(data)
    parts = 3
    workers = [PartWorker(str(evidence_dir), p, parts, keep_features=True, dataset=True)
               for p in range(parts)]
    out = tmp_path / "out"
    out.mkdir()
    run(LocalBackend(workers), plan_for(data, 2), parts, str(out), dataset=True)
    got = np.zeros((graph.num_accounts, len(FEATURE_NAMES)), np.float32)
    for worker in workers:
        got[worker.positions] = worker.raw_features
    expected = compute_features(graph)
    for name in COLUMNS:
        column = FEATURE_NAMES.index(name)
        np.testing.assert_allclose(got[:, column], expected[:, column], atol=1e-6,
                                   err_msg=name)
    np.testing.assert_allclose(got, expected, atol=1e-6)
    # The pass's input and output went with the exchange directory.
    assert sorted(p.name for p in out.iterdir()) == [f"{p:05d}.parquet" for p in range(parts)]


@pytest.mark.parametrize("by_day", [False, True])
def test_creation_buckets_see_every_date_in_reach(by_day):
    rng = np.random.default_rng(0)
    days = rng.integers(0, 200, 400) * DAY
    created = days if by_day else days + rng.uniform(0, DAY, 400)
    created[::17] = np.nan
    rows = pd.DataFrame(bucket_rows({"key": np.arange(400), "created_at": created}))
    group = creation_group(by_day)
    pieces = [pd.DataFrame(group({c: g[c].to_numpy() for c in g.columns}))
              for _, g in rows.groupby("bucket")]
    got = pd.concat(pieces).set_index("key").sort_index()
    known = np.flatnonzero(~np.isnan(created))
    assert got.index.tolist() == known.tolist()  # every dated account once
    assert rows["bucket"].nunique() > 3  # several buckets of BATCH_BASELINE
    assert BATCH_BASELINE < 200 * DAY
    np.testing.assert_allclose(got["excess"], creation_excess(created)[known])
    np.testing.assert_allclose(got["batch"], creation_batch_sizes(created)[known])


def _random_rows(rng, n):
    rows = {"key": rng.integers(0, n // 4, n)}
    rows.update({name: rng.uniform(0, 5, n) for name in (*SUMS, *MAXIMA, *MINIMA)})
    return rows


def test_combine_merges_rows_of_a_key_as_the_group_by_does():
    rng = np.random.default_rng(3)
    rows = _random_rows(rng, 400)
    merged = pd.DataFrame(combine(rows))
    assert merged["key"].is_unique
    assert set(merged["key"]) == set(rows["key"])
    expected = pd.DataFrame(rows).groupby("key").agg({k: v for k, v in HOW.items() if k != "key"})
    got = merged.set_index("key").sort_index()[expected.columns]
    np.testing.assert_allclose(got.to_numpy(), expected.to_numpy(), rtol=1e-12)
    # Combining pieces, then the whole, gives what one pass over all rows gives.
    halves = [combine({k: v[i::2] for k, v in rows.items()}) for i in range(2)]
    again = pd.DataFrame(combine({k: np.concatenate([h[k] for h in halves]) for k in rows}))
    np.testing.assert_allclose(again.set_index("key").sort_index()[expected.columns].to_numpy(),
                               expected.to_numpy(), rtol=1e-12)


def test_edge_rows_send_one_row_per_account_of_the_batch():
    batch = {"source": np.array([1, 1, 2, 3]), "target": np.array([9, 9, 9, 1]),
             "type": np.zeros(4, np.int8), "at": np.array([10.0, 20.0, np.nan, 5.0]),
             "weight": np.ones(4, np.int64), "sync": np.array([0.5, 0.25, 0.0, 1.0]),
             "like_sync": np.zeros(4), "excess": np.array([1.0, 3.0, 0.0, 2.0]),
             "cohort": np.zeros(4)}
    rows = pd.DataFrame(edge_rows(batch)).set_index("key")
    assert sorted(rows.index) == [1, 2, 3, 9]
    assert rows.loc[9, "f_in"] == 3 and rows.loc[9, "f_out"] == 0
    # Account 1 follows twice (out) and is followed once (in).
    assert (rows.loc[1, "f_out"], rows.loc[1, "f_in"], rows.loc[1, "degree"]) == (2, 1, 3)
    assert (rows.loc[1, "first"], rows.loc[1, "last"]) == (10.0, 20.0)
    assert (rows.loc[1, "sync_sum"], rows.loc[1, "excess_max"]) == (0.75, 3.0)
    assert rows.loc[2, "timed"] == 0 and rows.loc[2, "first"] == np.inf


@pytest.mark.parametrize("preset", [None, str(1 << 20)])
def test_reads_are_planned_in_small_tasks_and_the_environment_is_left_alone(
        monkeypatch, tmp_path, preset):
    # Ray Data reads the size of its Parquet read tasks from the environment when it
    # plans a read: ours while the pass's inputs are planned, unless the user set one.
    pytest.importorskip("ray")
    import os

    import ray.data

    if preset is None:
        monkeypatch.delenv(dataset.READ_BYTES_VARIABLE, raising=False)
    else:
        monkeypatch.setenv(dataset.READ_BYTES_VARIABLE, preset)
    planned = []
    monkeypatch.setattr(ray.data, "read_parquet", lambda path: planned.append(
        (path, os.environ.get(dataset.READ_BYTES_VARIABLE))) or path)
    edges, accounts = dataset.read_inputs(tmp_path)
    expected = preset or str(dataset.READ_BYTES)
    assert planned == [(str(tmp_path / "edges"), expected),
                       (str(tmp_path / "accounts"), expected)]
    assert (edges, accounts) == (str(tmp_path / "edges"), str(tmp_path / "accounts"))
    assert os.environ.get(dataset.READ_BYTES_VARIABLE) == preset
