"""``ffd score --engine ray`` on one machine: time, halo sizes, and agreement with the
single-process scores, for a few partition counts and both partitioners.

On one 2-core machine Ray cannot be faster than one process (same cores, plus task and
object-store overhead); this measures the overhead and the halo a cluster would pay.
"""

from __future__ import annotations

import os
import sys
import time
from typing import Any

from benchmarks.perf.common import emit, python_child


def measure(accounts: int, model: str, settings: list[tuple[str, int]]) -> dict[str, Any]:
    from benchmarks.perf.data import graph_dir

    args = [str(graph_dir(accounts)), model] + [f"{m}:{k}" for m, k in settings]
    result = python_child("ray_speed", *args)
    return {**result.value, "peak_rss_mb_driver": round(result.peak_rss_mb, 1)}


def _child(path: str, model: str, settings: list[str]) -> None:
    import numpy as np
    import ray

    from detector.io import load_graph
    from models.estimator import FollowerClassifier
    from training.ray_score import RayConfig, predict_proba_ray

    graph = load_graph(path)
    start = time.perf_counter()
    expected = FollowerClassifier.load(model).predict_proba(graph)
    local = time.perf_counter() - start
    start = time.perf_counter()
    ray.init(include_dashboard=False, log_to_driver=False)
    init = time.perf_counter() - start
    # Warm-up: the first tasks start the worker processes and import torch there.
    predict_proba_ray(model, graph, RayConfig(partitions=2, method="blocks"))
    runs = []
    for setting in settings:
        method, k = setting.split(":")
        stats: dict[str, Any] = {}
        start = time.perf_counter()
        got = predict_proba_ray(model, graph, RayConfig(partitions=int(k), method=method),
                                stats=stats)
        runs.append({
            "method": stats["method"], "partitions": stats["partitions"], "hops": stats["hops"],
            "seconds": round(time.perf_counter() - start, 2),
            "halo_share": round(sum(stats["halo"]) / graph.num_accounts, 3),
            "largest_part": max(c + h for c, h in zip(stats["core"], stats["halo"],
                                                      strict=True)),
            "max_abs_diff": float(np.abs(got - expected).max()),
        })
    ray.shutdown()
    emit({"accounts": graph.num_accounts, "edges": graph.num_edges, "cpus": os.cpu_count(),
          "local_seconds": round(local, 2), "ray_init_seconds": round(init, 2), "runs": runs})


if __name__ == "__main__":
    _child(sys.argv[1], sys.argv[2], sys.argv[3:])
