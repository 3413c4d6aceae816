"""How far follow times estimated from follow order (``detector.follow_times``) fall from
the true ones, on simulated audiences whose true times are known; writes its tables
into docs/follow-times.md.

    .venv/bin/python -m benchmarks.follow_times --sizes 1000 10000 100000 1000000 \\
        --seeds 1 2 3 --doc docs/follow-times.md

For each audience size and seed, ``simulate(SimConfig(accounts=N, audit_of="brand"))``
builds an audit-shaped graph (one target, everyone follows it) at the ``realistic``
difficulty, with every edge time kept (``missing_at=0``) so that each follow has a true
time; 15% of creation dates stay hidden, as at that difficulty. The target's follows
then lose ``at`` and get ``rank`` from the true order (ties in input order), exactly
what a collected follower list gives, and ``with_estimated_times`` (the step every
reader applies) estimates them. Reported: the absolute error in hours over the
estimated follows (median, 90th percentile, and the median per class), the same for
the lower bound alone (the newest creation date among the follower and those before
it, Meeder et al.'s bound, which the estimate interpolates between), the share of
follows estimated, and the estimation time. ``detector.bursts`` runs on the true and on
the estimated times: how many bursts each finds, and the share of bought followers
whose follow falls in a burst.
"""

from __future__ import annotations

import argparse
import platform
import re
import statistics
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from detector.bursts import find_bursts
from detector.follow_times import with_estimated_times
from detector.graph import AccountGraph
from detector.schema import FOLLOW, LABELS
from training.simulator import SimConfig, simulate

HOUR = 3_600.0
BEGIN, END = "<!-- follow-times:begin -->", "<!-- follow-times:end -->"


def as_follower_list(graph: AccountGraph) -> tuple[AccountGraph, np.ndarray, np.ndarray]:
    """The graph as a collector sees it: the target's follows ranked by their true
    time, without ``at``. Returns it, the rows of those follows in rank order, and
    their true times."""
    e = graph.edges
    rows = np.flatnonzero((e.type == FOLLOW) & (e.dst == graph.target))
    rows = rows[np.argsort(e.at[rows], kind="stable")]
    truth = e.at[rows]
    rank, at = e.rank.copy(), e.at.copy()
    rank[rows] = np.arange(len(rows))
    at[rows] = np.nan
    return replace(graph, edges=replace(e, rank=rank, at=at)), rows, truth


def lower_bound(graph: AccountGraph, rows: np.ndarray) -> np.ndarray:
    """The newest creation date among each follower and those before it (and the target's
    own), for follows in rank order: Meeder et al.'s bound, no interpolation."""
    created = graph.accounts.created_at
    start = created[graph.target]
    bound = np.fmax.accumulate(np.where(np.isnan(created[graph.edges.src[rows]]), -np.inf,
                                        created[graph.edges.src[rows]]))
    bound = np.fmax(bound, start)
    return np.where(np.isinf(bound), np.nan, bound)


def burst_recall(at: np.ndarray, bought: np.ndarray) -> tuple[int, float]:
    """Bursts found among ``at`` and the share of bought follows inside one."""
    bursts = find_bursts(at)
    inside = np.zeros(len(at), dtype=bool)
    for b in bursts:
        inside |= (at >= b.start) & (at < b.end)
    return len(bursts), float(inside[bought].mean()) if bought.any() else float("nan")


def measure(accounts: int, seed: int) -> dict[str, Any]:
    graph = simulate(SimConfig(accounts=accounts, seed=seed, audit_of="brand",
                               behaviour={"missing_at": 0.0}))
    listed, rows, truth = as_follower_list(graph)
    clock = time.perf_counter()
    estimated = with_estimated_times(listed)
    seconds = time.perf_counter() - clock
    est = estimated.edges.at[rows]
    done = estimated.edges.at_estimated[rows]
    signed = (est - truth)[done] / HOUR
    error = np.abs(signed)
    bound_error = np.abs(lower_bound(listed, rows) - truth) / HOUR
    label = graph.accounts.label[graph.edges.src[rows]]
    per_class = {name: _median(error[label[done] == k]) for k, name in enumerate(LABELS)}
    bought = label == LABELS.index("bought")
    true_bursts, true_recall = burst_recall(truth, bought)
    est_bursts, est_recall = burst_recall(np.where(done, est, np.nan), bought)
    return {
        "accounts": accounts, "seed": seed, "follows": len(rows),
        "estimated_share": float(done.mean()), "seconds": seconds,
        "median_h": _median(error), "p90_h": _quantile(error, 0.9),
        "signed_median_h": _median(signed), "early_share": float((signed < 0).mean()),
        "bound_median_h": _median(bound_error[~np.isnan(bound_error)]),
        "bound_p90_h": _quantile(bound_error[~np.isnan(bound_error)], 0.9),
        "per_class_median_h": per_class,
        "bursts_true": true_bursts, "bursts_estimated": est_bursts,
        "bought_in_burst_true": true_recall, "bought_in_burst_estimated": est_recall,
    }


def _median(values: np.ndarray) -> float:
    return float(np.median(values)) if len(values) else float("nan")


def _quantile(values: np.ndarray, q: float) -> float:
    return float(np.quantile(values, q)) if len(values) else float("nan")


