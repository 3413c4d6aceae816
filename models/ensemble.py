"""Several evidence models averaged: the default model's defence against the luck of one
simulated mix.

Each member (``models.evidence.EvidenceGNN``) trains on its own share of the simulated
worlds; the ensemble averages their "not genuine" logits ``z`` and their kind logits
``t`` (Lakshminarayanan et al. 2017 average probabilities; averaging logits keeps what
matters here): an average of functions monotone in a column is monotone in it, and the
integrated gradients of an average are the average of the members' (``evidence``
returns averaged parts), so every guarantee and explanation of one member holds for the
whole. Measured: one member's decision threshold on Cresci-2015 moved by tens of points
of recall from one simulated mix to the next (docs/transfer-protocol.md).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import torch
import torch.nn.functional as F
from torch import Tensor
from torch.nn import Module, ModuleList

from models.base import NodeClassifier
from models.evidence import EvidenceGNN, logits, propagate
from models.monotone import MonotoneMLP


class EvidenceEnsemble(Module):
    r"""The mean of ``members`` evidence models with the same arguments.

    .. math::
        \bar z = \tfrac{1}{K} \sum_k z_k, \qquad \bar t = \tfrac{1}{K} \sum_k t_k,
        \qquad \text{logits} = (0,\ \bar z + \log\sigma(-\bar t),\ \bar z + \log\sigma(\bar t))

    Args:
        members: how many evidence models (at least 2).
        **arguments: ``EvidenceGNN`` arguments, shared by every member.

    Shapes:
        - **input:** x ``[N, in_channels]``, edge_index ``[2, M]``, edge_type ``[M]``
        - **output:** logits ``[N, out_channels]``
    """

    uses_graph = True

    def __init__(self, members: int, **arguments: Any) -> None:
        super().__init__()
        if members < 2:
            raise ValueError(f"an ensemble needs at least 2 members, got {members}")
        self.members = ModuleList(EvidenceGNN(**arguments) for _ in range(members))
        first = self.members[0]
        self.in_channels, self.out_channels = first.in_channels, first.out_channels
        self.hidden_channels, self.steps = first.hidden_channels, first.steps
        self._arguments = first.arguments()

    @classmethod
    def of(cls, members: Sequence[EvidenceGNN]) -> EvidenceEnsemble:
        """The ensemble of already trained ``members`` (same arguments)."""
        ensemble = cls(len(members), **members[0].arguments())
        for slot, member in zip(ensemble.members, members, strict=True):
            if member.arguments() != ensemble._arguments:
                raise ValueError("ensemble members must share their arguments")
            slot.load_state_dict(member.state_dict())
        return ensemble

    @property
    def context_index(self) -> Tensor:
        return self.members[0].context_index

    @property
    def context_null(self) -> Tensor:
        return self.members[0].context_null

    def evidence(self, x: Tensor) -> tuple[Tensor, Tensor]:
        """Mean profile and context evidence over the members, ``[N]`` each."""
        p, c = self._evidence_each(x)
        return p.mean(0), c.mean(0)

    def _evidence_each(self, x: Tensor) -> tuple[Tensor, Tensor]:
        """Every member's profile and context evidence, ``[K, N]`` each: one batched
        product per layer for all members when evaluating (a loop over members costs
        five times the small-kernel overhead), the members' own modules when training."""
        first = self.members[0]
        if self.training:
            each = [m.evidence(x) for m in self.members]
            return torch.stack([p for p, _ in each]), torch.stack([c for _, c in each])
        p = monotone_all([m.profile for m in self.members], x[:, first.profile_index])
        if first.context is None:
            return p, torch.zeros_like(p)
        contexts = [m.context for m in self.members]
        null = torch.stack([m.context_null for m in self.members])  # [K, C]
        c = monotone_all(contexts, x[:, first.context_index])
        c_null = monotone_all(contexts, null.unsqueeze(1), each_row=True)  # [K, 1]
        return p, c - c_null

    def parts(self, x: Tensor, edge_index: Tensor, edge_type: Tensor | None = None
              ) -> tuple[Tensor, Tensor, Tensor | None]:
        """``(z, z0, t)`` averaged over the members (see ``EvidenceGNN.parts``)."""
        NodeClassifier.check_edges(edge_index, edge_type, x.size(0))
        if self.training:
            each = [m.parts(x, edge_index, edge_type) for m in self.members]
            z = torch.stack([p[0] for p in each]).mean(0)
            z0 = torch.stack([p[1] for p in each]).mean(0)
            t = None if each[0][2] is None else torch.stack([p[2] for p in each]).mean(0)
            return z, z0, t
        p, c = self._evidence_each(x)
        beta = F.softplus(torch.cat([m.beta for m in self.members]))
        z = propagate((p + c).T, beta, self.steps, edge_index, edge_type).T  # [K, N]
        t = None if self.out_channels == 2 else kind_all([m.kind for m in self.members], x)
        return z.mean(0), (p + c).mean(0), None if t is None else t.mean(0)

    def forward(self, x: Tensor, edge_index: Tensor, edge_type: Tensor | None = None) -> Tensor:
        z, _, t = self.parts(x, edge_index, edge_type)
        return logits(z, t)

    def arguments(self) -> dict[str, Any]:
        """The constructor arguments, enough to rebuild this exact model (JSON-safe)."""
        return {"members": len(self.members), **self._arguments}

    def __repr__(self) -> str:
        return f"{self.__class__.__name__}({len(self.members)} x {self.members[0]!r})"


