"""``ffd score --engine ray``: score a graph as partitions on a Ray cluster.

1. Features are computed once on the whole graph (vectorised; they depend on global
   context such as creation batches and lockstep groups, which a partition cannot see).
2. The graph is cut into ``K`` parts: METIS (``pymetis``) minimises the edges cut; if
   pymetis is missing, contiguous blocks of the account order (``i * K // N``) are used.
3. Each part gets its halo: every account within ``L`` hops (edges taken in both
   directions, as the relations carry messages both ways), ``L`` being the model's
   number of message-passing layers from its saved arguments (0 for the MLP). With the
   induced subgraph on core + halo, a core account's output after ``L`` layers sees
   exactly its full ``L``-hop neighbourhood, so its scores equal single-machine scores.
4. Each part is a Ray task: it loads the model from the directory (one torch thread),
   runs the forward pass on its subgraph and returns the probabilities of its core
   accounts only; the driver puts them back in account order.

docs/scaling.md explains how this goes from one machine to a cluster.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

#: Partitioners: "metis" needs pymetis; "blocks" needs nothing; "auto" prefers METIS.
METHODS = ("auto", "metis", "blocks")


@dataclass
class RayConfig:
    """How to run the partitioned scoring."""

    address: str | None = None  # Ray cluster address; None starts a local Ray instance
    partitions: int | None = None  # parts of the graph; None: one per CPU of the cluster
    method: str = "auto"  # "auto" (METIS if pymetis is installed), "metis" or "blocks"
    num_cpus: int | None = None  # CPUs of a local instance (ignored with an address)

    def __post_init__(self) -> None:
        if self.method not in METHODS:
            raise ValueError(f"method must be one of {', '.join(METHODS)}, got {self.method!r}")
        if self.partitions is not None and self.partitions < 1:
            raise ValueError(f"partitions must be at least 1, got {self.partitions}")


@dataclass
class Part:
    """One partition: its core accounts first, then its halo (global indices)."""

    nodes: np.ndarray
    core: int  # the first ``core`` entries of ``nodes`` are the core accounts


def receptive_hops(classifier) -> int:
    """Hops of neighbourhood a node's output depends on: the model's layers, or 0."""
    model = classifier.model_
    return int(model.num_layers) if getattr(model, "uses_graph", True) else 0


def undirected(edge_index: np.ndarray, n: int):
    """Symmetric 0/1 CSR adjacency without self-loops (``scipy.sparse``)."""
    from scipy.sparse import coo_matrix

    src, dst = edge_index
    keep = src != dst
    # int32 counts: the halo search sums neighbours, and a hub has thousands of them.
    a = coo_matrix((np.ones(int(keep.sum()), np.int32), (src[keep], dst[keep])), shape=(n, n))
    a = (a + a.T).tocsr()
    a.data[:] = 1
    return a


def partition(adjacency, k: int, method: str = "auto") -> tuple[np.ndarray, str]:
    """Part id (``0..k-1``) of every node, and the method used."""
    n = adjacency.shape[0]
    if k <= 1 or n <= k:
        return np.minimum(np.arange(n) * max(k, 1) // max(n, 1), max(k, 1) - 1), "blocks"
    if method in ("auto", "metis"):
        try:
            import pymetis
        except ImportError:
            if method == "metis":
                raise
        else:
            csr = (adjacency.indptr, adjacency.indices)
            if hasattr(pymetis, "CSRAdjacency"):  # pymetis >= 2025.2
                _, membership = pymetis.part_graph(k, adjacency=pymetis.CSRAdjacency(*csr))
            else:
                _, membership = pymetis.part_graph(k, xadj=csr[0], adjncy=csr[1])
            return np.asarray(membership, dtype=np.int64), "metis"
    return np.arange(n, dtype=np.int64) * k // n, "blocks"


def with_halo(adjacency, parts: np.ndarray, hops: int) -> list[Part]:
    """Every part's core accounts followed by all accounts within ``hops`` of them."""
    out = []
    for p in range(int(parts.max()) + 1 if len(parts) else 0):
        core = np.flatnonzero(parts == p)
        if len(core) == 0:
            continue
        reached = np.zeros(len(parts), dtype=bool)
        reached[core] = True
        frontier = reached.copy()
        for _ in range(hops):
            frontier = (adjacency @ frontier.astype(np.int32)) > 0
            frontier &= ~reached
            reached |= frontier
        reached[core] = False
        out.append(Part(np.concatenate([core, np.flatnonzero(reached)]), len(core)))
    return out


def subgraph(edge_index: np.ndarray, edge_type: np.ndarray, nodes: np.ndarray,
             n: int) -> tuple[np.ndarray, np.ndarray]:
    """The relation edges among ``nodes``, renumbered to positions in ``nodes``."""
    local = np.full(n, -1, dtype=np.int64)
    local[nodes] = np.arange(len(nodes))
    src, dst = local[edge_index[0]], local[edge_index[1]]
    keep = (src >= 0) & (dst >= 0)
    return np.stack([src[keep], dst[keep]]), edge_type[keep]


