"""The default model: evidence for "not genuine" from the profile, the graph and time,
added up, then passed along follows; a second head says bought or mass follower.

Built for graphs the model never saw (issue "Trust on real data"), where the three
kinds of evidence come and go with what the user could collect:

- **Profile evidence** ``p_i``: a partially monotone network (``models.monotone``) over
  the profile and flag columns. Columns with a sign in the feature table
  (``detector.features.Feature.sign``) keep their direction whatever the data says:
  raising only the following count never makes an account look more genuine.
- **Context evidence** ``c_i``: a partially monotone network over the graph and time
  columns (more mutual follows never look less genuine, more lockstep never more
  genuine), minus its own value on the "nothing observed" row (``context_null``, the features of an
  account without edges). An account seen without edges gets exactly ``c_i = 0``: it is
  judged on its profile alone, never on the absence of a graph.
- **Neighbourhood**: ``z = p + c`` is propagated over follows (either direction) for
  ``steps`` rounds, ``z_i <- p_i + c_i + beta * sum_j z_j' / sqrt(d_i d_j)`` with
  ``z' = tanh(z)`` and ``beta >= 0``: a follower of a hub hears little from it (the
  hub's degree divides), an account among suspicious accounts moves towards them
  (Cresci-2015: 96.7% of edges join accounts of one class). With ``beta >= 0`` and
  ``tanh`` increasing, the output stays monotone in every signed column.
- **A floor for profiles alone**: an account without any edge has ``z >= PROFILE_FLOOR``
  (at most 95% genuine): premium fakes copy real profiles, and only behaviour can
  clear an account beyond that. Clamping keeps every monotone guarantee.
- **Kind of fake**: ``q_i = sigmoid(t_i)``, ``t`` from a free network over all columns,
  is the share of the non-genuine mass that is a mass follower. Logits
  ``(0, z + log(1 - q), z + log q)`` give ``P(genuine) = sigmoid(-z)``, so every
  constraint on ``z`` holds for ``P(genuine)``; with two classes the logits are ``(0, z)``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import torch
import torch.nn.functional as F
from torch import Tensor
from torch.nn import Dropout, Linear, Module, Parameter, Sequential, Tanh

from models.base import NodeClassifier
from models.monotone import MonotoneMLP

#: ``detector.tensors.RELATIONS`` codes of follow edges (both directions).
FOLLOW_RELATIONS = (0, 1)
#: The lowest "not genuine" logit of an account seen without any edge: log(0.05 / 0.95),
#: so its profile alone never makes it more than 95% genuine. Premium fakes copy real
#: profiles; only behaviour (timing, the graph) can clear an account further.
PROFILE_FLOOR = -2.944


def _mlp(in_channels: int, hidden: int, dropout: float) -> Module:
    return Sequential(Linear(in_channels, hidden), Tanh(), Dropout(dropout),
                      Linear(hidden, hidden), Tanh(), Linear(hidden, 1))


class EvidenceGNN(Module):
    r"""Profile + context evidence, propagated over follows; 2 or 3 classes.

    Args:
        in_channels: number of input columns.
        hidden_channels: width of the hidden layers.
        out_channels: 2 (genuine, fake) or 3 (genuine, bought, mass follower).
        num_layers: hidden layers of the profile network.
        dropout: dropout on hidden activations.
        profile: columns read by the profile network (the rest are context).
        monotone: one sign per input column (see ``models.monotone``), the sign of its
            effect on "not genuine"; ``None``: all free.
        steps: propagation rounds over follows (0: no neighbourhood).

    Shapes:
        - **input:** x ``[N, in_channels]``, edge_index ``[2, M]``, edge_type ``[M]``
        - **output:** logits ``[N, out_channels]``
    """

    uses_graph = True
    # Every relation: any edge exempts an account from the floor of edge-less ones.
    relations = None

    def __init__(self, in_channels: int, hidden_channels: int, out_channels: int = 3,
                 num_layers: int = 2, dropout: float = 0.1, profile: Sequence[int] = (),
                 monotone: Sequence[int] | None = None, steps: int = 2) -> None:
        super().__init__()
        profile = [int(k) for k in profile]
        if not profile or not set(profile) <= set(range(in_channels)):
            raise ValueError(f"profile must list columns of 0..{in_channels - 1}, got {profile}")
        if out_channels not in (2, 3):
            raise ValueError(f"out_channels must be 2 or 3, got {out_channels}")
        if steps < 0:
            raise ValueError(f"steps must be >= 0, got {steps}")
        context = [k for k in range(in_channels) if k not in set(profile)]
        self.in_channels, self.hidden_channels, self.out_channels = (
            in_channels, hidden_channels, out_channels)
        self.num_layers, self.dropout, self.steps = num_layers, dropout, steps
        self.profile_columns = profile
        self.monotone = [0] * in_channels if monotone is None else [int(s) for s in monotone]
        if len(self.monotone) != in_channels:
            raise ValueError(f"monotone must hold {in_channels} signs, got {len(self.monotone)}")
        self.register_buffer("profile_index", torch.tensor(profile, dtype=torch.long))
        self.register_buffer("context_index", torch.tensor(context, dtype=torch.long))
        # The context columns of an account seen without edges; set by the estimator.
        self.register_buffer("context_null", torch.zeros(len(context)))
        self.profile = MonotoneMLP(len(profile), hidden_channels, num_layers,
                                   [self.monotone[k] for k in profile], dropout)
        self.context = MonotoneMLP(len(context), hidden_channels, num_layers,
                                   [self.monotone[k] for k in context], dropout) \
            if context else None
        self.kind = _mlp(in_channels, hidden_channels, dropout) if out_channels == 3 else None
        self.beta = Parameter(torch.empty(1))
        self.reset_parameters()

    def reset_parameters(self) -> None:
        for module in (self.profile, self.context):
            if module is not None:
                module.reset_parameters()
        if self.kind is not None:
            for layer in self.kind:
                if hasattr(layer, "reset_parameters"):
                    layer.reset_parameters()
        torch.nn.init.constant_(self.beta, -1.0)

    def evidence(self, x: Tensor) -> tuple[Tensor, Tensor]:
        """``(p, c)``: profile and context evidence per account, ``[N]`` each."""
        p = self.profile(x[:, self.profile_index])
        if self.context is None:
            return p, torch.zeros_like(p)
        null = self.context(self.context_null.unsqueeze(0))
        return p, self.context(x[:, self.context_index]) - null

    def _propagate(self, z0: Tensor, n: int, edge_index: Tensor,
                   edge_type: Tensor | None) -> Tensor:
        """The floor for edge-less accounts, then ``steps`` rounds over follows."""
        return propagate(z0.unsqueeze(-1), F.softplus(self.beta), self.steps, edge_index,
                         edge_type).squeeze(-1)

    def parts(self, x: Tensor, edge_index: Tensor, edge_type: Tensor | None = None
              ) -> tuple[Tensor, Tensor, Tensor | None]:
        """``(z, z0, t)`` in one pass: the fake logit, its part before the neighbourhood
        and the floor (``p + c``), and the kind logit (``None`` with two classes)."""
        NodeClassifier.check_edges(edge_index, edge_type, x.size(0))
        if x.size(1) != self.in_channels:
            raise ValueError(f"x has {x.size(1)} columns, the model {self.in_channels}")
        p, c = self.evidence(x)
        z = self._propagate(p + c, x.size(0), edge_index, edge_type)
        return z, p + c, None if self.kind is None else self.kind(x).squeeze(-1)

    def forward(self, x: Tensor, edge_index: Tensor, edge_type: Tensor | None = None) -> Tensor:
        z, _, t = self.parts(x, edge_index, edge_type)
        return logits(z, t)

    def arguments(self) -> dict[str, Any]:
        """The constructor arguments, enough to rebuild this exact model (JSON-safe)."""
        return {"in_channels": self.in_channels, "hidden_channels": self.hidden_channels,
                "out_channels": self.out_channels, "num_layers": self.num_layers,
                "dropout": self.dropout, "profile": list(self.profile_columns),
                "monotone": list(self.monotone), "steps": self.steps}

    def __repr__(self) -> str:
        return (f"{self.__class__.__name__}({self.in_channels}, {self.out_channels}, "
                f"hidden={self.hidden_channels}, profile={len(self.profile_columns)}, "
                f"signed={sum(1 for s in self.monotone if s)}, steps={self.steps})")


def logits(z: Tensor, t: Tensor | None) -> Tensor:
    """Class logits from the fake logit ``z`` and the kind logit ``t``: ``(0, z)`` with two
    classes, ``(0, z + log sigmoid(-t), z + log sigmoid(t))`` with three."""
    if t is None:
        return torch.stack([torch.zeros_like(z), z], dim=1)
    return torch.stack([torch.zeros_like(z), z + F.logsigmoid(-t), z + F.logsigmoid(t)], dim=1)


def propagate(z0: Tensor, beta: Tensor, steps: int, edge_index: Tensor,
              edge_type: Tensor | None) -> Tensor:
    """``z0`` ``[N, K]`` (K models at once) with the floor for edge-less accounts, then
    ``steps`` rounds ``z <- z0 + beta * sum_j tanh(z_j) / sqrt(d_i d_j)`` over follows
    (either direction); ``beta`` ``[K]`` non-negative."""
    n = z0.size(0)
    # Rows contiguous: the ensemble passes the transpose of its [K, N] evidence, and a
    # gather of strided rows (the values of a row 4 MB apart) took three times
    # as long at a million accounts; ``zeros_like`` and ``where`` keep the strides.
    z0 = z0.contiguous()
    if edge_index.numel() == 0:
        return z0.clamp(min=PROFILE_FLOOR)
    seen = torch.zeros(n, dtype=torch.bool)
    seen[edge_index.reshape(-1)] = True
    z0 = torch.where(seen.unsqueeze(-1), z0, z0.clamp(min=PROFILE_FLOOR))
    if not steps:
        return z0
    src, dst = follow_edges(edge_index, edge_type)
    degree = torch.bincount(dst, minlength=n).to(z0.dtype)
    # In place: at 11M edges every fresh [E] temporary costs a tenth of a second.
    norm = degree.index_select(0, src)
    norm.mul_(degree.index_select(0, dst)).clamp_(min=1.0).rsqrt_()
    norm = norm.unsqueeze(-1)
    z = z0
    for _ in range(steps):
        z = propagation_round(z0, z, norm, src, dst, beta)
    return z


def follow_edges(edge_index: Tensor, edge_type: Tensor | None) -> tuple[Tensor, Tensor]:
    """``(src, dst)`` of the follow relations (all edges without ``edge_type``). When they
    form one block, as ``detector.tensors.relation_edges`` lists them (first), that block
    is a view: copying 15M sources and targets took 0.6 s at a million accounts."""
    src, dst = edge_index
    if edge_type is None:
        return src, dst
    keep = ((edge_type == FOLLOW_RELATIONS[0]) | (edge_type == FOLLOW_RELATIONS[1])).nonzero()
    keep = keep.squeeze(1)
    if len(keep) and int(keep[-1]) - int(keep[0]) + 1 == len(keep):
        block = slice(int(keep[0]), int(keep[-1]) + 1)
        return src[block], dst[block]
    return src.index_select(0, keep), dst.index_select(0, keep)


def propagation_round(z0: Tensor, z: Tensor, norm: Tensor, src: Tensor, dst: Tensor,
                      beta: Tensor) -> Tensor:
    """One round ``z0 + beta * sum_j tanh(z_j) * norm`` over the edges ``src -> dst``:
    ``z0`` ``[n, K]`` for the receiving accounts (``dst < n``), ``z`` ``[n + h, K]`` the
    previous round of them and of the ``h`` senders beyond them (a part's halo,
    ``models.layerwise``), ``norm`` ``[E, 1]``. index_select/index_add_: a third faster
    than PyG's scatter at 1,000 accounts."""
    message = torch.tanh(z).index_select(0, src).mul_(norm)  # a fresh [E, K]: in place
    return z0 + beta * torch.zeros_like(z0).index_add_(0, dst, message)
