"""The sets the transfer benchmark judges on, the baselines it compares with, and the
binary metrics with bootstrap intervals.

Real sets (zero-shot: the default model never trains on them): Cresci-2015 with its
follow graph, the same accounts as a bare profile list and as a list of counts only, and
InstaFake (profiles only), also without the names' digit counts it publishes and as
counts only.
Simulated views (seeds apart from the training mix's): a fresh ``realistic`` graph, the
same graph without timestamps, as bare profiles and as counts only, an influencer's
audience seen as a follower list, and a lurker-heavy audience.

"Positive" is any verdict but genuine (bought or mass follower): the real sets label
only genuine and fake.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from sklearn.ensemble import RandomForestClassifier
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import StratifiedKFold, cross_val_predict

from detector.features import FEATURE_GROUPS, compute_features
from detector.graph import AccountGraph, Edges
from detector.schema import LABEL_CODE
from training.simulator import SimConfig, simulate_roles
from training.simulator.view import View, counts_only, observe

#: Seeds of the simulated evaluation graphs (the training mix draws from 20250601).
REALISTIC_SEED, LURKER_SEED, AUDIT_SEED = 424_242, 515_151, 616_161


@dataclass
class EvalSet:
    """One labelled set to score: which rows count and who is positive."""

    name: str
    graph: AccountGraph
    rows: np.ndarray  # accounts that are judged
    positive: np.ndarray  # bool per judged row: labelled non-genuine
    kind: str  # "real" or "simulated"
    note: str
    lurkers: np.ndarray | None = None  # bool per judged row, where the set knows


def profiles_only(graph: AccountGraph) -> AccountGraph:
    """``graph`` without a single edge: the bare follower list."""
    return AccountGraph(graph.accounts, Edges.empty(), None, graph.observed_at)


def _labelled(name: str, graph: AccountGraph, kind: str, note: str,
              roles: np.ndarray | None = None) -> EvalSet:
    rows = np.flatnonzero(graph.accounts.label >= 0)
    if graph.target is not None:
        rows = rows[rows != graph.target]
    positive = graph.accounts.label[rows] != LABEL_CODE["genuine"]
    lurkers = None if roles is None else roles[rows] == "lurker"
    return EvalSet(name, graph, rows, positive, kind, note, lurkers)


def real_sets(loaders: dict[str, Callable[[], AccountGraph]]) -> list[EvalSet]:
    """Cresci-2015 with its graph and as profiles, InstaFake; a set whose loader fails
    (data absent) is left out, and the caller reports that."""
    out = []
    if "cresci-2015" in loaders:
        cresci = loaders["cresci-2015"]()
        out.append(_labelled("Cresci-2015, with its graph", cresci, "real",
                             "5,301 Twitter accounts, 9,437 untimed follows"))
        out.append(_labelled("Cresci-2015, profile-only", profiles_only(cresci), "real",
                             "the same accounts, no edges"))
        out.append(_labelled("Cresci-2015, counts only", counts_only(cresci), "real",
                             "the same accounts, followers and following counts only"))
    if "instafake" in loaders:
        instafake = loaders["instafake"]()
        out.append(_labelled("InstaFake", instafake, "real",
                             "1,194 Instagram profiles, counts only"))
        out.append(_labelled("InstaFake, no digit counts",
                             without_counts(instafake, ("username_digits",)), "real",
                             "the same profiles without the names' digit counts (as "
                             "reports 1-6 of docs/transfer-protocol.md saw them)"))
        out.append(_labelled("InstaFake, counts only", counts_only(instafake), "real",
                             "the same profiles, followers, following and posts counts only"))
    return out


def without_counts(graph: AccountGraph, fields: tuple[str, ...]) -> AccountGraph:
    """``graph`` with the count ``fields`` unknown for every account (a set that does
    not publish them)."""
    accounts = graph.accounts.take(np.arange(graph.num_accounts))
    for name in fields:
        accounts.counts[name] = np.full(graph.num_accounts, np.nan)
    return AccountGraph(accounts, graph.edges, graph.target, graph.observed_at)


def simulated_sets(quick: bool = False) -> list[EvalSet]:
    """The simulated views (smaller graphs with ``quick``)."""
    n = 4_000 if quick else 20_000
    rng = np.random.default_rng(REALISTIC_SEED)
    fresh, _ = simulate_roles(SimConfig(accounts=n, seed=REALISTIC_SEED))
    audit, roles = simulate_roles(SimConfig(accounts=n // 4, seed=AUDIT_SEED, audit_of="star"))
    lurk, lurk_roles = simulate_roles(SimConfig(
        accounts=n // 4, seed=LURKER_SEED, audit_of="star", bought_share=0.15, mass_share=0.05,
        behaviour={"lurker_share": 0.4}))
    return [
        _labelled("Simulated realistic graph", fresh, "simulated",
                  f"{n:,} accounts, full view with timestamps"),
        _labelled("Simulated, no timestamps", observe(fresh, View("untimed"), rng), "simulated",
                  "the same graph, edges without times"),
        _labelled("Simulated, profile-only", profiles_only(fresh), "simulated",
                  "the same accounts, no edges"),
        _labelled("Simulated audience, follower list", observe(audit, View("follower_list"), rng),
                  "simulated", f"{n // 4:,}-account audience: follows of the target, no times",
                  roles),
        _labelled("Simulated lurker-heavy audience", lurk, "simulated",
                  "40% of genuine followers are lurkers; full view", lurk_roles),
        _labelled("Simulated, counts only", counts_only(fresh), "simulated",
                  "the realistic graph's accounts, followers, following and posts only"),
    ]


def rule_ratio(graph: AccountGraph) -> np.ndarray:
    """The one-line rule: following > 5 x followers (unknown counts: not flagged)."""
    c = graph.accounts.counts
    return np.nan_to_num(c["following_count"] > 5 * c["followers_count"], nan=0).astype(bool)


def rule_ratio_or_posts(graph: AccountGraph) -> np.ndarray:
    """Following > 5 x followers, or fewer than 3 posts (where posts are known)."""
    posts = graph.accounts.counts["posts_count"]
    return rule_ratio(graph) | (~np.isnan(posts) & (posts < 3))


def in_domain_forest(s: EvalSet, seed: int = 0) -> np.ndarray:
    """Out-of-fold P(non-genuine) of a random forest trained on the set itself (5-fold
    stratified cross-validation over its profile and graph features): what a model fitted
    to this very platform reaches, the ceiling zero-shot transfer is measured against."""
    columns = sorted(i for g in ("profile", "flags", "graph", "time") for i in FEATURE_GROUPS[g])
    x = compute_features(s.graph)[s.rows][:, columns]
    forest = RandomForestClassifier(n_estimators=300, min_samples_leaf=3, random_state=seed,
                                    n_jobs=1)
    folds = StratifiedKFold(5, shuffle=True, random_state=seed)
    return cross_val_predict(forest, x, s.positive, cv=folds, method="predict_proba")[:, 1]


def binary_metrics(positive: np.ndarray, flagged: np.ndarray,
                   score: np.ndarray | None) -> dict[str, float]:
    """Balanced accuracy, recall of the positives, specificity on genuine, ROC-AUC."""
    recall = float(flagged[positive].mean()) if positive.any() else float("nan")
    specificity = float((~flagged[~positive]).mean()) if (~positive).any() else float("nan")
    auc = (float(roc_auc_score(positive, score))
           if score is not None and 0 < positive.sum() < len(positive) else float("nan"))
    return {"balanced_accuracy": (recall + specificity) / 2, "recall": recall,
            "specificity": specificity, "roc_auc": auc}


def bootstrap(positive: np.ndarray, flagged: np.ndarray, score: np.ndarray | None,
              reps: int, seed: int = 0, level: float = 0.95) -> dict[str, tuple[float, float]]:
    """Percentile intervals of ``binary_metrics`` over stratified resamples (each class
    resampled with replacement within itself, so every resample has both classes)."""
    rng = np.random.default_rng(seed)
    pos, neg = np.flatnonzero(positive), np.flatnonzero(~positive)
    draws: dict[str, list[float]] = {}
    for _ in range(reps):
        idx = np.concatenate([rng.choice(pos, len(pos)), rng.choice(neg, len(neg))])
        m = binary_metrics(positive[idx], flagged[idx], None if score is None else score[idx])
        for key, value in m.items():
            draws.setdefault(key, []).append(value)
    tail = (1 - level) / 2 * 100
    return {key: (float(np.nanpercentile(v, tail)), float(np.nanpercentile(v, 100 - tail)))
            for key, v in draws.items()}
