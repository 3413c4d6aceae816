"""A partially monotone network: a scalar score that never falls as a signed input grows.

Some signals have a direction domain knowledge fixes (more followers never make an
account look more bought, following more never makes it look more genuine). The
network guarantees that direction for the columns given a sign, whatever the other
inputs (Sill 1998; Daniels & Velikova 2010): those columns enter the first layer through
non-negative weights, every later weight is non-negative, every activation is
increasing. Unsigned columns enter the first layer freely.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
import torch.nn.functional as F
from torch import Tensor
from torch.nn import Dropout, Linear, Module, Parameter


class MonotoneMLP(Module):
    r"""Scalar score, non-decreasing in :math:`\sigma_k x_k` for every signed column.

    .. math::
        s(x) = w_L^\top \tanh(\dots \tanh(W_1^{+} (\sigma \odot x_S) + A x_F + b_1) \dots)
        + b_L, \qquad W^{+} = \mathrm{softplus}(W) \ge 0

    Args:
        in_channels: number of input columns.
        hidden_channels: width of every hidden layer.
        num_layers: hidden layers (at least 1).
        signs: one sign per column: ``+1`` the score never falls as it grows, ``-1``
            never rises, ``0`` free. ``None``: all free.
        dropout: dropout on hidden activations.

    Shapes:
        - **input:** x ``[N, in_channels]``
        - **output:** score ``[N]``
    """

    def __init__(self, in_channels: int, hidden_channels: int, num_layers: int = 2,
                 signs: Sequence[int] | None = None, dropout: float = 0.0) -> None:
        super().__init__()
        signs = [0] * in_channels if signs is None else [int(s) for s in signs]
        if len(signs) != in_channels or not set(signs) <= {-1, 0, 1}:
            raise ValueError(f"signs must hold {in_channels} values in (-1, 0, 1), got {signs}")
        if num_layers < 1:
            raise ValueError(f"num_layers must be at least 1, got {num_layers}")
        self.in_channels, self.hidden_channels, self.num_layers = (
            in_channels, hidden_channels, num_layers)
        self.signs_list = signs
        signed = [k for k, s in enumerate(signs) if s]
        free = [k for k, s in enumerate(signs) if not s]
        self.register_buffer("signed", torch.tensor(signed, dtype=torch.long))
        self.register_buffer("free", torch.tensor(free, dtype=torch.long))
        self.register_buffer("signs", torch.tensor([signs[k] for k in signed],
                                                   dtype=torch.float32))
        # Raw weights pass through softplus, so the effective weights are positive.
        self.signed_weight = Parameter(torch.empty(hidden_channels, len(signed)))
        self.free_input = Linear(len(free), hidden_channels)  # also the first layer's bias
        self.hidden_weights = torch.nn.ParameterList(
            Parameter(torch.empty(hidden_channels, hidden_channels))
            for _ in range(num_layers - 1))
        self.hidden_biases = torch.nn.ParameterList(
            Parameter(torch.empty(hidden_channels)) for _ in range(num_layers - 1))
        self.out_weight = Parameter(torch.empty(1, hidden_channels))
        self.out_bias = Parameter(torch.empty(1))
        self.drop = Dropout(dropout)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        # softplus(-2 + noise) ~ 0.13: small positive weights, as a tanh network wants.
        for weight in (self.signed_weight, *self.hidden_weights, self.out_weight):
            torch.nn.init.normal_(weight, mean=-2.0, std=0.5)
        for bias in self.hidden_biases:
            torch.nn.init.zeros_(bias)
        torch.nn.init.zeros_(self.out_bias)
        self.free_input.reset_parameters()

    def forward(self, x: Tensor) -> Tensor:
        h = self.free_input(x[:, self.free])
        if len(self.signed):
            h = h + (x[:, self.signed] * self.signs) @ F.softplus(self.signed_weight).T
        h = self.drop(torch.tanh(h))
        for weight, bias in zip(self.hidden_weights, self.hidden_biases, strict=True):
            h = self.drop(torch.tanh(h @ F.softplus(weight).T + bias))
        return (h @ F.softplus(self.out_weight).T + self.out_bias).squeeze(-1)

    def __repr__(self) -> str:
        return (f"{self.__class__.__name__}({self.in_channels}, hidden={self.hidden_channels}, "
                f"layers={self.num_layers}, signed={len(self.signed)})")
