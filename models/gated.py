"""A binary GNN for thin, drifting follow graphs: a partially monotone profile network,
then a degree-gated propagation of its scores over the follow graph.

Two ideas, each answering a measured weakness of the residual GNNs on Cresci-2015
(docs/benchmarks.md):

- **Monotone by construction** (``models.monotone``): more followers, more followers
  per followee or more lists never make an account look more bought, whatever the
  other inputs. Unsigned columns (age, name length, avatar) enter freely.
- **Isolated accounts handled explicitly.** The graph speaks through one gate per
  account, a learned function of its degree that is exactly 0 without edges: an
  isolated account (64% of Cresci-2015) keeps its profile score, a connected one moves
  towards its neighbours' scores as much as its degree earns (APPNP-style propagation,
  Gasteiger et al. 2019, with a per-node gate instead of one teleport weight).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import torch
from torch import Tensor
from torch.nn import Linear, Module
from torch_geometric.utils import scatter, to_undirected

from models.base import NodeClassifier
from models.monotone import MonotoneMLP


class GatedMonotoneGNN(Module):
    r"""Partially monotone scorer + degree-gated score propagation (two classes).

    .. math::
        s_i = f(x_i) \text{ with } \partial f / \partial (\sigma_k x_{ik}) \ge 0, \qquad
        z^{(t+1)}_i = (1 - a_i)\, s_i + a_i \operatorname{mean}_{j \in N(i)} z^{(t)}_j,
        \qquad a_i = \mathbb{1}[d_i > 0]\, \mathrm{sigmoid}(w \log(1 + d_i) + c)

    where :math:`\sigma_k \in \{-1, 0, +1\}` is column :math:`k`'s sign (``monotone``),
    :math:`d_i` the number of distinct neighbours (edge direction and type ignored) and
    the logits are :math:`(0, z^{(T)}_i)`, so ``P(class 1) = sigmoid(z)``. With
    non-negative propagation weights the output stays monotone in every signed column.

    Args:
        in_channels: number of input features.
        hidden_channels: width of every hidden layer of the profile network.
        out_channels: must be 2 (class 1 is the one the signs point towards).
        num_layers: hidden layers of the profile network (at least 1).
        dropout: dropout on hidden activations.
        monotone: one sign per input column: ``+1`` class 1 never less likely as it
            grows, ``-1`` never more likely, ``0`` free. ``None``: all free.
        steps: propagation steps ``T`` (0: a graph-blind monotone network).

    Shapes:
        - **input:** x ``[N, in_channels]``, edge_index ``[2, M]`` (edge_type ignored)
        - **output:** logits ``[N, 2]``
    """

    uses_graph = True
    relations = None

    def __init__(self, in_channels: int, hidden_channels: int, out_channels: int = 2,
                 num_layers: int = 2, dropout: float = 0.2,
                 monotone: Sequence[int] | None = None, steps: int = 2) -> None:
        super().__init__()
        signs = [0] * in_channels if monotone is None else [int(s) for s in monotone]
        if len(signs) != in_channels or not set(signs) <= {-1, 0, 1}:
            raise ValueError(f"monotone must hold {in_channels} signs in (-1, 0, 1), got {signs}")
        if out_channels != 2:
            raise ValueError(f"GatedMonotoneGNN is binary: out_channels must be 2, got "
                             f"{out_channels}")
        if num_layers < 1 or steps < 0:
            raise ValueError(f"num_layers must be >= 1 and steps >= 0, got {num_layers}, {steps}")
        self.in_channels, self.hidden_channels = in_channels, hidden_channels
        self.out_channels, self.num_layers = out_channels, num_layers
        self.dropout, self.monotone, self.steps = dropout, signs, steps
        self.profile = MonotoneMLP(in_channels, hidden_channels, num_layers, signs, dropout)
        self.gate = Linear(1, 1)  # log(1 + degree) -> gate logit
        self.reset_parameters()

    def reset_parameters(self) -> None:
        self.profile.reset_parameters()
        torch.nn.init.constant_(self.gate.weight, 1.0)
        torch.nn.init.constant_(self.gate.bias, -1.0)

    def profile_score(self, x: Tensor) -> Tensor:
        """``s``: the graph-blind, partially monotone score of every account, ``[N]``."""
        return self.profile(x)

    def forward(self, x: Tensor, edge_index: Tensor, edge_type: Tensor | None = None) -> Tensor:
        NodeClassifier.check_edges(edge_index, edge_type, x.size(0))
        if x.size(1) != self.in_channels:
            raise ValueError(f"x has {x.size(1)} columns, the model {self.in_channels}")
        s = self.profile_score(x)
        z = s
        if self.steps and edge_index.numel():
            edges = to_undirected(edge_index[:, edge_index[0] != edge_index[1]],
                                  num_nodes=x.size(0))
            degree = scatter(torch.ones_like(edges[1], dtype=x.dtype), edges[1], 0,
                             dim_size=x.size(0), reduce="sum")
            gate = torch.sigmoid(self.gate(torch.log1p(degree).unsqueeze(-1))).squeeze(-1)
            gate = torch.where(degree > 0, gate, torch.zeros_like(gate))
            for _ in range(self.steps):
                mean = scatter(z[edges[0]], edges[1], 0, dim_size=x.size(0), reduce="mean")
                z = (1.0 - gate) * s + gate * mean
        return torch.stack([torch.zeros_like(z), z], dim=1)

    def arguments(self) -> dict[str, Any]:
        """The constructor arguments, enough to rebuild this exact model (JSON-safe)."""
        return {"in_channels": self.in_channels, "hidden_channels": self.hidden_channels,
                "out_channels": self.out_channels, "num_layers": self.num_layers,
                "dropout": self.dropout, "monotone": list(self.monotone), "steps": self.steps}

    def __repr__(self) -> str:
        return (f"{self.__class__.__name__}({self.in_channels}, {self.out_channels}, "
                f"hidden={self.hidden_channels}, layers={self.num_layers}, "
                f"monotone={self.monotone}, steps={self.steps})")