def monotone_all(nets: list[MonotoneMLP], x: Tensor, each_row: bool = False) -> Tensor:
    """``MonotoneMLP`` scores of every net at once (same shapes, evaluation mode): ``x``
    ``[N, F]`` shared by all, or ``[K, N, F]`` one block per net (``each_row``); returns
    ``[K, N]``, equal to stacking ``net(x)`` (tested)."""
    first = nets[0]
    stack = lambda get: torch.stack([get(n) for n in nets])  # noqa: E731
    shared = "knf" if each_row else "nf"
    h = torch.einsum(f"{shared},khf->knh", x[..., first.free],
                     stack(lambda n: n.free_input.weight))
    h = h + stack(lambda n: n.free_input.bias).unsqueeze(1)
    if len(first.signed):
        signed = x[..., first.signed] * first.signs
        h = h + torch.einsum(f"{shared.replace('f', 's')},khs->knh", signed,
                             F.softplus(stack(lambda n: n.signed_weight)))
    h = torch.tanh(h)
    for layer in range(len(first.hidden_weights)):
        weight = F.softplus(stack(lambda n, i=layer: n.hidden_weights[i]))
        bias = stack(lambda n, i=layer: n.hidden_biases[i]).unsqueeze(1)
        h = torch.tanh(torch.einsum("knh,kgh->kng", h, weight) + bias)
    out = F.softplus(stack(lambda n: n.out_weight))[:, 0, :]  # [K, H]
    return torch.einsum("knh,kh->kn", h, out) + stack(lambda n: n.out_bias)


def kind_all(heads: list[Module], x: Tensor) -> Tensor:
    """The kind logits ``t`` of every member's head at once (evaluation mode), ``[K, N]``:
    Linear, Tanh, Dropout, Linear, Tanh, Linear as ``models.evidence`` builds it."""
    stack = lambda i, name: torch.stack([getattr(h[i], name) for h in heads])  # noqa: E731
    h = torch.tanh(torch.einsum("nf,khf->knh", x, stack(0, "weight"))
                   + stack(0, "bias").unsqueeze(1))
    h = torch.tanh(torch.einsum("knh,kgh->kng", h, stack(3, "weight"))
                   + stack(3, "bias").unsqueeze(1))
    return torch.einsum("knh,kgh->kng", h, stack(5, "weight")).squeeze(-1) + stack(5, "bias")
