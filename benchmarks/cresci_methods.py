"""The Cresci-2015 benchmark's shared pieces: its signal sets, subsets and metrics, and
the ``Method`` rows (a ``FollowerClassifier``, a scikit-learn model on feature columns,
graph smoothing on top of another row) that ``benchmarks.cresci``, ``cresci_lab``,
``cresci_drift`` and ``cresci_report`` build on. Kept apart so that the command module
imports its report and experiments, and they import only this.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from sklearn.ensemble import (
    GradientBoostingClassifier,
    HistGradientBoostingClassifier,
    RandomForestClassifier,
)
from sklearn.metrics import accuracy_score, f1_score, precision_score, recall_score, roc_auc_score

from detector.features import FEATURE_INDEX
from detector.graph import AccountGraph
from detector.schema import LABEL_CODE, SPLIT_CODE
from models.config import ModelConfig
from models.estimator import FollowerClassifier

ROOT = Path(__file__).resolve().parents[1]
BOUGHT = LABEL_CODE["bought"]
#: The six signals the data set publishes, as feature columns (trees ignore the log).
SIX_SIGNALS = ("log_followers", "log_following", "log_listed", "log_age_days", "name_length",
               "has_avatar")
#: The six signals with following entered only relative to followers (``follow_ratio``):
#: under this split's drift, absolute following is the signal that extrapolates worst.
RATIO_SIGNALS = ("log_followers", "follow_ratio", "log_listed", "log_age_days", "name_length",
                 "has_avatar")
#: Monotone constraints on ``RATIO_SIGNALS`` (-1: P(bought) never rises with it), from
#: domain knowledge, not from data: more followers, more followers per followee and more
#: lists never make an account look more bought. Age, name and avatar are left free.
MONOTONE = (-1, -1, -1, 0, 0, 0)
#: Neighbour weights tried for graph smoothing (0: the profile model alone).
SMOOTHING_ALPHAS = (0.0, 0.2, 0.5, 0.8)
METRICS = ("accuracy", "precision", "recall", "f1", "roc_auc")
#: Source subsets by node id (data README): where the test errors fall.
SUBSETS = (("E13", 0, 1480), ("TFP", 1481, 1949), ("INT", 1950, 3286), ("TWT+FSF", 3287, 5300))


@dataclass(frozen=True)
class Method:
    """One row of the table: how to get P(bought) for every account from one seed."""

    name: str
    detail: str
    scores: Callable[[AccountGraph, np.ndarray, int], tuple[np.ndarray, str]]


@dataclass
class Run:
    method: str
    seed: int
    seconds: float  # wall time
    cpu_seconds: float  # CPU time of this process (all threads)
    val_f1: float
    test: dict[str, float]
    chosen: str  # what validation chose (epoch, settings)
    test_errors: dict[str, int]  # wrong test predictions per source subset


@dataclass
class Row:
    method: Method
    runs: list[Run] = field(default_factory=list)

    def mean_std(self, metric: str) -> tuple[float, float]:
        values = np.array([r.test[metric] for r in self.runs])
        return float(values.mean()), float(values.std(ddof=1)) if len(values) > 1 else 0.0


def estimator_method(name: str, detail: str, **config) -> Method:
    """A ``FollowerClassifier`` row: ``ModelConfig(**config, seed=seed)``."""

    def scores(graph: AccountGraph, features: np.ndarray, seed: int):
        model = FollowerClassifier(ModelConfig(**config, seed=seed))
        model.fit(graph, progress=False, log=lambda line: None)
        proba = model.predict_proba(graph, features)
        metrics = model.metadata_["metrics"]
        return proba[:, model.classes_.index("bought")], f"epoch {metrics['best_epoch']}"

    return Method(name, detail, scores)


def forest_method(name: str, detail: str, make: Callable[[dict, int], object],
                  grid: list[dict], columns: tuple[str, ...] | None = None,
                  refit_on_val: bool = False) -> Method:
    """A scikit-learn row: every setting in ``grid`` is fitted on train and the one with
    the best validation F1 (first on ties) scores the test accounts. With
    ``refit_on_val`` the chosen setting is then refitted on train + val (a different
    protocol, kept to reproduce the reference figure of the data README)."""

    def scores(graph: AccountGraph, features: np.ndarray, seed: int):
        x = features if columns is None else features[:, [FEATURE_INDEX[c] for c in columns]]
        y, split = graph.accounts.label, graph.accounts.split
        train, val = split == SPLIT_CODE["train"], split == SPLIT_CODE["val"]
        best = (-1.0, None, None)
        for settings in grid:
            model = make(settings, seed).fit(x[train], y[train] == BOUGHT)
            proba = model.predict_proba(x)[:, 1]
            val_f1 = f1_score(y[val] == BOUGHT, proba[val] > 0.5)
            if val_f1 > best[0]:
                best = (val_f1, proba, settings)
        chosen = ", ".join(f"{k}={v}" for k, v in best[2].items()) or "defaults"
        if not refit_on_val:
            return best[1], chosen
        pool = train | val
        model = make(best[2], seed).fit(x[pool], y[pool] == BOUGHT)
        # Validation is now training data: report the selection fit's val scores there.
        proba = model.predict_proba(x)[:, 1]
        proba[val] = best[1][val]
        return proba, chosen + ", refit on train+val"

    return Method(name, detail, scores)


def smoothed_method(name: str, detail: str, base: Method,
                    alphas: tuple[float, ...] = SMOOTHING_ALPHAS) -> Method:
    """``base``'s scores smoothed over the follow graph (``benchmarks.cresci_smooth``),
    the neighbours' weight ``alpha`` chosen on val after ``base`` chose its own settings;
    ``alpha = 0`` (no smoothing) is in the grid, so val may turn the graph down."""
    from benchmarks.cresci_smooth import smooth_scores

    def scores(graph: AccountGraph, features: np.ndarray, seed: int):
        p, chosen = base.scores(graph, features, seed)
        y, split = graph.accounts.label == BOUGHT, graph.accounts.split
        train, val = split == SPLIT_CODE["train"], split == SPLIT_CODE["val"]
        smoothed = [smooth_scores(graph, p, train, y, a) for a in alphas]
        f1 = [f1_score(y[val], q[val] > 0.5) for q in smoothed]
        best = int(np.argmax(f1))  # first on ties: the least smoothing
        return smoothed[best], f"{chosen}, alpha={alphas[best]}"

    return Method(name, detail, scores)


def _forest(settings: dict, seed: int) -> RandomForestClassifier:
    return RandomForestClassifier(n_estimators=300, random_state=seed, n_jobs=-1, **settings)


def _boosting(settings: dict, seed: int) -> GradientBoostingClassifier:
    return GradientBoostingClassifier(subsample=0.8, random_state=seed, **settings)


def monotone_boosting(settings: dict, seed: int) -> HistGradientBoostingClassifier:
    return HistGradientBoostingClassifier(monotonic_cst=list(MONOTONE), random_state=seed,
                                          **settings)


FOREST_GRID = [{"min_samples_leaf": k} for k in (1, 3, 10)]
BOOSTING_GRID = [{"max_depth": d} for d in (2, 3, 5)]
MONOTONE_GRID = [{"max_depth": d, "learning_rate": r} for d in (2, 3, None) for r in (0.05, 0.1)]

def score_metrics(y: np.ndarray, p_bought: np.ndarray) -> dict[str, float]:
    """Accuracy, precision, recall, F1 (bought positive) and ROC-AUC of P(bought)."""
    truth, pred = y == BOUGHT, p_bought > 0.5
    return {
        "accuracy": accuracy_score(truth, pred),
        "precision": precision_score(truth, pred, zero_division=0),
        "recall": recall_score(truth, pred),
        "f1": f1_score(truth, pred),
        "roc_auc": roc_auc_score(truth, p_bought),
    }