def speed(followers: int, repeats: int = 3) -> dict[str, float]:
    """Seconds to estimate one list of ``followers`` (synthetic: creation dates spread
    over ten years, 15% unknown), best and median of ``repeats``."""
    from detector.graph import Accounts, Edges

    rng = np.random.default_rng(0)
    n = followers + 1
    accounts = Accounts.empty(np.arange(n).astype(str).astype(object))
    now = 1.7e9
    created = now - rng.uniform(0, 3650, n) * 86_400.0
    created[rng.random(n) < 0.15] = np.nan
    created[0] = now - 4000 * 86_400.0
    accounts.created_at = created
    src = rng.permutation(np.arange(1, n))
    edges = Edges(src=src, dst=np.zeros(followers, np.int64),
                  type=np.full(followers, FOLLOW, np.int8), at=np.full(followers, np.nan),
                  weight=np.ones(followers, np.int64),
                  rank=rng.permutation(followers).astype(np.int64),
                  at_estimated=np.zeros(followers, bool))
    graph = AccountGraph(accounts, edges, target=0, observed_at=now)
    times = []
    for _ in range(repeats):
        clock = time.perf_counter()
        with_estimated_times(graph)
        times.append(time.perf_counter() - clock)
    return {"followers": followers, "best_s": min(times), "median_s": statistics.median(times)}


def render(rows: list[dict[str, Any]], timing: dict[str, float], command: str,
           seconds: float) -> str:
    sizes = sorted({r["accounts"] for r in rows})
    lines = [
        BEGIN,
        "<!-- Generated by benchmarks/follow_times.py; do not edit by hand. -->",
        "",
        f"Produced by `{command}` on {datetime.now(UTC):%Y-%m-%d} ({platform.machine()}, "
        f"Python {platform.python_version()}; {seconds / 60:.1f} minutes in all).",
        "",
        "Absolute error of the estimated follow times, in hours, over the follows that got "
        "an estimate; *signed* is estimate minus truth (negative: too early), *too early* "
        "the share of estimates before the true time; *bound* is the lower bound alone "
        "(no interpolation). Over the "
        f"seeds ({', '.join(str(s) for s in sorted({r['seed'] for r in rows}))}): medians "
        "and percentiles are the median over seeds of each seed's figure.",
        "",
        "| audience (followers) | estimated | median h | p90 h | signed median h | too early "
        "| bound median h | bound p90 h | genuine median h | bought median h | mass median h "
        "| estimate s |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for size in sizes:
        runs = [r for r in rows if r["accounts"] == size]
        mid = _medians(runs)
        cls = _medians([r["per_class_median_h"] for r in runs])
        lines.append(
            f"| {mid('follows'):,.0f} | {100 * mid('estimated_share'):.1f}% | "
            f"{mid('median_h'):,.1f} | {mid('p90_h'):,.1f} | {mid('signed_median_h'):,.1f} | "
            f"{100 * mid('early_share'):.0f}% | {mid('bound_median_h'):,.1f} | "
            f"{mid('bound_p90_h'):,.1f} | {cls('genuine'):,.1f} | {cls('bought'):,.1f} | "
            f"{cls('mass_follow'):,.1f} | {mid('seconds'):.3f} |")
    lines += [
        "",
        "Follow bursts (`detector.bursts`, the audit's defaults) found on the true and on "
        "the estimated times, and the share of bought followers whose follow lies in a "
        "burst (median over seeds):",
        "",
        "| audience (followers) | bursts, true times | bursts, estimated | bought in a burst, "
        "true | bought in a burst, estimated |",
        "|---|---:|---:|---:|---:|",
    ]
    for size in sizes:
        mid = _medians([r for r in rows if r["accounts"] == size])
        lines.append(f"| {mid('follows'):,.0f} | {mid('bursts_true'):.0f} | "
                     f"{mid('bursts_estimated'):.0f} | {100 * mid('bought_in_burst_true'):.1f}% | "
                     f"{100 * mid('bought_in_burst_estimated'):.1f}% |")
    lines += [
        "",
        f"Speed: one list of {timing['followers']:,} followers (synthetic, 15% creation "
        f"dates unknown) is estimated in {timing['best_s']:.2f} s (best of 3; median "
        f"{timing['median_s']:.2f} s), in one process.",
        END,
    ]
    return "\n".join(lines)


def _medians(runs: list[dict[str, Any]]) -> Callable[[str], float]:
    """``key -> median over runs of run[key]``: one seed's figure per run."""
    return lambda key: statistics.median(r[key] for r in runs)


def write_section(doc: Path, section: str, begin: str = BEGIN, end: str = END) -> None:
    """Replace the generated section of ``doc`` (between the markers), or append it."""
    text = doc.read_text() if doc.exists() else ""
    pattern = re.compile(re.escape(begin) + ".*?" + re.escape(end), re.S)
    text = pattern.sub(lambda _: section, text) if pattern.search(text) else (
        text + ("\n" if text else "") + section + "\n")
    doc.write_text(text)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000, 100_000])
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    parser.add_argument("--speed", type=int, default=1_000_000,
                        help="followers of the synthetic list timed")
    parser.add_argument("--doc", type=Path, default=None,
                        help="markdown file whose generated section is replaced")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    rows = []
    for size in args.sizes:
        for seed in args.seeds:
            row = measure(size, seed)
            rows.append(row)
            print(f"{size:>9,} seed {seed}: {row['follows']:,} follows, "
                  f"{100 * row['estimated_share']:.1f}% estimated, median "
                  f"{row['median_h']:.1f} h, p90 {row['p90_h']:.1f} h (bound "
                  f"{row['bound_median_h']:.1f} / {row['bound_p90_h']:.1f} h), "
                  f"{row['seconds']:.3f} s", flush=True)
    timing = speed(args.speed)
    print(f"speed: {timing}", flush=True)
    command = "python -m benchmarks.follow_times " + " ".join(
        ["--sizes", *map(str, args.sizes), "--seeds", *map(str, args.seeds)]
        + (["--doc", str(args.doc)] if args.doc else []))
    section = render(rows, timing, command, time.perf_counter() - start)
    if args.doc is not None:
        write_section(args.doc, section)
    else:
        print(section)


if __name__ == "__main__":
    main()
