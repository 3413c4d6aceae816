"""Which per-account features give simulated accounts away (for tuning the simulator).

    .venv/bin/python benchmarks/hard_signals.py [--accounts 8000] [--difficulty hard]

Fits a random forest on ``detector.features`` of one noise-free simulated graph and
prints the most important features with their per-class mean and standard deviation.
A feature whose value is constant within one class (std 0, e.g. bought accounts with
exactly zero reciprocity) is a single-account tell: a graph-blind model on the same
features catches it, so a GNN has nothing left to add there (docs/quality.md).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from detector.features import FEATURE_NAMES, compute_features  # noqa: E402
from detector.schema import LABELS  # noqa: E402
from training.simulator import SimConfig, simulate  # noqa: E402


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--accounts", type=int, default=8_000)
    parser.add_argument("--difficulty", default="hard")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--top", type=int, default=12)
    args = parser.parse_args(argv)
    from sklearn.ensemble import RandomForestClassifier

    graph = simulate(SimConfig(accounts=args.accounts, seed=args.seed,
                               difficulty=args.difficulty, behaviour={"label_noise": 0.0}))
    x, y = compute_features(graph), graph.accounts.label
    forest = RandomForestClassifier(200, random_state=0, n_jobs=1).fit(x, y)
    order = np.argsort(forest.feature_importances_)[::-1][: args.top]
    print(f"{args.difficulty}, {args.accounts:,} accounts, seed {args.seed}, no label noise")
    print(f"{'feature':<24}{'importance':>10}  " + "  ".join(f"{c:>18}" for c in LABELS))
    for i in order:
        cells = [f"{x[y == c, i].mean():8.2f} ± {x[y == c, i].std():6.2f}"
                 for c in range(len(LABELS))]
        print(f"{FEATURE_NAMES[i]:<24}{forest.feature_importances_[i]:>10.3f}  "
              + "  ".join(f"{cell:>18}" for cell in cells))


if __name__ == "__main__":
    main()
