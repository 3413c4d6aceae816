"""An ensemble's member networks packed for inference: one product per layer for all.

The default model runs five members' profile, context and kind networks on every
request (``models.ensemble``). Measured at 1,000 accounts, most of their time went to
torch's float32 ``tanh`` (``_tanh`` below) and to re-stacking and transforming (softplus)
the members' weights on every call, not to the products. ``PackedNets`` holds each
layer of ``K`` same-shaped tanh networks as one tensor, transformed once:

- every layer one batched product, ``[N, F]`` (shared, not copied) by ``[K, F, H]``
  first, then ``[K, N, H] x [K, H, H]`` (the monotone networks' signed weights
  already made positive and signed, so a signed column enters like any other).

The values equal the members' own forward passes up to float rounding (tested in
tests/models/test_packed.py). Packed tensors are plain tensors without gradients, so
attributions (``models.attribution``) can still differentiate through them with
respect to the input.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F
from torch import Tensor
from torch.nn import Module

from models.monotone import MonotoneMLP


@dataclass(frozen=True)
class PackedNets:
    """``K`` tanh networks of one shape, evaluated at once: ``net(x)`` is ``[K, N]``.

    Attributes:
        columns: the input columns the networks read (``None``: all of them).
        first: ``[K, F, H]`` first-layer weights (input by output).
        first_bias: ``[K, 1, H]``.
        hidden: per hidden layer, ``[K, H, H]`` weights (input by output) and
            ``[K, 1, H]`` biases.
        out: ``[K, H, 1]`` output weights; ``out_bias`` ``[K, 1, 1]``.
    """

    columns: Tensor | None
    first: Tensor
    first_bias: Tensor
    hidden: tuple[tuple[Tensor, Tensor], ...]
    out: Tensor
    out_bias: Tensor

    @property
    def members(self) -> int:
        return self.out.size(0)

    def __call__(self, x: Tensor) -> Tensor:
        rows = x if self.columns is None else x[:, self.columns]
        shared = rows.expand(self.members, *rows.shape)  # a view: no copy per member
        h = _tanh(torch.baddbmm(self.first_bias, shared, self.first))  # [K, N, H]
        for weight, bias in self.hidden:
            h = _tanh(torch.baddbmm(bias, h, weight))
        return torch.baddbmm(self.out_bias, h, self.out).squeeze(-1)


#: From this many values on, ``_tanh`` runs torch's in-place tanh on its threads.
TORCH_TANH_VALUES = 1 << 22


def _tanh(h: Tensor) -> Tensor:
    """``tanh``, in place when no gradient is wanted: through NumPy for an audit's
    sizes (its vectorised float32 tanh took 0.06 ms for 160,000 values here, torch's
    0.40 ms; tanh was two thirds of the ensemble's inference time), through torch's
    ``tanh_`` for a large graph's, which spreads over torch's threads (160M values:
    0.06 s against NumPy's 0.12 s on one thread). Both are accurate to a few ulp."""
    if h.requires_grad or not h.is_contiguous() or h.device.type != "cpu":
        return torch.tanh(h)
    if h.numel() >= TORCH_TANH_VALUES and torch.get_num_threads() > 1:
        return h.tanh_()
    np.tanh(h.numpy(), out=h.numpy())
    return h


def pack_monotone(nets: Sequence[MonotoneMLP], columns: Tensor | None) -> PackedNets:
    """``MonotoneMLP`` networks (same shapes) as ``PackedNets``; call under ``no_grad``."""
    firsts, hidden = [], []
    for net in nets:
        weight = net.free_input.weight.new_empty(net.hidden_channels, net.in_channels)
        weight[:, net.free] = net.free_input.weight
        weight[:, net.signed] = F.softplus(net.signed_weight) * net.signs
        firsts.append(weight)
    for layer in range(len(nets[0].hidden_weights)):
        hidden.append((torch.stack([F.softplus(n.hidden_weights[layer]).T for n in nets]),
                       torch.stack([n.hidden_biases[layer] for n in nets]).unsqueeze(1)))
    return PackedNets(
        columns=columns,
        first=torch.stack([w.T for w in firsts]).contiguous(),
        first_bias=torch.stack([n.free_input.bias for n in nets]).unsqueeze(1),
        hidden=tuple((w.contiguous(), b) for w, b in hidden),
        out=torch.stack([F.softplus(n.out_weight).T for n in nets]).contiguous(),
        out_bias=torch.stack([n.out_bias for n in nets]).view(-1, 1, 1))


def pack_sequential(heads: Sequence[Module]) -> PackedNets:
    """Free heads ``Sequential(Linear, Tanh, Dropout, Linear, Tanh, Linear)`` as built by
    ``models.evidence`` (evaluation mode: dropout is the identity); call under ``no_grad``."""
    linears = [[layer for layer in head if isinstance(layer, torch.nn.Linear)]
               for head in heads]
    first = [ls[0] for ls in linears]
    middle = range(1, len(linears[0]) - 1)
    return PackedNets(
        columns=None,
        first=torch.stack([lin.weight.T for lin in first]).contiguous(),
        first_bias=torch.stack([lin.bias for lin in first]).unsqueeze(1),
        hidden=tuple((torch.stack([ls[i].weight.T for ls in linears]).contiguous(),
                      torch.stack([ls[i].bias for ls in linears]).unsqueeze(1))
                     for i in middle),
        out=torch.stack([ls[-1].weight.T for ls in linears]).contiguous(),
        out_bias=torch.stack([ls[-1].bias for ls in linears]).view(-1, 1, 1))
