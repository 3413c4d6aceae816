"""How well campaign detection (``detector.campaigns``) finds bought followers on
simulated follower lists, how often it raises a false alarm, how fast it is, and what
the follower map costs the audit API; writes its tables into docs/campaigns.md.

    .venv/bin/python -m benchmarks.campaigns --sizes 1000 10000 100000 1000000 \\
        --seeds 1 2 3 --api --doc docs/campaigns.md

For each audience size and seed, ``simulate(SimConfig(accounts=N, audit_of="star"))``
at the ``realistic`` difficulty (20% bought, 10% mass followers, 15% of creation dates
hidden), every edge time kept (``missing_at=0``), becomes a collected follower list:
the target's follows are ranked by their true time and lose ``at``, and
``with_estimated_times`` estimates them (what every reader does). The same is done
with ``bought_share=0`` (an audience without bought followers), and with that audience's
creation dates shuffled within blocks of 5,000 ranks (the null model itself: the slow
drift stays, blocks are destroyed). Reported: the share of bought followers that are
members of a reported campaign (all of them, and those with a creation date), the
share of genuine and mass followers that are, and the campaigns reported on the lists
without bought followers, by both views and by each view alone.

``--api`` also measures the audit API in-process (Flask's test client, one torch
thread, the default model): the 1,000-account audit's ``audit`` stage before campaigns
(``--baseline``, the commit before this work) and after, in alternating rounds, and a
100,000-account follower list: response size with and without the follower map, and
the server's stage timings.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import sys
import time
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import orjson

from benchmarks.follow_times import as_follower_list, write_section
from detector.campaign_scan import ScanConfig, scan
from detector.campaigns import find_campaigns
from detector.follow_times import with_estimated_times
from detector.graph import AccountGraph
from detector.schema import LABELS
from training.simulator import SimConfig, simulate

BEGIN, END = "<!-- campaigns:begin -->", "<!-- campaigns:end -->"
#: Where the measurements are kept (``--reuse`` renders them again).
RESULTS = Path(__file__).parent / "results" / "campaigns.json"
#: Ranks within which the null model shuffles creation dates.
NULL_BLOCK = 5_000
#: The commit before campaigns and the follower map (``--api`` compares with it).
BASELINE = "ddaaaba"


def follower_list(accounts: int, seed: int, bought_share: float) -> AccountGraph:
    """A simulated audience as a collected follower list (module docstring)."""
    graph = simulate(SimConfig(accounts=accounts, seed=seed, audit_of="star",
                               bought_share=bought_share, behaviour={"missing_at": 0.0}))
    return with_estimated_times(as_follower_list(graph)[0])


def measure(accounts: int, seed: int) -> dict[str, Any]:
    """Recall, false alarms and time on one bought and one clean follower list."""
    listed = follower_list(accounts, seed, 0.2)
    clock = time.perf_counter()
    campaigns = find_campaigns(listed)
    seconds = time.perf_counter() - clock
    member = np.zeros(listed.num_accounts, dtype=bool)
    for c in campaigns:
        member[c.members] = True
    label = listed.accounts.label
    followers = np.zeros(listed.num_accounts, dtype=bool)
    followers[listed.edges.src[listed.edges.dst == listed.target]] = True
    dated = ~np.isnan(listed.accounts.created_at)
    share = {name: float(member[followers & (label == k)].mean())
             for k, name in enumerate(LABELS)}
    bought = followers & (label == LABELS.index("bought"))
    clean = follower_list(accounts, seed, 0.0)
    false_alarms = find_campaigns(clean)
    clean_member = np.zeros(clean.num_accounts, dtype=bool)
    for c in false_alarms:
        clean_member[c.members] = True
    genuine = (clean.accounts.label == 0) & (np.arange(clean.num_accounts) != clean.target)
    return {
        "accounts": accounts, "seed": seed, "followers": int(followers.sum()),
        "bought": int(bought.sum()), "campaigns": len(campaigns), "seconds": seconds,
        "recall": share["bought"], "recall_dated": float(member[bought & dated].mean()),
        "genuine_inside": share["genuine"], "mass_inside": share["mass_follow"],
        "clean_campaigns": len(false_alarms),
        "clean_genuine_inside": float(clean_member[genuine].mean()),
        "date_alone": len(find_campaigns(clean, ScanConfig(views=("date",)))),
        "lag_alone": len(find_campaigns(clean, ScanConfig(views=("lag",)))),
        "null_campaigns": null_campaigns(clean, seed),
    }


def null_campaigns(listed: AccountGraph, seed: int) -> int:
    """Campaigns found once the creation dates are shuffled within ``NULL_BLOCK`` ranks."""
    from detector.follow_order import follow_order

    order = follow_order(listed)
    created = listed.accounts.created_at[order.src]
    rng = np.random.default_rng(seed)
    shuffled = created.copy()
    for start in range(0, len(created), NULL_BLOCK):
        block = slice(start, start + NULL_BLOCK)
        shuffled[block] = rng.permutation(created[block])
    return scan(shuffled).count


def speed(followers: int = 1_000_000, repeats: int = 3) -> dict[str, float]:
    """Seconds to scan one synthetic list (creation dates over ten years, 15% unknown),
    without and with 200 planted blocks of up to 300 accounts, each made within three
    hours."""
    rng = np.random.default_rng(0)
    now = 1.7e9
    created = now - rng.uniform(0, 3650, followers) * 86_400.0
    created[rng.random(followers) < 0.15] = np.nan
    planted = created.copy()
    step = followers // 200
    size = min(300, step // 2)
    for start in range(step // 2, followers - size, step):  # each block its own 3 hours
        made = now - rng.uniform(30, 3_650) * 86_400.0
        planted[start:start + size] = made + rng.uniform(0, 3 * 3_600, size)
    out: dict[str, float] = {"followers": followers, "block": size}
    for name, values in (("plain", created), ("planted", planted)):
        times, found = [], 0
        for _ in range(repeats):
            clock = time.perf_counter()
            found = scan(values).count
            times.append(time.perf_counter() - clock)
        out[f"{name}_best_s"], out[f"{name}_median_s"] = min(times), statistics.median(times)
        out[f"{name}_found"] = found
    return out


def api(rounds: int = 3, requests: int = 40) -> dict[str, Any]:
    """The audit API: the 1,000-account audit before and after, and a 100,000-account
    follower list (module docstring)."""
    from benchmarks.perf.baseline import baseline_tree
    from benchmarks.perf.common import ROOT, measured_command
    from benchmarks.perf.data import audit_document, model_dir

    model, document = model_dir(), audit_document(1_000)
    stages = ROOT / "benchmarks" / "perf" / "stages.py"
    samples: dict[str, dict[str, list[float]]] = {"before": {}, "after": {}}
    for _ in range(rounds):  # alternate, so a change of machine load hits both sides
        for side, root in (("before", baseline_tree(BASELINE)), ("after", ROOT)):
            result = measured_command([sys.executable, str(stages), "audit", str(root),
                                       str(model), str(document), str(requests)]).value
            for stage, values in result["samples_ms"].items():
                samples[side].setdefault(stage, []).extend(values)
    hot = {side: {k: statistics.median(v) for k, v in s.items()} for side, s in samples.items()}
    return {"hot": hot, "requests": rounds * requests, "big": big_audit(model)}


def big_audit(model: Path, accounts: int = 100_000) -> dict[str, Any]:
    """Size and time of the audit of a ``accounts``-account follower list."""
    import torch

    from api.app import DEFAULTS, create_app
    from detector.io import graph_to_document

    torch.set_num_threads(1)
    listed, rows, _ = as_follower_list(simulate(SimConfig(
        accounts=accounts, seed=1, audit_of="star", behaviour={"missing_at": 0.0})))
    # What a collected list holds: the profiles and the ranked follows of the target.
    listed = replace(listed, edges=listed.edges.take(rows),
                     accounts=replace(listed.accounts, label=np.full(accounts, -1, np.int8)))
    body = orjson.dumps(graph_to_document(listed))
    app = create_app({**DEFAULTS, "MODEL_DIR": str(model), "MAX_BODY_BYTES": 200 * 2**20})
    client = app.test_client()
    runs = []
    for _ in range(3):
        clock = time.perf_counter()
        response = client.post("/v1/audit", data=body, content_type="application/json")
        wall = time.perf_counter() - clock
        timing = dict(p.strip().split(";dur=") for p in
                      response.headers["Server-Timing"].split(","))
        if response.status_code != 200:
            raise SystemExit(f"audit answered {response.status_code}: {response.data[:300]!r}")
        runs.append((wall, {k: float(v) for k, v in timing.items()}, response.data))
    wall, timing, data = sorted(runs, key=lambda r: r[0])[1]  # the median run
    answer = orjson.loads(data)
    fmap = answer.pop("follower_map")
    return {"accounts": accounts, "request_bytes": len(body), "response_bytes": len(data),
            "map_bytes": len(orjson.dumps(fmap)), "points": fmap["shown"],
            "campaigns": len(answer["campaigns"]), "wall_s": wall, "stages_ms": timing}


def render(rows: list[dict[str, Any]], timing: dict[str, float], api_result: dict | None,
           command: str, seconds: float) -> str:
    sizes = sorted({r["accounts"] for r in rows})
    seeds = ", ".join(str(s) for s in sorted({r["seed"] for r in rows}))
    lines = [
        BEGIN, "<!-- Generated by benchmarks/campaigns.py; do not edit by hand. -->", "",
        f"Produced by `{command}` on {datetime.now(UTC):%Y-%m-%d} ({platform.machine()}, "
        f"Python {platform.python_version()}; {seconds / 60:.1f} minutes for quality and "
        "speed). Seeds "
        f"{seeds}; each figure is the median over the seeds, ranges are min-max.", "",
        "Simulated follower lists with 20% bought and 10% mass followers (`bought in a "
        "campaign`: members of a reported campaign; `dated`: of the bought followers whose "
        "creation date is known, 85% of them):", "",
        "| followers | bought | campaigns | bought in a campaign | dated bought in one "
        "| genuine in one | mass in one | scan s |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for size in sizes:
        runs = [r for r in rows if r["accounts"] == size]
        lines.append(
            f"| {_mid(runs, 'followers'):,.0f} | {_mid(runs, 'bought'):,.0f} | "
            f"{_range(runs, 'campaigns')} | {_pct(runs, 'recall')} | "
            f"{_pct(runs, 'recall_dated')} | {_pct(runs, 'genuine_inside', 2)} | "
            f"{_pct(runs, 'mass_inside')} | {_mid(runs, 'seconds'):.3f} |")
    lines += [
        "", "The same audiences without bought followers (`bought_share=0`): campaigns "
        "reported (a false alarm each; the per-list rate `alpha` is 0.01), genuine followers "
        "inside one, campaigns that one view alone would report, and campaigns on the null "
        f"model (creation dates shuffled within {NULL_BLOCK:,} ranks):", "",
        "| followers | campaigns (all lists) | genuine in one | date view alone | lag view "
        "alone | null model |",
        "|---:|---:|---:|---:|---:|---:|",
    ]
    for size in sizes:
        runs = [r for r in rows if r["accounts"] == size]
        lines.append(
            f"| {_mid(runs, 'followers'):,.0f} | {_sum(runs, 'clean_campaigns')} | "
            f"{_pct(runs, 'clean_genuine_inside', 3)} | {_sum(runs, 'date_alone')} | "
            f"{_sum(runs, 'lag_alone')} | {_sum(runs, 'null_campaigns')} |")
    lines += [
        "", f"Speed: one synthetic list of {timing['followers']:,.0f} followers (creation dates "
        f"over ten years, 15% unknown) is scanned in {timing['plain_best_s']:.2f} s (best of "
        f"3; median {timing['plain_median_s']:.2f} s, {timing['plain_found']:.0f} campaigns), "
        f"with 200 planted blocks of {timing['block']:.0f} (each made within three hours) in "
        f"{timing['planted_best_s']:.2f} s (median {timing['planted_median_s']:.2f} s, "
        f"{timing['planted_found']:.0f} found), in one process.",
    ]
    if api_result is not None:
        lines += _render_api(api_result)
    lines.append(END)
    return "\n".join(lines)


def _render_api(result: dict[str, Any]) -> list[str]:
    hot, big = result["hot"], result["big"]
    stage_rows = [f"| {k} | {hot['before'].get(k, float('nan')):.2f} | {hot['after'][k]:.2f} |"
                  for k in hot["after"]]
    s = big["stages_ms"]
    return [
        "", "The 1,000-account audit of `benchmarks/perf` (`POST /v1/audit?limit=20`, 999 "
        "followers, 949 with a follow time, so campaigns and the map come from the time "
        f"order; in-process), server stages in ms, median of {result['requests']} requests "
        f"per side in alternating rounds; *before* is commit `{BASELINE}`:", "",
        "| stage | before | after |", "|---|---:|---:|", *stage_rows, "",
        f"A {big['accounts']:,}-account follower list (ranks, no times; "
        f"{big['request_bytes'] / 2**20:.1f} MB request): the answer is "
        f"{big['response_bytes'] / 2**20:.2f} MB, of which the follower map "
        f"{big['map_bytes'] / 2**20:.2f} MB ({big['points']:,} points, "
        f"{big['map_bytes'] / max(1, big['points']):.1f} bytes each), with "
        f"{big['campaigns']} campaigns; {big['wall_s']:.1f} s in all (median of 3): "
        + ", ".join(f"{k} {v / 1000:.2f} s" for k, v in s.items()
                    if k not in ("cpu", "total")) + ".",
    ]


def _mid(runs: list[dict], key: str) -> float:
    return statistics.median(r[key] for r in runs)


def _pct(runs: list[dict], key: str, digits: int = 1) -> str:
    values = [100 * r[key] for r in runs]
    return (f"{statistics.median(values):.{digits}f}% ({min(values):.{digits}f}-"
            f"{max(values):.{digits}f})")


def _range(runs: list[dict], key: str) -> str:
    values = [r[key] for r in runs]
    return f"{statistics.median(values):,.0f} ({min(values):,}-{max(values):,})"


def _sum(runs: list[dict], key: str) -> str:
    return f"{sum(r[key] for r in runs)} in {len(runs)}"


def _measured(size: int, seed: int) -> dict[str, Any]:
    row = measure(size, seed)
    print(f"{size:>9,} seed {seed}: {row['campaigns']} campaigns, recall {row['recall']:.3f} "
          f"(dated {row['recall_dated']:.3f}), genuine inside {row['genuine_inside']:.4f}; "
          f"clean lists: {row['clean_campaigns']} (date alone {row['date_alone']}, lag alone "
          f"{row['lag_alone']}, null {row['null_campaigns']}); {row['seconds']:.3f} s",
          flush=True)
    return row


def _save(path: Path, results: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(orjson.dumps(results, option=orjson.OPT_INDENT_2))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000, 100_000])
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    parser.add_argument("--speed", type=int, default=1_000_000,
                        help="followers of the synthetic list timed")
    parser.add_argument("--api", action="store_true", help="measure the audit API too")
    parser.add_argument("--results", type=Path, default=RESULTS,
                        help="JSON file the measurements are written to")
    parser.add_argument("--reuse", action="store_true",
                        help="take the figures already in --results instead of measuring")
    parser.add_argument("--doc", type=Path, default=None,
                        help="markdown file whose generated section is replaced")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    saved = orjson.loads(args.results.read_bytes()) if args.reuse else {}
    rows = saved.get("rows") or [_measured(size, seed) for size in args.sizes
                                 for seed in args.seeds]
    timing = saved.get("speed") or speed(args.speed)
    print(f"speed: {timing}", flush=True)
    measured = saved.get("seconds", 0.0) + time.perf_counter() - start
    _save(args.results, {"rows": rows, "speed": timing, "seconds": measured})
    api_result = (saved.get("api") if args.reuse else None) or (api() if args.api else None)
    if api_result is not None:
        print(f"api: {api_result}", flush=True)
        _save(args.results, {"rows": rows, "speed": timing, "seconds": measured,
                             "api": api_result})
    sizes = sorted({r["accounts"] for r in rows})
    seeds = sorted({r["seed"] for r in rows})
    command = "python -m benchmarks.campaigns " + " ".join(
        ["--sizes", *map(str, sizes), "--seeds", *map(str, seeds)]
        + (["--api"] if args.api else []) + (["--doc", str(args.doc)] if args.doc else []))
    section = render(rows, timing, api_result, command, measured)
    if args.doc is not None:
        write_section(args.doc, section, BEGIN, END)
    else:
        print(section)


if __name__ == "__main__":
    main()
