"""``ffd score --engine ray`` on one machine, against single-process ``ffd score`` on
the same graph: wall time, the driver's peak RSS, the largest part's peak RSS, halo
sizes, and the largest score difference.

Every run is a fresh process. The single-process figure is the ``ffd score`` command
under ``benchmarks.perf.rss``. A Ray run is a child that starts a local Ray instance as
``ffd score`` does (``training.ray_score.init_args``, ``num_cpus=2``) and scores the
sharded copy of the graph; the driver reports its own peak (``RUSAGE_SELF``: Ray's own
daemons are not counted) and every part (one actor process each) reports its peak when
it writes its scores. All parts live on this one machine at once, so a run also records
the least memory the machine had available, and stops (and is recorded as failed) below
``FLOOR_MB``.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from typing import Any

from benchmarks.perf.common import CACHE, ChildError, emit, python_child


def measure(accounts: int, model: str, parts: list[int], shards: int = 8,
            local: bool = True, dataset: tuple[bool, ...] = (False,),
            parked: tuple[int, ...] = (), worlds: int = 1,
            dataset_parts: tuple[int, ...] = ()) -> dict[str, Any]:
    """Single-process ``ffd score`` (if ``local``), then the Ray engine at each count of
    ``parts``, on the simulated graph of ``accounts`` cut into ``shards`` files; each
    with the feature pass in the parts and/or on Ray Data (``dataset``); then at each
    count of ``parked`` with the parts parked on disk between stages, and at each count of
    ``dataset_parts`` with the feature pass on Ray Data (``--ray-data``). With ``worlds``
    above 1 the graph is that many such worlds side by side
    (``benchmarks.perf.data.union_dir``), never whole in one process, so there is no
    single-process run."""
    import numpy as np
    import pandas as pd

    from benchmarks.perf.data import graph_dir, sharded_dir, union_dir
    from benchmarks.perf.score_speed import ffd_score

    if worlds > 1:
        local, sharded = False, union_dir(accounts, worlds, shards)
        accounts *= worlds
    else:
        # Simulated and cut into shards in a child: the whole graph never enters this
        # process, which stays alive beside the runs it measures.
        python_child("data", str(accounts), str(shards))
        data, sharded = graph_dir(accounts), sharded_dir(accounts, shards)
    out = CACHE / "scores" / f"ray-{accounts}"
    out.mkdir(parents=True, exist_ok=True)
    result: dict[str, Any] = {"accounts": accounts, "shards": shards, "worlds": worlds,
                              "cpus": 2, "runs": []}
    expected = None
    if local:
        single = out / "local.parquet"
        result["local"] = {k: round(v, 2) for k, v in
                           ffd_score(Path(model), data, single).items()}
        expected = pd.read_parquet(single).set_index("id").filter(like="p_")
    runs = ([(k, d, False) for k in parts for d in dataset] + [(k, False, True) for k in parked]
            + [(k, True, False) for k in dataset_parts])
    for k, on_data, park in runs:
        scores = out / f"parts-{k}"
        for old in scores.glob("*.parquet"):
            old.unlink()
        try:
            child = python_child("ray_speed", str(sharded), model, str(k), str(scores),
                                 "dataset" if on_data else "parts", "parked" if park else "")
        except ChildError as exc:  # out of memory (``_watch``) or failed: say so, go on
            result["runs"].append({"partitions": k, "dataset": on_data, "parked": park,
                                   "error": str(exc)[-600:]})
            continue
        run = {**child.value, "dataset": on_data, "parked": park,
               "wall_seconds": round(child.seconds, 2)}
        if expected is not None:
            got = pd.concat([pd.read_parquet(f, columns=["id", *expected.columns])
                             for f in sorted(scores.glob("*.parquet"))]).set_index("id")
            got = got.loc[expected.index]
            run["max_abs_diff"] = float(np.abs(got.to_numpy() - expected.to_numpy()).max())
            largest = max(p["peak_rss_mb"] for p in run["parts"])
            run["largest_part_share_of_local"] = round(
                largest / result["local"]["peak_rss_mb"], 3)
        result["runs"].append(run)
        result["edges"] = run["edges"]
    return result


#: A Ray run stops (its processes killed) when the machine has less memory available than
#: this: the benchmark shares the machine, and all parts of a run live on it at once.
FLOOR_MB = 2_500


def _watch(low: dict[str, float]) -> None:
    """Track the least available memory; kill this run's processes below ``FLOOR_MB``."""
    import psutil

    me = psutil.Process()
    while True:
        available = psutil.virtual_memory().available / 2**20
        low["available_mb"] = min(low.get("available_mb", available), available)
        # Every process of the run but this one, sampled: Ray Data's task workers too.
        for child in me.children(recursive=True):
            try:
                rss = child.memory_info().rss / 2**20
            except psutil.Error:
                continue
            low["worker_mb"] = max(low.get("worker_mb", 0.0), rss)
        if available < FLOOR_MB:
            print(f"available memory {available:.0f} MB < {FLOOR_MB} MB: stopping", flush=True)
            for child in me.children(recursive=True):
                child.kill()
            os._exit(3)
        time.sleep(0.2)


def _child(data: str, model: str, parts: str, out: str, feature_pass: str = "parts",
           parked: str = "") -> None:
    import threading

    import ray

    from training.ray_score import RayConfig, init_args, score_shards_ray

    low: dict[str, float] = {}
    threading.Thread(target=_watch, args=(low,), daemon=True).start()
    # The local instance ``ffd score --engine ray`` starts (its object store included),
    # started here so that its start is timed apart.
    config = RayConfig(partitions=int(parts), num_cpus=2, dataset=feature_pass == "dataset",
                       parked=parked == "parked")
    start = time.perf_counter()
    ray.init(**init_args(config))
    init = time.perf_counter() - start
    start = time.perf_counter()
    stats = score_shards_ray(model, data, out, config)
    seconds = time.perf_counter() - start
    ray.shutdown()
    emit({"partitions": stats["partitions"], "accounts": stats["accounts"],
          "edges": stats["edges"], "ray_init_seconds": round(init, 2),
          "seconds": round(seconds, 2), "object_store_mb": config.object_store_memory / 2**20,
          "driver_peak_rss_mb": stats["peak_rss_mb"],
          "largest_part_peak_rss_mb": max(p["peak_rss_mb"] for p in stats["parts"]),
          "least_available_mb": round(low.get("available_mb", float("nan"))),
          # Sampled every 0.2 s (RSS counts the object store's pages a process touched).
          "largest_process_sampled_mb": round(low.get("worker_mb", float("nan"))),
          "parts": [{k: p[k] for k in ("accounts", "halo", "peak_rss_mb", "peaks")}
                    for p in stats["parts"]]})


if __name__ == "__main__":
    _child(*sys.argv[1:])
