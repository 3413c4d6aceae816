"""Generation time and peak memory of ``training.simulator.simulate`` (docs/simulator.md).

    .venv/bin/python -m benchmarks.simulator --sizes 100000 1000000 --write \\
        --json benchmarks/results/simulator.json

Each size runs in a fresh child process, so its peak resident memory (``ru_maxrss``) is
that of one simulation, interpreter and imports included. Wall time depends on what
else runs on the machine, so CPU time and the load average are recorded beside it.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any


def run_child(accounts: int, seed: int, difficulty: str, write: bool) -> dict[str, Any]:
    """Simulate once in this process and return its measurements."""
    from training.simulator import SimConfig, simulate

    baseline_mb = _peak_mb()
    stages: list[str] = []
    wall, cpu = time.perf_counter(), time.process_time()
    graph = simulate(SimConfig(accounts=accounts, seed=seed, difficulty=difficulty),
                     progress=stages.append)
    row: dict[str, Any] = {
        "accounts": accounts,
        "edges": graph.num_edges,
        "difficulty": difficulty,
        "seed": seed,
        "simulate_wall_s": round(time.perf_counter() - wall, 2),
        "simulate_cpu_s": round(time.process_time() - cpu, 2),
        "peak_rss_mb": round(_peak_mb(), 1),
        "imports_rss_mb": round(baseline_mb, 1),
        "stages": stages,
    }
    if write:
        from detector.io import save_graph

        with tempfile.TemporaryDirectory() as tmp:
            start = time.perf_counter()
            save_graph(graph, Path(tmp) / "graph")
            row["write_parquet_wall_s"] = round(time.perf_counter() - start, 2)
        row["peak_rss_with_write_mb"] = round(_peak_mb(), 1)
    return row


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def measure(sizes: list[int], seed: int, difficulty: str, write: bool) -> dict[str, Any]:
    """One fresh child process per size; returns the report."""
    rows = []
    for accounts in sizes:
        load = os.getloadavg()[0]
        args = [sys.executable, "-m", "benchmarks.simulator", "--child", str(accounts),
                "--seed", str(seed), "--difficulty", difficulty] + (["--write"] if write else [])
        done = subprocess.run(args, capture_output=True, text=True, check=True)
        row = json.loads(done.stdout.strip().splitlines()[-1])
        row["load_average_1min_before"] = round(load, 2)
        rows.append(row)
        print(_line(row), flush=True)
    return {
        "benchmark": "simulator",
        "command": "python -m benchmarks.simulator " + " ".join(sys.argv[1:]),
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "machine": platform.machine(),
        "rows": rows,
    }


def _line(row: dict[str, Any]) -> str:
    text = (f"{row['accounts']:>9,} accounts {row['edges']:>11,} edges: "
            f"simulate {row['simulate_wall_s']:.1f}s wall / {row['simulate_cpu_s']:.1f}s CPU, "
            f"peak RSS {row['peak_rss_mb']:,.0f} MB")
    if "write_parquet_wall_s" in row:
        text += (f"; Parquet write {row['write_parquet_wall_s']:.1f}s, "
                 f"peak {row['peak_rss_with_write_mb']:,.0f} MB")
    return text + f" (load {row['load_average_1min_before']})"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--difficulty", default="realistic")
    parser.add_argument("--write", action="store_true", help="also time the Parquet write")
    parser.add_argument("--json", type=Path, help="write the report here")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child is not None:
        print(json.dumps(run_child(args.child, args.seed, args.difficulty, args.write)))
        return
    report = measure(args.sizes, args.seed, args.difficulty, args.write)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report, indent=2) + "\n")


if __name__ == "__main__":
    main()
