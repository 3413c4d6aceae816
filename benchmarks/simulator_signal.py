"""How much each difficulty leaves to the profile alone and how much the graph adds.

    .venv/bin/python -m benchmarks.simulator_signal --accounts 20000 \\
        --json benchmarks/results/simulator_signal.json

For each difficulty, a gradient-boosted tree model (scikit-learn) is trained on one
simulated graph (seed 1) and scored on another (seed 2) with three feature sets of
``detector.features``: the profile and flag groups only (what a graph-blind model sees),
the graph and time groups only, and all of them. Macro-F1 over the three classes. This is
a cheap stand-in for the GNN-vs-MLP comparison; ``--gnn`` runs that one too: the
project's RGCN and a graph-blind MLP (profile and flag features only), each trained by
``models.estimator.FollowerClassifier`` on one graph with its own train/val/test split.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.metrics import f1_score

from detector.features import FEATURE_GROUPS, compute_features
from training.simulator import BEHAVIOURS, SimConfig, simulate

FEATURE_SETS = {
    "profile": FEATURE_GROUPS["profile"] + FEATURE_GROUPS["flags"],
    "graph+time": FEATURE_GROUPS["graph"] + FEATURE_GROUPS["time"],
    "all": sorted(i for group in FEATURE_GROUPS.values() for i in group),
}


def measure(accounts: int, difficulties: list[str]) -> list[dict[str, Any]]:
    rows = []
    for difficulty in difficulties:
        train, test = (simulate(SimConfig(accounts=accounts, seed=s, difficulty=difficulty))
                       for s in (1, 2))
        x_train, x_test = compute_features(train), compute_features(test)
        for name, columns in FEATURE_SETS.items():
            model = HistGradientBoostingClassifier(max_iter=200, random_state=0)
            model.fit(x_train[:, columns], train.accounts.label)
            predicted = model.predict(x_test[:, columns])
            per_class = f1_score(test.accounts.label, predicted, average=None)
            row = {"difficulty": difficulty, "features": name,
                   "macro_f1": round(float(np.mean(per_class)), 4),
                   "f1_genuine_bought_mass": [round(float(v), 4) for v in per_class]}
            rows.append(row)
            print(f"{difficulty:9s} {name:10s} macro-F1 {row['macro_f1']:.4f} "
                  f"per class {row['f1_genuine_bought_mass']}", flush=True)
    return rows


def measure_gnn(accounts: int, difficulties: list[str]) -> list[dict[str, Any]]:
    """Test macro-F1 of the RGCN and of the graph-blind MLP per difficulty."""
    import torch

    from models.config import ModelConfig
    from models.estimator import FollowerClassifier

    torch.set_num_threads(1)
    models = {"rgcn": {"model": "rgcn"},
              "mlp (profile + flags)": {"model": "mlp", "feature_groups": ("profile", "flags")}}
    rows = []
    for difficulty in difficulties:
        graph = simulate(SimConfig(accounts=accounts, seed=20_250_601, difficulty=difficulty))
        for name, kwargs in models.items():
            config = ModelConfig(epochs=90, patience=15, **kwargs)
            classifier = FollowerClassifier(config).fit(graph, progress=False,
                                                        log=lambda *_: None)
            metrics = classifier.metadata_["metrics"]
            row = {"difficulty": difficulty, "model": name,
                   "val_macro_f1": round(metrics["val"]["macro_f1"], 4),
                   "test_macro_f1": round(metrics["test"]["macro_f1"], 4)}
            rows.append(row)
            print(f"{difficulty:9s} {name:22s} test macro-F1 {row['test_macro_f1']:.4f}",
                  flush=True)
    return rows


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=20_000)
    parser.add_argument("--difficulties", nargs="+", default=list(BEHAVIOURS))
    parser.add_argument("--gnn", action="store_true",
                        help="also train the RGCN and the graph-blind MLP (minutes)")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    report: dict[str, Any] = {"benchmark": "simulator_signal", "accounts": args.accounts,
                              "rows": measure(args.accounts, args.difficulties)}
    if args.gnn:
        report["gnn_rows"] = measure_gnn(args.accounts, args.difficulties)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report, indent=2) + "\n")


if __name__ == "__main__":
    main()
