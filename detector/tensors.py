"""The one builder from an account graph to a ``torch_geometric.data.Data``.

Relations (``edge_type``) let a relational GNN treat each direction of each edge kind
separately: an account hears from its followers, from the accounts it follows, from
those it unfollowed, and so on. Messages flow ``edge_index[0] -> edge_index[1]``.

Scoring needs only the model's inputs (``to_tensors``, which ``to_data`` builds on), so
a process that only scores never imports ``torch_geometric`` (1.6 s of ``ffd score``).
"""

from __future__ import annotations

from collections.abc import Collection
from typing import TYPE_CHECKING, NamedTuple

import numpy as np
import torch

from detector.graph import AccountGraph
from detector.schema import FOLLOW, UNFOLLOW

if TYPE_CHECKING:
    from torch_geometric.data import Data

#: Relation names, in ``edge_type`` code order.
RELATIONS = (
    "followed_by",  # v -> u: u hears from its followers
    "follows",  # u hears from the accounts it follows
    "unfollowed_by",
    "unfollows",
    "engaged_by",  # interactions received
    "engages",  # interactions given
)
NUM_RELATIONS = len(RELATIONS)


def relation_edges(graph: AccountGraph, relations: Collection[int] | None = None
                   ) -> tuple[np.ndarray, np.ndarray]:
    """``(edge_index [2, M], edge_type [M])`` with both directions of every edge, or of
    the edges of the relation codes in ``relations`` only (a model that reads no edge,
    as the MLP, need not build 22M of them at a million accounts)."""
    e = graph.edges
    kinds = (e.type == FOLLOW, e.type == UNFOLLOW, e.interactions())
    sources, targets, types = [], [], []
    for k, mask in enumerate(kinds):
        wanted = [r for r in (2 * k, 2 * k + 1) if relations is None or r in relations]
        if not wanted:
            continue
        rows = np.flatnonzero(mask)  # two takes of the rows beat two boolean subscripts
        s, d = e.src[rows], e.dst[rows]
        # Incoming (2k): the acted-on account hears from the actor; outgoing (2k + 1).
        for r in wanted:
            sources.append(s if r == 2 * k else d)
            targets.append(d if r == 2 * k else s)
            types.append(np.full(len(s), r, np.int64))
    # Written in place: stacking, then casting, copied 22M edges twice at 1M accounts.
    edge_index = np.empty((2, sum(len(s) for s in sources)), np.int64)
    if sources:
        np.concatenate(sources, out=edge_index[0])
        np.concatenate(targets, out=edge_index[1])
    return edge_index, np.concatenate(types) if types else np.zeros(0, np.int64)


class Tensors(NamedTuple):
    """What a model reads: ``x`` ``[N, F]`` float32, ``edge_index`` ``[2, M]``,
    ``edge_type`` ``[M]``."""

    x: torch.Tensor
    edge_index: torch.Tensor
    edge_type: torch.Tensor


def to_tensors(graph: AccountGraph, x: np.ndarray,
               relations: Collection[int] | None = None) -> Tensors:
    """The model's inputs: ``x`` (given features) and the relation edges (of the codes in
    ``relations`` only, when given: a model's ``relations``)."""
    if x.shape[0] != graph.num_accounts:
        raise ValueError(f"x has {x.shape[0]} rows for {graph.num_accounts} accounts")
    edge_index, edge_type = relation_edges(graph, relations)
    return Tensors(torch.from_numpy(np.ascontiguousarray(x, dtype=np.float32)),
                   torch.from_numpy(edge_index), torch.from_numpy(edge_type))


def to_data(graph: AccountGraph, x: np.ndarray) -> Data:
    """Build the PyG graph: ``x`` (given features), ``edge_index``, ``edge_type``,
    ``y`` (class code, -1 unlabelled), ``split`` (-1 none, 0 train, 1 val, 2 test).

    Shapes:
        x: ``[N, F]``; edge_index: ``[2, M]``; edge_type, ``[M]``; y, split: ``[N]``.
    """
    from torch_geometric.data import Data

    return Data(
        **to_tensors(graph, x)._asdict(),
        y=torch.from_numpy(graph.accounts.label.astype(np.int64)),
        split=torch.from_numpy(graph.accounts.split.astype(np.int64)),
        num_nodes=graph.num_accounts,
    )
