"""Cresci-2015 under drift: the gated monotone GNN (``models.gated``), its ablations, and a
validation protocol that can see drift without touching the test split.

    .venv/bin/python -m benchmarks.cresci_drift            # 3 seeds per candidate
    .venv/bin/python -m benchmarks.cresci_drift --seeds 1  # smoke run

**Forward chaining by age** (fixed before any of its results were seen). The data README
says the official split is by age within each source subset, test holding the youngest.
The protocol imitates that inside ``train + val`` only: per source subset (node ranges of
the README), accounts are ordered oldest first (ties by node id) and cut into *fit*
(oldest 60%), *stop* (next 20%: early stopping and settings) and *judge* (youngest 20%).
A candidate's forward score is its F1 on *judge*; the candidate with the best mean
forward score is selected. The official protocol (fit on train, choose on val) is run
beside it, and test F1 is recorded for the record only.

Writes ``benchmarks/results/cresci_drift.json``, which ``benchmarks.cresci`` renders.
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch
from sklearn.metrics import f1_score

from benchmarks.cresci_methods import (
    BOUGHT,
    FOREST_GRID,
    MONOTONE_GRID,
    RATIO_SIGNALS,
    ROOT,
    SIX_SIGNALS,
    SMOOTHING_ALPHAS,
    SUBSETS,
    Method,
    _forest,
    monotone_boosting,
)
from benchmarks.cresci_smooth import smooth_scores
from detector.features import FEATURE_INDEX, compute_features
from detector.graph import AccountGraph
from detector.schema import SPLIT_CODE
from detector.tensors import to_data
from models.config import ModelConfig
from models.fitting import fit_model
from models.gated import GatedMonotoneGNN
from models.prep import Normaliser
from models.registry import build_model
from training.datasets.cresci import load_cresci

OUT = ROOT / "benchmarks" / "results" / "cresci_drift.json"
COMMAND = "python -m benchmarks.cresci_drift"
#: fit / stop / judge shares of each subset's train+val accounts, oldest first.
FORWARD_SHARES = (0.6, 0.2, 0.2)
#: Directions from domain knowledge (never from data): more followers, more followers
#: per followee, more lists never make an account look more bought.
RATIO_SIGNS = (-1, -1, -1, 0, 0, 0)
#: The same on the six raw signals, plus "following more never looks less bought":
#: fake followers exist to follow (Cresci et al. 2015).
SIX_SIGNS = (-1, 1, -1, 0, 0, 0)

#: (graph, features, fit, stop, seed) -> (P(bought) per account, what was chosen)
Scorer = Callable[[AccountGraph, np.ndarray, np.ndarray, np.ndarray, int],
                  tuple[np.ndarray, str]]


@dataclass(frozen=True)
class Candidate:
    name: str
    detail: str
    scores: Scorer
    round: int = 1  # 1: fixed before any result; 2: fixed after round 1's test was read


def forward_parts(graph: AccountGraph, features: np.ndarray) -> dict[str, np.ndarray]:
    """The forward-chaining cut of ``train + val`` (module docstring): node indices of
    *fit*, *stop* and *judge*. Uses no test account."""
    split, node = graph.accounts.split, graph.ids.astype(np.int64)
    pool = (split == SPLIT_CODE["train"]) | (split == SPLIT_CODE["val"])
    age = features[:, FEATURE_INDEX["log_age_days"]]
    parts: dict[str, list[np.ndarray]] = {"fit": [], "stop": [], "judge": []}
    for _, lo, hi in SUBSETS:
        members = np.flatnonzero(pool & (node >= lo) & (node <= hi))
        members = members[np.lexsort((node[members], -age[members]))]  # oldest first
        cuts = np.round(np.cumsum(FORWARD_SHARES)[:2] * len(members)).astype(int)
        for name, chunk in zip(parts, np.split(members, cuts), strict=True):
            parts[name].append(chunk)
    return {name: np.sort(np.concatenate(chunks)) for name, chunks in parts.items()}


def network(model: str, columns: tuple[str, ...], signs: tuple[int, ...] | None = None,
            steps: int = 2, ensemble: int = 1, **settings) -> Scorer:
    """A network scorer: ``model`` is ``"gated"`` (``GatedMonotoneGNN`` with ``signs`` and
    ``steps``) or a registry name; early stopping on *stop* by ``fit_model``; with
    ``ensemble`` > 1 the probabilities of that many seeds are averaged."""

    def scores(graph, features, fit, stop, seed):
        config = ModelConfig(seed=seed, **settings)
        x = features[:, [FEATURE_INDEX[c] for c in columns]]
        data = to_data(graph, Normaliser.fit(x[fit], config.clip).transform(x))
        y = torch.from_numpy((graph.accounts.label == BOUGHT).astype(np.int64))
        args = {"in_channels": len(columns), "hidden_channels": config.hidden,
                "out_channels": 2, "num_layers": config.layers, "dropout": config.dropout}
        probas, epochs = [], []
        for member in range(ensemble):
            torch.manual_seed(seed + 1000 * member)
            net = (GatedMonotoneGNN(**args, monotone=signs, steps=steps) if model == "gated"
                   else build_model(model, args))
            result = fit_model(net, data.x, data.edge_index, data.edge_type, y,
                               torch.from_numpy(fit), torch.from_numpy(stop), config,
                               progress=False, log=lambda line: None)
            with torch.no_grad():
                logits = net(data.x, data.edge_index, data.edge_type)
            probas.append(torch.softmax(logits, 1)[:, 1].numpy())
            epochs.append(str(result.best_epoch))
        return np.mean(probas, axis=0), f"epoch {'/'.join(epochs)}"

    return scores


def classical(make: Callable[[dict, int], object], grid: list[dict],
              columns: tuple[str, ...], smooth: bool = False) -> Scorer:
    """A scikit-learn scorer: the setting of ``grid`` with the best F1 on *stop*; with
    ``smooth``, then graph smoothing with alpha chosen on *stop* (fit labels known)."""

    def scores(graph, features, fit, stop, seed):
        x = features[:, [FEATURE_INDEX[c] for c in columns]]
        y = graph.accounts.label == BOUGHT
        best = (-1.0, None, "")
        for settings in grid:
            proba = make(settings, seed).fit(x[fit], y[fit]).predict_proba(x)[:, 1]
            score = f1_score(y[stop], proba[stop] > 0.5)
            if score > best[0]:
                best = (score, proba, ", ".join(f"{k}={v}" for k, v in settings.items()))
        if not smooth:
            return best[1], best[2]
        known = np.zeros(len(y), bool)
        known[fit] = True
        smoothed = [smooth_scores(graph, best[1], known, y, a) for a in SMOOTHING_ALPHAS]
        pick = int(np.argmax([f1_score(y[stop], q[stop] > 0.5) for q in smoothed]))
        return smoothed[pick], f"{best[2]}, alpha={SMOOTHING_ALPHAS[pick]}"

    return scores


def _forest1(settings: dict, seed: int):
    return _forest(settings, seed).set_params(n_jobs=1)


CANDIDATES: tuple[Candidate, ...] = (
    Candidate("Random forest, six", "300 trees, min_samples_leaf on stop",
              classical(_forest1, FOREST_GRID, SIX_SIGNALS)),
    Candidate("Random forest, six as ratio", "as above on `RATIO_SIGNALS`",
              classical(_forest1, FOREST_GRID, RATIO_SIGNALS)),
    Candidate("Monotone boosting, six as ratio", "depth, learning rate on stop",
              classical(monotone_boosting, MONOTONE_GRID, RATIO_SIGNALS)),
    Candidate("Monotone boosting + smoothing", "then alpha on stop",
              classical(monotone_boosting, MONOTONE_GRID, RATIO_SIGNALS, smooth=True)),
    Candidate("MLP, six", "residual MLP (`models.mlp`)", network("mlp", SIX_SIGNALS)),
    Candidate("GraphSAGE, six", "`models.sage`", network("sage", SIX_SIGNALS)),
    Candidate("GraphSAGE, six as ratio", "`models.sage`", network("sage", RATIO_SIGNALS)),
    Candidate("Gated GNN, six as ratio, free", "`GatedMonotoneGNN`, no sign (isolation gate "
              "only)", network("gated", RATIO_SIGNALS, None, hidden=32)),
    Candidate("Gated GNN, six, monotone", f"signs {SIX_SIGNS} on the six signals",
              network("gated", SIX_SIGNALS, SIX_SIGNS, hidden=32)),
    Candidate("Gated GNN, six as ratio, monotone", f"signs {RATIO_SIGNS}",
              network("gated", RATIO_SIGNALS, RATIO_SIGNS, hidden=32)),
    Candidate("Monotone network, six as ratio, graph-blind", "the row above with 0 "
              "propagation steps", network("gated", RATIO_SIGNALS, RATIO_SIGNS, 0, hidden=32)),
    Candidate("Gated GNN, six as ratio, monotone, 5-seed ensemble", "mean probability of 5 "
              "seeds", network("gated", RATIO_SIGNALS, RATIO_SIGNS, ensemble=5, hidden=32)),
    # Round 2: the gated networks' best epochs sat at the 300-epoch cap in round 1.
    Candidate("Gated GNN, six as ratio, free, lr 0.03", "round 1's selection, learning rate "
              "0.03", network("gated", RATIO_SIGNALS, None, hidden=32, lr=0.03), round=2),
    Candidate("Gated GNN, six as ratio, monotone, lr 0.03", "learning rate 0.03",
              network("gated", RATIO_SIGNALS, RATIO_SIGNS, hidden=32, lr=0.03), round=2),
    Candidate("Gated GNN, six as ratio, free, 5-seed ensemble", "mean probability of 5 "
              "seeds", network("gated", RATIO_SIGNALS, None, ensemble=5, hidden=32), round=2),
)


def bench_method(candidate: Candidate, detail: str) -> Method:
    """``candidate`` as a row of ``benchmarks.cresci``: the official protocol (fit on
    train, early stopping and settings on val)."""

    def scores(graph: AccountGraph, features: np.ndarray, seed: int):
        split = graph.accounts.split
        return candidate.scores(graph, features, np.flatnonzero(split == SPLIT_CODE["train"]),
                                np.flatnonzero(split == SPLIT_CODE["val"]), seed)

    return Method(candidate.name, detail, scores)


_BY_NAME = {c.name: c for c in CANDIDATES}
#: Rows for the main table, in the order the drift lab's decisions were taken.
BENCH_METHODS: tuple[Method, ...] = (
    bench_method(_BY_NAME["Gated GNN, six as ratio, free"],
                 "`models.gated.GatedMonotoneGNN` with no sign, on `RATIO_SIGNALS`, hidden "
                 "32: a tanh profile network whose score is propagated over follows through "
                 "a learned degree gate that is 0 for isolated accounts; round 1's selection "
                 "in the drift lab below (best forward-chaining F1 and best val F1)"),
    bench_method(_BY_NAME["Gated GNN, six as ratio, free, 5-seed ensemble"],
                 "the row above, mean probability of 5 seeds (seed, seed+1000, ...), each "
                 "stopped on val: the final selection of the drift lab (best forward-chaining "
                 "F1 over both rounds)"),
    bench_method(_BY_NAME["Gated GNN, six as ratio, monotone"],
                 f"the first row's network with signs {RATIO_SIGNS}: P(bought) never rises "
                 "with followers, followers per followee or lists, by construction; NOT what "
                 "validation or forward chaining select (both score it lower), kept as the "
                 "domain-prior variant"),
)


def run_candidate(candidate: Candidate, graph: AccountGraph, features: np.ndarray,
                  seeds: int) -> dict:
    """Forward score, official val F1 and (for the record) test F1 per seed."""
    split, y = graph.accounts.split, graph.accounts.label == BOUGHT
    official = {name: np.flatnonzero(split == SPLIT_CODE[name])
                for name in ("train", "val", "test")}
    forward = forward_parts(graph, features)
    runs = []
    for seed in range(seeds):
        start = time.perf_counter()
        p, chosen_fwd = candidate.scores(graph, features, forward["fit"], forward["stop"], seed)
        q, chosen = candidate.scores(graph, features, official["train"], official["val"], seed)
        runs.append({
            "seed": seed, "forward_f1": float(f1_score(y[forward["judge"]],
                                                       p[forward["judge"]] > 0.5)),
            "val_f1": float(f1_score(y[official["val"]], q[official["val"]] > 0.5)),
            "test_f1": float(f1_score(y[official["test"]], q[official["test"]] > 0.5)),
            "chosen": chosen, "chosen_forward": chosen_fwd,
            "seconds": round(time.perf_counter() - start, 2)})
    return {"name": candidate.name, "detail": candidate.detail, "round": candidate.round,
            "runs": runs}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, default=3, help="seeds per candidate (default 3)")
    parser.add_argument("--out", default=str(OUT), help="JSON file to write")
    parser.add_argument("--only", default=None, help="run only candidates whose name has this")
    args = parser.parse_args(argv)
    torch.set_num_threads(1)
    start = time.perf_counter()
    graph = load_cresci()
    features = compute_features(graph)
    results = []
    for candidate in CANDIDATES:
        if args.only and args.only not in candidate.name:
            continue
        result = run_candidate(candidate, graph, features, args.seeds)
        results.append(result)
        mean = {k: 100 * np.mean([r[k] for r in result["runs"]]) for k in ("forward_f1", "val_f1")}
        # Test F1 goes to the JSON file only: choices are made on the printed columns.
        print(f"{candidate.name:52s} forward {mean['forward_f1']:.2f}  val {mean['val_f1']:.2f}",
              flush=True)
    with open(args.out, "w", encoding="utf-8") as fh:
        json.dump({"command": COMMAND + (f" --seeds {args.seeds}" if args.seeds != 3 else ""),
                   "seeds": args.seeds, "date": time.strftime("%Y-%m-%d", time.gmtime()),
                   "minutes": round((time.perf_counter() - start) / 60, 1),
                   "shares": FORWARD_SHARES, "candidates": results}, fh, indent=1)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
