"""``ffd score --engine ray``: score a sharded graph part by part on a Ray cluster, no
process holding the whole graph.

Each part is a Ray actor (``training.partwise.worker.PartWorker``) that owns the
accounts whose id hashes to it. The actors read the input's Parquet shards, route rows
to their owners (as Arrow files in ``<out>/.exchange``, ``training.partwise.spill``),
compute their accounts' features with the
target-side values computed where each target's follower list is whole, and run the
evidence model layer by layer: the per-account evidence first, then each propagation
round from one row per 1-hop neighbour of the previous round. Each writes its accounts'
scores as one Parquet file. The driver only routes references (``training.partwise.run``)
and holds a few numbers per part. With ``RayConfig(parked=True)`` the parts are not
actors but files, each stage a task (``ParkedBackend``), for graphs whose parts do not
fit the machine's memory together.

docs/scaling.md describes the stages, the layout and how this goes to a cluster.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

#: The project root: local Ray workers import this checkout's code from here.
ROOT = Path(__file__).resolve().parents[1]


@dataclass
class RayConfig:
    """How to run the partitioned scoring."""

    address: str | None = None  # Ray cluster address; None starts a local Ray instance
    partitions: int | None = None  # parts of the graph; None: one per CPU of the cluster
    num_cpus: int | None = None  # CPUs of a local instance (ignored with an address)
    # Object store of a local instance in bytes (ignored with an address); None: Ray's
    # default, 30% of the machine's memory. Every process that touched a page of the
    # store keeps it resident, so the store bounds what Ray Data's workers hold beside
    # their own heap (docs/scaling.md); beyond it the exchanges spill to disk.
    object_store_memory: int | None = 2**30
    # Group-bys and joins of the feature pass on Ray Data (training.partwise.dataset)
    # instead of in the parts; opt-in while it costs more than it saves (docs/scaling.md).
    dataset: bool = False
    # Each part's state on disk between its stages, its stages as Ray tasks, instead of
    # one actor per part holding it throughout: a machine then holds only the parts
    # that are running, so graphs whose parts together exceed its memory can be scored
    # (training.partwise.parked); costs writing and reading each part once per stage.
    parked: bool = False

    def __post_init__(self) -> None:
        if self.partitions is not None and self.partitions < 1:
            raise ValueError(f"partitions must be at least 1, got {self.partitions}")
        if self.object_store_memory is not None and self.object_store_memory < 1:
            raise ValueError(f"object_store_memory must be positive, got "
                             f"{self.object_store_memory}")


class _RayTasks:
    """What both Ray backends share: the one stateless task and waiting for results."""

    ray: Any

    def task(self, fn: Callable, args: tuple, returns: int) -> list:
        # No CPU reserved: the actors may hold every CPU of the cluster, and this one
        # short task must still run.
        remote = self.ray.remote(num_cpus=0)(_first if returns == 1 else fn)
        if returns == 1:
            return [remote.remote(fn, *args)]
        return remote.options(num_returns=returns).remote(*args)

    def get(self, refs: Any) -> Any:
        return self.ray.get(refs)


class RayBackend(_RayTasks):
    """The parts as Ray actors (``training.partwise.run.Backend``): every part's state
    stays in its actor's process from the first stage to the last."""

    def __init__(self, model_dir: str, parts: int, dataset: bool = False) -> None:
        import ray

        from training.partwise.worker import PartWorker

        self.ray = ray
        cpus = float(ray.cluster_resources().get("CPU", 1.0))
        # With the Ray Data pass the parts reserve no CPU (they wait while it runs, and
        # Ray Data's tasks need the CPUs) and are spread over the nodes instead.
        options = ({"num_cpus": 0, "scheduling_strategy": "SPREAD"} if dataset
                   else {"num_cpus": min(1.0, cpus / parts)})
        actor = ray.remote(PartWorker).options(**options, max_concurrency=1)
        self.workers = [actor.remote(model_dir, p, parts, dataset=dataset)
                        for p in range(parts)]

    def call(self, part: int, method: str, args: tuple, returns: int | None) -> Any:
        bound = getattr(self.workers[part], method)
        if returns is None:
            return bound.remote(*args)
        if returns == 1:  # Ray returns one object, not a list of one
            return [self.workers[part].first.remote(method, *args)]
        return bound.options(num_returns=returns).remote(*args)

    def close(self) -> None:
        for worker in self.workers:
            self.ray.kill(worker)


class ParkedBackend(_RayTasks):
    """The parts parked on disk between their stages (``training.partwise.parked``):
    each stage of a part is a Ray task reserving one CPU, so a machine holds only the
    parts whose stages are running. A part's stages run in order: each task returns a
    token after its results, and the part's next task takes it as an argument."""

    def __init__(self, model_dir: str, parts: int, out_dir: str, dataset: bool = False) -> None:
        import ray

        self.ray = ray
        self.model_dir, self.parts, self.out_dir, self.dataset = model_dir, parts, out_dir, dataset
        # Never retried: a stage that died after parking its part, or after reading the
        # files sent to it (each deleted once read), cannot run again; the run fails.
        self.remote = ray.remote(num_cpus=1, max_retries=0)(_parked_stage)
        self.after: list[Any] = [None] * parts

    def call(self, part: int, method: str, args: tuple, returns: int | None) -> Any:
        from training.partwise.parked import park_path

        n = 1 if returns is None else returns
        refs = self.remote.options(num_returns=n + 1).remote(
            self.after[part], str(park_path(self.out_dir, part)), self.model_dir, part,
            self.parts, self.dataset, method, returns, *args)
        self.after[part] = refs[-1]
        return refs[0] if returns is None else refs[:n]

    def close(self) -> None:
        """Nothing to stop: the parked files go with the run's exchange directory."""


