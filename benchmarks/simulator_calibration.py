"""Simulated marginals next to Cresci-2015's (the table in docs/simulator.md).

    .venv/bin/python -m benchmarks.simulator_calibration --accounts 20000 \\
        --cresci ../shared/data/cresci-2015/accounts.csv

Prints 10th/50th/90th percentiles per class as Markdown rows. Cresci-2015 has no posts
and no mass followers; those cells read "-".
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pandas as pd

from detector.features import MASS_FOLLOW_THRESHOLD, lockstep
from detector.graph import AccountGraph
from detector.schema import FOLLOW, UNFOLLOW
from training.simulator import SimConfig, simulate

CLASSES = ("genuine", "bought", "mass_follow")
FIELDS = ("followers_count", "following_count", "listed_count", "posts_count")


def _quantiles(values: np.ndarray) -> str:
    values = values[~np.isnan(values)]
    if len(values) == 0:
        return "-"
    return " / ".join(f"{v:,.0f}" for v in np.percentile(values, [10, 50, 90]))


def rows(graph: AccountGraph, cresci: pd.DataFrame | None) -> list[str]:
    a = graph.accounts
    out = ["| field | class | Cresci-2015 p10 / p50 / p90 | simulated p10 / p50 / p90 |",
           "|---|---|---|---|"]
    for field in FIELDS:
        for code, name in enumerate(CLASSES):
            real = "-"
            if cresci is not None and field in cresci and code < 2:
                real = _quantiles(cresci.loc[cresci.label == code, field].to_numpy(float))
            out.append(f"| {field} | {name} | {real} | "
                       f"{_quantiles(a.counts[field][a.label == code])} |")
    following = a.counts["following_count"]
    for code, name in enumerate(CLASSES):
        mask = (a.label == code) & ~np.isnan(following)
        share = float(np.mean(following[mask] > MASS_FOLLOW_THRESHOLD))
        real = "-"
        if cresci is not None and code < 2:
            real = f"{np.mean(cresci.following_count[cresci.label == code] > 1_500):.3f}"
        out.append(f"| following > 1,500 | {name} | {real} | {share:.3f} |")
    return out


def graph_rows(graph: AccountGraph) -> list[str]:
    """Graph-side shape: reciprocity, churn, bursts, in-graph degrees."""
    e, label, n = graph.edges, graph.accounts.label, graph.num_accounts
    follow, unfollow = e.type == FOLLOW, e.type == UNFOLLOW
    src, dst, at = e.src[follow], e.dst[follow], e.at[follow]
    mutual = np.isin(dst * n + src, src * n + dst)
    undone = np.isin(src * n + dst, e.src[unfollow] * n + e.dst[unfollow])
    _, burst = lockstep(src, dst, at, np.ones(len(src), bool), n, window=6 * 3_600.0)
    out_deg, in_deg = np.bincount(src, minlength=n), np.bincount(dst, minlength=n)
    out = ["| measure | genuine | bought | mass_follow |", "|---|---|---|---|"]
    classes = (0, 1, 2)
    table = {
        "follows made in the graph (median)": [np.median(out_deg[label == c]) for c in classes],
        "followers in the graph (median)": [np.median(in_deg[label == c]) for c in classes],
        "share of its follows that are mutual": [mutual[label[src] == c].mean() for c in classes],
        "share of its follows later unfollowed": [undone[label[src] == c].mean() for c in classes],
        "largest 6-hour group following one account with it (median)":
            [np.median(np.expm1(burst[label == c])) for c in classes],
    }
    for name, values in table.items():
        out.append(f"| {name} | " + " | ".join(f"{v:,.2f}" for v in values) + " |")
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--difficulty", default="realistic")
    parser.add_argument("--cresci", type=Path)
    args = parser.parse_args(argv)
    graph = simulate(SimConfig(accounts=args.accounts, seed=args.seed,
                               difficulty=args.difficulty))
    cresci = pd.read_csv(args.cresci) if args.cresci and args.cresci.exists() else None
    print("\n".join(rows(graph, cresci)))
    print()
    print("\n".join(graph_rows(graph)))


if __name__ == "__main__":
    main()
