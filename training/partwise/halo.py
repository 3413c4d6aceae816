"""A part's follow edges as the propagation rounds read them, and its halo (the follow
neighbours other parts own), taken from its local graph before torch and the model come
in (``training.partwise.scoring``).

Once the features are computed the local graph (every edge touching the part's
accounts, with times, weights and ranks) is only needed for these few arrays: taken
first, they let the part drop the graph before it imports torch and runs the
per-account layer, where its features stage peaks. Measured at 1,000,000 accounts in 8
parts (largest part, one run each): resident after the features and a trim, 451-480 MB
with the graph, 352 MB without it; the part's peak 938 -> 833 MB (docs/scaling.md).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from detector.schema import FOLLOW
from training.partwise.features import LocalGraph


@dataclass
class FollowHalo:
    """A part's follow edges in both directions, kept where the receiving end is one of
    its ``core`` accounts (as ``detector.tensors.relation_edges`` gives them), in local
    rows: the part's accounts ``0..core-1``, then its halo, grouped by owning part.

    Shapes (``E`` edges, ``h`` halo accounts):
        - edges ``[2, E]`` int64: source row (``0..core+h-1``), target row (``< core``)
        - degree ``[core]`` float32: follow degree of the part's accounts
        - keys, owner ``[h]``: each halo account's key (place in the input) and owner
    """

    edges: np.ndarray
    degree: np.ndarray
    keys: np.ndarray
    owner: np.ndarray


def follow_halo(graph: LocalGraph, core: int, keys: np.ndarray,
                owner: np.ndarray) -> FollowHalo:
    """The follow edges and halo of the first ``core`` accounts of ``graph``
    (``training.partwise.features.local_graph``; ``keys`` and ``owner`` of every account
    it indexes)."""
    e = graph.edges
    follow = np.flatnonzero(e.type == FOLLOW)
    s, d = e.src[follow], e.dst[follow]
    del follow
    src = np.concatenate([s[d < core], d[s < core]])
    dst = np.concatenate([d[d < core], s[s < core]])
    del s, d
    degree = np.bincount(dst, minlength=core).astype(np.float32)
    outside = np.unique(src[src >= core])
    outside = outside[np.argsort(owner[outside], kind="stable")]  # grouped by owner
    local = np.full(graph.num_accounts, -1, np.int64)
    local[:core] = np.arange(core)
    local[outside] = core + np.arange(len(outside))
    return FollowHalo(np.stack([local[src], dst]), degree, keys[outside], owner[outside])
