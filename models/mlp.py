"""The graph-blind baseline: the same features, encoder and classifier, no edges.

It exists to show what the graph adds: any gain of the GNNs over it comes from the
neighbourhood, not from depth or width, because both share ``NodeClassifier``.
"""

from __future__ import annotations

from torch import Tensor
from torch.nn import Linear, Module

from models.base import NodeClassifier


class MLP(NodeClassifier):
    r"""Residual multi-layer perceptron over account features; ignores the graph.

    .. math::
        h^{(l+1)} = \mathrm{LN}\big(h^{(l)} + \mathrm{drop}(\sigma(W^{(l)} h^{(l)}))\big)

    Shapes:
        - **input:** x ``[N, in_channels]`` (edges accepted and ignored)
        - **output:** logits ``[N, out_channels]``
    """

    uses_graph = False
    relations = ()  # no edge at all

    def init_conv(self, in_channels: int, out_channels: int) -> Module:
        return Linear(in_channels, out_channels)

    def propagation(self, edge_index: Tensor, edge_type: Tensor | None, num_nodes: int) -> None:
        return None

    def conv(self, layer: Module, h: Tensor, graph: None) -> Tensor:
        return layer(h)