def _parked_stage(after: Any, path: str, model_dir: str, part: int, parts: int,
                  dataset: bool, method: str, returns: int | None, *args: Any) -> tuple:
    """One stage of a parked part as a Ray task: its results, then the token for the
    part's next stage (``after``, the previous stage's token, is taken only to wait)."""
    from training.partwise.parked import run_stage

    out = run_stage(path, model_dir, part, parts, dataset, method, *args)
    return (out, True) if returns is None else (*out, True)


def _first(fn: Callable, *args: Any) -> Any:
    return fn(*args)[0]


def init_args(config: RayConfig) -> dict[str, Any]:
    """``ray.init``'s arguments for ``config``: a cluster's address alone, or a local
    instance with its CPUs, its object store and workers that import this checkout and
    allocate as ``training.partwise.memory.WORKER_ENV`` says."""
    from training.partwise.memory import WORKER_ENV

    quiet = {"include_dashboard": False, "log_to_driver": False}
    if config.address:
        return {"address": config.address, **quiet}
    return {"num_cpus": config.num_cpus, "object_store_memory": config.object_store_memory,
            "runtime_env": {"env_vars": {"PYTHONPATH": str(ROOT), **WORKER_ENV}}, **quiet}


def score_shards_ray(model_dir: str | os.PathLike, data: str | os.PathLike,
                     out_dir: str | os.PathLike, config: RayConfig | None = None,
                     log=lambda _msg: None) -> dict[str, Any]:
    """Score the sharded graph ``data`` (``detector.shards``) on Ray; every part writes
    ``out_dir/<part>.parquet`` (``id, pos, label, p_<class>...``).

    Returns:
        ``accounts``, ``edges``, ``partitions``, the driver's ``peak_rss_mb`` and per
        part its ``accounts``, ``halo``, ``labels`` and ``peak_rss_mb``.
    """
    from detector.errors import DetectorError
    from training.partwise.memory import peak_rss_mb
    from training.partwise.run import evidence_steps, plan_for, run

    try:
        import ray
    except ImportError:
        raise DetectorError("--engine ray needs Ray: pip install '.[scale]'") from None
    config = config or RayConfig()
    model_dir = str(Path(model_dir).resolve())
    plan = plan_for(data, evidence_steps(model_dir))
    started = ray.is_initialized()
    if not started:
        ray.init(**init_args(config))
    try:
        k = config.partitions or max(1, int(ray.cluster_resources().get("CPU", 1)))
        account_files, edge_files = plan.files()
        log(f"{account_files} account files, {edge_files} edge files "
            f"({len(plan.accounts) + len(plan.edges)} pieces), {sum(plan.account_rows):,} "
            f"accounts, {sum(plan.edge_rows):,} edges in; {k} parts")
        Path(out_dir).mkdir(parents=True, exist_ok=True)
        out = str(Path(out_dir).resolve())
        backend = (ParkedBackend(model_dir, k, out, config.dataset) if config.parked
                   else RayBackend(model_dir, k, config.dataset))
        try:
            parts = run(backend, plan, k, out, config.dataset)
        finally:
            backend.close()
    finally:
        if not started:
            ray.shutdown()
    return {**plan.stats, "partitions": k, "parts": parts, "peak_rss_mb": peak_rss_mb()}


def score_graph_ray(model_dir: str | os.PathLike, data: str | os.PathLike,
                    out: str | os.PathLike, config: RayConfig | None = None,
                    log=print) -> dict[str, Any]:
    """``ffd score --engine ray``: ``data`` a sharded directory (other inputs are loaded
    here and written as shards first: for small graphs only); ``out`` a directory for
    one Parquet file per part, or one ``.csv``/``.parquet`` table (gathered here, in the
    input's account order)."""
    from detector.shards import is_sharded
    from training.tables import SUFFIXES

    out = Path(out)
    with tempfile.TemporaryDirectory(prefix="ffd-ray-") as scratch:
        if not is_sharded(data):
            from detector.io import save_graph
            from training.train import load_data

            log(f"{data} is not sharded: loading it here and writing shards first")
            data = save_graph(load_data(data), Path(scratch) / "graph", shards=8)
        single = out.suffix.lower() in SUFFIXES
        result = score_shards_ray(model_dir, data, Path(scratch) / "scores" if single else out,
                                  config, log)
        if single:
            _gather(Path(scratch) / "scores", out)
    return result


def _gather(parts: Path, out: Path) -> None:
    """One table in input order from the parts' files."""
    import pandas as pd

    from training.tables import write_table

    table = pd.concat([pd.read_parquet(f) for f in sorted(parts.glob("*.parquet"))],
                      ignore_index=True)
    table = table.sort_values("pos", kind="stable").drop(columns="pos")
    write_table(table.reset_index(drop=True), out)
