"""The drift lab: the forward-chaining cut never touches test and follows age; network
and classical scorers; the rendered section marks the forward choice."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from sklearn.ensemble import RandomForestClassifier  # noqa: E402

from benchmarks.cresci import run_benchmark  # noqa: E402
from benchmarks.cresci_drift import (  # noqa: E402
    RATIO_SIGNS,
    Candidate,
    bench_method,
    classical,
    forward_parts,
    network,
)
from benchmarks.cresci_methods import FOREST_GRID, RATIO_SIGNALS  # noqa: E402
from benchmarks.cresci_report import drift_section  # noqa: E402
from detector.features import compute_features  # noqa: E402
from detector.frames import graph_from_frames  # noqa: E402


@pytest.fixture
def graph():
    """80 accounts over the four source subsets (ids 0, 70, 140, ...), ages falling with
    the index inside each split; 50/20/10 train/val/test; bought: few followers."""
    n = 80
    bought = np.arange(n) % 2 == 1
    rng = np.random.default_rng(1)
    days = 4000 - 10 * np.arange(n)
    accounts = pd.DataFrame({
        "id": [str(i * 66) for i in range(n)],
        "label": np.where(bought, "bought", "genuine"),
        "split": ["train"] * 50 + ["val"] * 20 + ["test"] * 10,
        "followers_count": np.where(bought, rng.integers(0, 5, n), rng.integers(50, 500, n)),
        "following_count": np.where(bought, rng.integers(300, 900, n), rng.integers(20, 300, n)),
        "listed_count": 0,
        "created_at": pd.Timestamp("2020-09-01", tz="UTC") - pd.to_timedelta(days, unit="D"),
    })
    genuine = accounts["id"][~bought].to_numpy()
    edges = pd.DataFrame({"source": genuine[:-1], "target": genuine[1:], "type": "follow"})
    return graph_from_frames(accounts, edges, observed_at=pd.Timestamp("2020-09-01").timestamp())


def test_forward_parts_cut_train_and_val_by_age_and_leave_test_out(graph):
    features = compute_features(graph)
    parts = forward_parts(graph, features)
    test = set(np.flatnonzero(graph.accounts.split == 2).tolist())
    every = np.concatenate(list(parts.values()))
    assert len(every) == len(set(every.tolist())) == 70 and not test & set(every.tolist())
    assert abs(len(parts["fit"]) - 42) <= 4 and abs(len(parts["judge"]) - 14) <= 4
    node = graph.ids.astype(np.int64)
    for lo, hi in ((0, 1480), (1481, 1949), (1950, 3286), (3287, 5300)):
        inside = {k: v[(node[v] >= lo) & (node[v] <= hi)] for k, v in parts.items()}
        # Within a subset every fit account is older than every judge account.
        if len(inside["fit"]) and len(inside["judge"]):
            assert inside["fit"].max() < inside["judge"].min()


def test_network_scorer_ensemble_and_bench_row(graph):
    torch.set_num_threads(1)
    scorer = network("gated", RATIO_SIGNALS, RATIO_SIGNS, ensemble=2, hidden=8, epochs=30,
                     patience=30)
    row_method = bench_method(Candidate("gated", "tiny", scorer), "tiny gated")
    (row,) = run_benchmark(seeds=1, methods=(row_method,), graph=graph, say=lambda line: None)
    assert row.runs[0].chosen.startswith("epoch ") and "/" in row.runs[0].chosen
    assert row.runs[0].test["roc_auc"] > 0.9  # separable by followers


def test_classical_scorer_smooths_with_alpha_chosen_on_stop(graph):
    scorer = classical(lambda s, seed: RandomForestClassifier(10, random_state=seed, **s),
                       FOREST_GRID[:2], RATIO_SIGNALS, smooth=True)
    features = compute_features(graph)
    parts = forward_parts(graph, features)
    p, chosen = scorer(graph, features, parts["fit"], parts["stop"], 0)
    assert p.shape == (80,) and "alpha=" in chosen and "min_samples_leaf=" in chosen


def test_drift_section_marks_the_forward_choice(tmp_path):
    runs = lambda fwd, val: [{"forward_f1": fwd, "val_f1": val, "test_f1": 0.5}]  # noqa: E731
    path = tmp_path / "drift.json"
    path.write_text(json.dumps({
        "command": "python -m benchmarks.cresci_drift", "seeds": 1, "date": "2026-11-22",
        "minutes": 1.0, "shares": [0.6, 0.2, 0.2], "candidates": [
            {"name": "A", "detail": "a", "runs": runs(0.9, 0.99)},
            {"name": "B", "detail": "b", "runs": runs(0.95, 0.98)}]}))
    text = "\n".join(drift_section(path))
    assert "| B (*selected*) | 1 | 95.00 ± 0.00 | 98.00 |" in text
    assert "Forward chaining selects **B**; validation alone would select **A**" in text
    assert drift_section(tmp_path / "absent.json") == []
