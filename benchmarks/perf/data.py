"""The inputs every benchmark reuses, built once and cached under ``var/bench``.

Graphs come from the simulator (``training.simulator``), so a fresh clone needs no
data: a whole-community graph of ``N`` accounts (about 10 edges per account) is saved in
the columnar form ``ffd score`` reads; audit documents (a target and its audience) are
saved as the JSON the API receives. The model is the project's default model.
"""

from __future__ import annotations

from pathlib import Path

from benchmarks.perf.common import CACHE

#: Seed of every benchmark graph (fixed, so runs compare like with like).
SEED = 7


def graph_dir(accounts: int, seed: int = SEED) -> Path:
    """Columnar directory of the simulated community graph, created if missing."""
    path = CACHE / f"graph-{accounts}-s{seed}"
    if not (path / "edges.parquet").exists():
        from detector.io import save_graph
        from training.simulator import SimConfig, simulate

        save_graph(simulate(SimConfig(accounts=accounts, seed=seed)), path)
    return path


def sharded_dir(accounts: int, shards: int, seed: int = SEED) -> Path:
    """The same graph in the sharded form (``shards`` files of accounts and of edges),
    created if missing; the one step of the Ray benchmark that loads the whole graph."""
    path = CACHE / f"graph-{accounts}-s{seed}-shards{shards}"
    if not (path / "graph.json").exists():
        from detector.io import load_graph, save_graph

        save_graph(load_graph(graph_dir(accounts, seed)), path, shards=shards)
    return path


def audit_document(accounts: int, seed: int = SEED) -> Path:
    """JSON audit request: a target and ``accounts - 1`` followers, created if missing."""
    path = CACHE / f"audit-{accounts}-s{seed}.json"
    if not path.exists():
        from detector.io import save_graph
        from training.simulator import SimConfig, simulate

        save_graph(simulate(SimConfig(accounts=accounts, seed=seed, audit_of="audited_brand")),
                   path)
    return path


def model_dir() -> Path:
    """The default model (``ffd default-model``), trained once into the cache."""
    from training.default_model import ensure_default_model

    return ensure_default_model(CACHE / "model", progress=False, log=lambda _msg: None)


if __name__ == "__main__":  # python -m benchmarks.perf.data ACCOUNTS SHARDS: prepare both
    import sys

    print(sharded_dir(int(sys.argv[1]), int(sys.argv[2])))
