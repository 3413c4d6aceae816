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
from dataclasses import dataclass
from typing import Any

import torch
import torch.nn.functional as F
from torch import Tensor
from torch.nn import Module, ModuleList

from models.base import NodeClassifier
from models.evidence import EvidenceGNN, logits, propagate
from models.packed import PackedNets, pack_monotone, pack_sequential


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
    relations = None  # as its members

    def __init__(self, members: int, **arguments: Any) -> None:
        super().__init__()
        if members < 2:
            raise ValueError(f"an ensemble needs at least 2 members, got {members}")
        self.members = ModuleList(EvidenceGNN(**arguments) for _ in range(members))
        first = self.members[0]
        self.in_channels, self.out_channels = first.in_channels, first.out_channels
        self.hidden_channels, self.steps = first.hidden_channels, first.steps
        self._arguments = first.arguments()
        self._packed: tuple[tuple[Tensor, ...], int, _Packed] | None = None

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
        """Every member's profile and context evidence, ``[K, N]`` each: the packed
        networks when evaluating (``models.packed``; one product per layer for all
        members), the members' own modules when training."""
        if self.training:
            each = [m.evidence(x) for m in self.members]
            return torch.stack([p for p, _ in each]), torch.stack([c for _, c in each])
        packed = self.packed()
        p = packed.profile(x)
        if packed.context is None:
            return p, torch.zeros_like(p)
        return p, packed.context(x) - packed.context_null

    def packed(self) -> _Packed:
        """The members' networks packed for inference, rebuilt whenever a parameter or
        buffer changed: training steps, ``load_state_dict`` and in-place edits all bump
        the tensors' version counters, which only grow, so their sum is the key
        (``_apply``, behind ``to``/``float``, drops the cache)."""
        if self._packed is None:
            tensors = (*self.parameters(), *self.buffers())
        else:
            tensors = self._packed[0]
        key = sum(t._version for t in tensors)
        if self._packed is None or self._packed[1] != key:
            # Plain tensors even when first asked inside inference_mode, so that the
            # attributions can differentiate through them later.
            with torch.inference_mode(False), torch.no_grad():
                self._packed = (tensors, key, _pack(self.members))
        return self._packed[2]

    def _apply(self, fn, recurse=True):  # noqa: ANN001, ANN202 (torch's signature)
        self._packed = None
        return super()._apply(fn, recurse)

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
        kind = self.packed().kind
        t = None if kind is None else kind(x)
        return z.mean(0), (p + c).mean(0), None if t is None else t.mean(0)

    def forward(self, x: Tensor, edge_index: Tensor, edge_type: Tensor | None = None) -> Tensor:
        z, _, t = self.parts(x, edge_index, edge_type)
        return logits(z, t)

    def arguments(self) -> dict[str, Any]:
        """The constructor arguments, enough to rebuild this exact model (JSON-safe)."""
        return {"members": len(self.members), **self._arguments}

    def __repr__(self) -> str:
        return f"{self.__class__.__name__}({len(self.members)} x {self.members[0]!r})"


@dataclass(frozen=True)
class _Packed:
    profile: PackedNets
    context: PackedNets | None
    context_null: Tensor | None  # [K, 1]: each member's context score of its null row
    kind: PackedNets | None


def _pack(members: ModuleList) -> _Packed:
    first = members[0]
    context = kind = null = None
    if first.context is not None:
        context = pack_monotone([m.context for m in members], first.context_index)
        null = torch.stack([m.context(m.context_null.unsqueeze(0)) for m in members])
    if first.kind is not None:
        kind = pack_sequential([m.kind for m in members])
    return _Packed(pack_monotone([m.profile for m in members], first.profile_index),
                   context, null, kind)
