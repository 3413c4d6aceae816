"""The evidence model's inference, one layer at a time: what a partitioned engine runs.

``EvidenceGNN.parts`` (and ``EvidenceEnsemble.parts``) computes, for the whole graph at
once, a per-account part and then ``steps`` propagation rounds over follows
(``models.evidence.propagate``). The same numbers come out of three smaller pieces, each
needing only what a part of the graph holds (PyG's layer-wise inference):

1. ``node_pass``: per account, from its own features only: the evidence ``z0`` of every
   member (with the floor for accounts without an edge) and the kind logit ``t``.
2. ``propagation_round``: per account of a part, from its follow edges, the previous
   round's ``z`` of its 1-hop neighbours and their follow degrees:
   ``z <- z0 + beta * sum_j tanh(z_j) / sqrt(d_i d_j)``.
3. ``finish``: the members' mean, as ``parts`` returns it.

``tests/models/test_layerwise.py`` checks that the pieces equal ``parts`` on whole graphs
and on parts with their halos.

Shapes (``K`` members, 1 for a single ``EvidenceGNN``):
    - node_pass: x ``[N, F]``, seen ``[N]`` -> z0 ``[N, K]``, t ``[N]`` or ``None``
    - propagation_round: z0 ``[n, K]``, z_all ``[n + h, K]``, degree ``[n + h]``,
      edges ``[2, E]`` (sources in ``0..n+h-1``, targets in ``0..n-1``) -> ``[n, K]``
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import Tensor

from models.ensemble import EvidenceEnsemble
from models.evidence import PROFILE_FLOOR, EvidenceGNN
from models.evidence import propagation_round as _round


@dataclass
class NodeState:
    """What ``node_pass`` gives for some accounts."""

    z0: Tensor  # [N, K] every member's evidence, floored where the account has no edge
    raw: Tensor  # [N] the members' mean evidence before the floor (``parts``' ``z0``)
    t: Tensor | None  # [N] the members' mean kind logit; None with two classes


def members_beta(model: EvidenceGNN | EvidenceEnsemble) -> Tensor:
    """``softplus(beta)`` of every member, ``[K]``."""
    if isinstance(model, EvidenceEnsemble):
        return F.softplus(torch.cat([m.beta for m in model.members]))
    return F.softplus(model.beta)


def node_pass(model: EvidenceGNN | EvidenceEnsemble, x: Tensor, seen: Tensor) -> NodeState:
    """The per-account layer: evidence of every member and the kind logit.

    ``seen[i]`` says account ``i`` has at least one edge of any kind in the whole graph
    (``propagate`` floors the evidence of the others).
    """
    if model.training:
        raise ValueError("layer-wise inference needs the model in evaluation mode")
    if isinstance(model, EvidenceEnsemble):
        p, c = model._evidence_each(x)  # [K, N]
        z0 = (p + c).T
        kind = model.packed().kind
        t = None if kind is None else kind(x).mean(0)
    else:
        p, c = model.evidence(x)
        z0 = (p + c).unsqueeze(-1)
        t = None if model.kind is None else model.kind(x).squeeze(-1)
    floored = torch.where(seen.unsqueeze(-1), z0, z0.clamp(min=PROFILE_FLOOR))
    return NodeState(floored, z0.mean(1), t)


def propagation_round(z0: Tensor, z_all: Tensor, degree: Tensor, edges: Tensor,
                      beta: Tensor) -> Tensor:
    """One round for ``n`` accounts from the previous round's ``z`` of them and of their
    ``h`` neighbours (``z_all``, the ``n`` first), over their incoming follow edges
    (both directions of every follow, as ``propagate`` takes them)."""
    norm = (degree[edges[0]] * degree[edges[1]]).clamp(min=1.0).rsqrt().unsqueeze(-1)
    return _round(z0, z_all, norm, edges[0], edges[1], beta)


def finish(z: Tensor, state: NodeState) -> tuple[Tensor, Tensor, Tensor | None]:
    """``(z, z0, t)`` as ``parts`` returns them: the members' mean."""
    return z.mean(1), state.raw, state.t