_MODELS: dict[str, object] = {}


def score_part(model_dir: str, x: np.ndarray, edge_index: np.ndarray, edge_type: np.ndarray,
               core: int) -> np.ndarray:
    """Probabilities of the first ``core`` rows of one subgraph (runs inside a Ray task).

    ``x`` holds normalised features. The model is loaded from ``model_dir`` once per
    worker process and kept, so many tasks on one worker pay the load once.
    """
    import torch

    from models.calibration import softmax
    from models.estimator import FollowerClassifier

    torch.set_num_threads(1)  # one task per CPU: more threads would fight over it
    classifier = _MODELS.get(model_dir)
    if classifier is None:
        classifier = _MODELS[model_dir] = FollowerClassifier.load(model_dir)
    with torch.inference_mode():
        logits = classifier.model_(torch.from_numpy(x), torch.from_numpy(edge_index),
                                   torch.from_numpy(edge_type))
    return softmax(logits[:core].double().numpy(), classifier.temperature_)


def predict_proba_ray(model_dir: str | os.PathLike, graph, config: RayConfig | None = None,
                      log=lambda _msg: None, stats: dict | None = None) -> np.ndarray:
    """Scores of every account of ``graph``, computed partition by partition on Ray.

    Equal (to float tolerance) to ``FollowerClassifier.load(model_dir).predict_proba``.
    ``stats``, if given, receives the partitioning: method, partitions, hops, the core
    and halo accounts of each part.
    """
    from detector.errors import DetectorError
    from detector.features import compute_features
    from detector.tensors import relation_edges
    from models.estimator import FollowerClassifier

    try:
        import ray
    except ImportError:
        raise DetectorError("--engine ray needs Ray: pip install '.[scale]'") from None
    config = config or RayConfig()
    model_dir = str(Path(model_dir).resolve())
    classifier = FollowerClassifier.load(model_dir)
    n = graph.num_accounts
    if n == 0:
        return np.zeros((0, len(classifier.classes_)))
    x = classifier.normaliser_.transform(compute_features(graph))
    edge_index, edge_type = relation_edges(graph)
    started = ray.is_initialized()
    if not started:
        ray.init(address=config.address, num_cpus=None if config.address else config.num_cpus,
                 include_dashboard=False, log_to_driver=False)
    try:
        k = config.partitions or max(1, int(ray.cluster_resources().get("CPU", 1)))
        adjacency = undirected(edge_index, n)
        parts, method = partition(adjacency, k, config.method)
        hops = receptive_hops(classifier)
        pieces = with_halo(adjacency, parts, hops)
        halo = sum(len(p.nodes) - p.core for p in pieces)
        log(f"{len(pieces)} partitions ({method}), {hops}-hop halo: {halo:,} halo accounts "
            f"for {n:,} core accounts")
        if stats is not None:
            stats.update(method=method, partitions=len(pieces), hops=hops,
                         core=[p.core for p in pieces],
                         halo=[len(p.nodes) - p.core for p in pieces])
        task = ray.remote(num_cpus=1)(score_part)
        futures = []
        for piece in pieces:
            ei, et = subgraph(edge_index, edge_type, piece.nodes, n)
            futures.append(task.remote(model_dir, np.ascontiguousarray(x[piece.nodes]), ei, et,
                                       piece.core))
        proba = np.zeros((n, len(classifier.classes_)))
        for piece, result in zip(pieces, ray.get(futures), strict=True):
            proba[piece.nodes[:piece.core]] = result
        return proba
    finally:
        if not started:
            ray.shutdown()


def score_graph_ray(model_dir: str | os.PathLike, data: str | os.PathLike,
                    out: str | os.PathLike, config: RayConfig | None = None, log=print):
    """``ffd score --engine ray``: like ``training.score.score_graph``, on Ray."""
    import pandas as pd

    from detector.errors import DetectorError
    from models.estimator import FollowerClassifier
    from training.score import SUFFIXES, _write
    from training.train import load_data

    out = Path(out)
    if out.suffix.lower() not in SUFFIXES:
        raise DetectorError(f"{out}: the output must end in {', '.join(SUFFIXES)}")
    classes = list(FollowerClassifier.load(model_dir).classes_)
    graph = load_data(data)
    proba = predict_proba_ray(model_dir, graph, config, log=log)
    table = pd.DataFrame({"id": graph.ids.astype(str),
                          "label": pd.Categorical.from_codes(proba.argmax(axis=1),
                                                             categories=classes)})
    for c, name in enumerate(classes):
        table[f"p_{name}"] = proba[:, c]
    _write(table, out)
    return table
