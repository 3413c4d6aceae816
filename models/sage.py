"""A homogeneous GNN: GraphSAGE over every edge kind at once, direction ignored.

The middle rung between the graph-blind MLP and the relational GNN: it sees who is
connected to whom but not how (follow, unfollow, interaction, or which direction).
"""

from __future__ import annotations

from torch.nn import Module
from torch_geometric.nn import SAGEConv

from models.base import NodeClassifier


class SAGE(NodeClassifier):
    r"""GraphSAGE (Hamilton et al., 2017) with mean aggregation and residual blocks.

    .. math::
        \mathrm{conv}(h)_i = W_1 h_i + W_2 \operatorname{mean}_{j \in N(i)} h_j

    Shapes:
        - **input:** x ``[N, in_channels]``, edge_index ``[2, M]`` (edge_type ignored)
        - **output:** logits ``[N, out_channels]``
    """

    def init_conv(self, in_channels: int, out_channels: int) -> Module:
        return SAGEConv(in_channels, out_channels, aggr="mean")
