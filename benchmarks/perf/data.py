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


def union_dir(accounts: int, worlds: int, shards: int) -> Path:
    """``worlds`` simulated community graphs of ``accounts`` each (seeds ``SEED``,
    ``SEED + 1``, ...) as one sharded graph, created if missing: every world's ids are
    prefixed with its number (``w3:``), so no edge joins two worlds. Each world is
    simulated and cut into ``shards`` files in a child process of its own and the files
    are rewritten one at a time, so no process ever holds the union: the way the
    benchmarks make a graph no process should hold whole (ten million accounts)."""
    import orjson
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    from benchmarks.perf.common import python_child

    path = CACHE / f"union-{worlds}x{accounts}-s{SEED}-shards{shards}"
    if (path / "graph.json").exists():
        return path
    observed = []
    for w in range(worlds):
        python_child("data", str(accounts), str(shards), str(SEED + w))
        world = sharded_dir(accounts, shards, SEED + w)
        observed.append(orjson.loads((world / "graph.json").read_bytes()).get("observed_at"))
        for kind, columns in (("accounts", ["id"]), ("edges", ["source", "target"])):
            (path / kind).mkdir(parents=True, exist_ok=True)
            for file in sorted((world / kind).glob("*.parquet")):
                table = pq.read_table(file)
                for name in columns:
                    k = table.schema.get_field_index(name)
                    ids = table[name].cast(pa.string())
                    prefixed = pc.binary_join_element_wise(f"w{w}", ids, ":")
                    table = table.set_column(k, name, prefixed)
                pq.write_table(table, path / kind / f"w{w:02d}-{file.name}")
    meta = orjson.loads((sharded_dir(accounts, shards, SEED) / "graph.json").read_bytes())
    meta["observed_at"] = max((o for o in observed if o is not None), default=None)
    (path / "graph.json").write_bytes(orjson.dumps(meta))  # last: marks the union whole
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


if __name__ == "__main__":  # python -m benchmarks.perf.data ACCOUNTS SHARDS [SEED]
    import sys

    print(sharded_dir(*(int(a) for a in sys.argv[1:4])))
