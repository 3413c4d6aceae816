"""The Cresci benchmark machinery on a tiny hand-made graph with an official split."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.ensemble import RandomForestClassifier

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from benchmarks.cresci import run_benchmark  # noqa: E402
from benchmarks.cresci_methods import (  # noqa: E402
    METRICS,
    estimator_method,
    forest_method,
    score_metrics,
)
from benchmarks.cresci_report import render  # noqa: E402
from detector.frames import graph_from_frames  # noqa: E402


def tiny_forest(settings: dict, seed: int) -> RandomForestClassifier:
    return RandomForestClassifier(n_estimators=10, random_state=seed, **settings)


FOREST = forest_method("forest", "tiny forest", tiny_forest,
                       [{"max_depth": 2}, {"max_depth": None}])


@pytest.fixture
def graph():
    """60 accounts: bought ones have few followers and follow many; ids are node numbers
    spread over the source subsets; 36/12/12 train/val/test."""
    n = 60
    bought = np.arange(n) % 2 == 1
    rng = np.random.default_rng(0)
    accounts = pd.DataFrame({
        "id": [str(i * 88) for i in range(n)],
        "label": np.where(bought, "bought", "genuine"),
        "split": ["train"] * 36 + ["val"] * 12 + ["test"] * 12,
        "followers_count": np.where(bought, rng.integers(0, 5, n), rng.integers(50, 500, n)),
        "following_count": np.where(bought, rng.integers(400, 900, n), rng.integers(20, 300, n)),
        "created_at": "2015-01-01T00:00:00Z",
    })
    genuine = accounts["id"][~bought].to_numpy()
    edges = pd.DataFrame({"source": genuine[:-1], "target": genuine[1:], "type": "follow"})
    return graph_from_frames(accounts, edges, observed_at=pd.Timestamp("2020-09-01").timestamp())


def test_metrics_bought_positive():
    y = np.array([1, 1, 0, 0])  # bought is code 1
    got = score_metrics(y, np.array([0.9, 0.2, 0.1, 0.6]))
    assert got == {"accuracy": 0.5, "precision": 0.5, "recall": 0.5, "f1": 0.5, "roc_auc": 0.75}


def test_forest_row_is_chosen_on_validation(graph):
    rows = run_benchmark(seeds=2, methods=(FOREST,), graph=graph, say=lambda line: None)
    (row,) = rows
    assert [r.seed for r in row.runs] == [0, 1]
    for run in row.runs:
        assert set(run.test) == set(METRICS)
        assert run.test["f1"] == 1.0  # separable by construction
        assert run.chosen.startswith("max_depth=")
        assert sum(run.test_errors.values()) == 0
    mean, std = row.mean_std("f1")
    assert (mean, std) == (1.0, 0.0)


def test_refit_keeps_validation_scores_of_the_selection_fit(graph):
    method = forest_method("refit", "tiny", tiny_forest, [{"max_depth": 2}], refit_on_val=True)
    (row,) = run_benchmark(seeds=1, methods=(method,), graph=graph, say=lambda line: None)
    assert row.runs[0].chosen.endswith("refit on train+val")


def test_estimator_row_and_report(graph):
    gnn = estimator_method("mlp", "tiny MLP", model="mlp", epochs=5, patience=5, hidden=8)
    rows = run_benchmark(seeds=1, methods=(gnn, FOREST), graph=graph, say=lambda line: None)
    assert rows[0].runs[0].chosen.startswith("epoch ")
    text = render(rows, command="python -m benchmarks.cresci --seeds 1", total_seconds=3.0,
                  machine="test machine", graph=graph)
    assert "`python -m benchmarks.cresci --seeds 1`" in text
    assert "| mlp |" in text and "| forest |" in text
    assert "| forest | 0.0 | 0.0 | 0.0 | 0.0 |" in text  # no test error in any subset
    assert "BotRGCN" in text  # the published reference table
    assert "60 accounts (36 train / 12 val / 12 test)" in text
    assert "29 follow edges" in text
    # The drift table: 18 train accounts per class; bought ones follow >= 400.
    assert "| train | bought | 18 |" in text
    assert text.split("| train | bought | 18 |")[1].split("\n")[0].endswith("| 0.0% |")


def test_smoothed_row_chooses_alpha_on_validation(graph):
    from benchmarks.cresci_methods import smoothed_method

    method = smoothed_method("smoothed", "tiny", FOREST, alphas=(0.0, 0.5))
    (row,) = run_benchmark(seeds=1, methods=(method,), graph=graph, say=lambda line: None)
    run = row.runs[0]
    assert run.chosen.startswith("max_depth=") and "alpha=0.0" in run.chosen  # ties: least
    assert run.test["f1"] == 1.0


def test_lab_section_is_rendered_from_the_saved_trials(tmp_path):
    import json

    from benchmarks.cresci_report import lab_section

    assert lab_section(tmp_path / "absent.json") == []
    saved = tmp_path / "cresci_lab.json"
    saved.write_text(json.dumps({"command": "python -m benchmarks.cresci_lab", "seeds": 2,
                                 "date": "2026-01-01", "minutes": 0.5, "trials": [{
                                     "learner_name": "MLP", "features": "six", "note": "",
                                     "select": "f1", "columns": ["log_followers"],
                                     "runs": [{"val_f1": 0.98, "test_f1": 0.80},
                                              {"val_f1": 0.99, "test_f1": 0.90}]}]}))
    text = "\n".join(lab_section(saved))
    assert "`python -m benchmarks.cresci_lab`" in text
    assert "| MLP | six | defaults | 98.50 | 85.00 ± 7.07 | 80.0, 90.0 |" in text
    assert "*six* = `log_followers`" in text
