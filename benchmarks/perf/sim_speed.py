"""Simulator throughput: accounts per second and peak memory of ``simulate``.

Each size runs in a fresh child process, so the peak resident memory is that of one
simulation (interpreter and imports included, about 250 MB on their own).
"""

from __future__ import annotations

import sys
import time
from typing import Any

from benchmarks.perf.common import emit, median, python_child


def measure(sizes: dict[int, int]) -> list[dict[str, Any]]:
    """Median seconds, accounts/s and peak RSS of ``simulate`` per size (size -> repeats)."""
    rows = []
    for accounts, repeats in sizes.items():
        runs = [python_child("sim_speed", str(accounts), str(seed)) for seed in range(repeats)]
        seconds = median([r.value["seconds"] for r in runs])
        rows.append({
            "accounts": accounts,
            "edges": runs[0].value["edges"],
            "repeats": repeats,
            "seconds": round(seconds, 3),
            "runs": [round(r.value["seconds"], 3) for r in runs],
            "accounts_per_s": round(accounts / seconds),
            "peak_rss_mb": round(median([r.peak_rss_mb for r in runs]), 1),
        })
    return rows


def _child(accounts: int, seed: int) -> None:
    from training.simulator import SimConfig, simulate

    start = time.perf_counter()
    graph = simulate(SimConfig(accounts=accounts, seed=seed))
    emit({"seconds": time.perf_counter() - start, "edges": graph.num_edges})


if __name__ == "__main__":
    _child(int(sys.argv[1]), int(sys.argv[2]))
