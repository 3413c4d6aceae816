"""The shape every model shares: encoder -> residual blocks -> classifier.

Variants override hooks (``init_encoder``, ``init_conv``, ``propagation``, ``conv``)
instead of copying the class, as PyG's ``BasicGNN`` does. Every block is residual,
``h = h + drop(act(conv(h)))``: an account with no edge (64% of Cresci-2015) receives no
message, and the residual keeps its own profile features intact through the graph layers
instead of washing them out.
"""

from __future__ import annotations

from typing import Any

from torch import Tensor
from torch.nn import Dropout, LayerNorm, LeakyReLU, Linear, Module, ModuleList, Sequential


class NodeClassifier(Module):
    r"""Base node classifier; subclasses choose the encoder and the block operator.

    .. math::
        h^{(0)} = \mathrm{enc}(x), \quad
        h^{(l+1)} = \mathrm{LN}\big(h^{(l)} + \mathrm{drop}(\sigma(\mathrm{conv}(h^{(l)})))\big),
        \quad \hat y = \mathrm{mlp}(h^{(L)})

    Args:
        in_channels: number of input features.
        hidden_channels: width of every hidden representation.
        out_channels: number of classes.
        num_layers: number of blocks.
        dropout: dropout probability.

    Shapes:
        - **input:** x ``[N, in_channels]``, edge_index ``[2, M]``, edge_type ``[M]``
        - **output:** logits ``[N, out_channels]``
    """

    #: Whether ``forward`` uses the edges (the MLP sets this to ``False``).
    uses_graph = True
    #: The relation codes (``detector.tensors.RELATIONS``) ``forward`` reads; ``None``:
    #: all of them. The estimator builds only these edges for scoring.
    relations: tuple[int, ...] | None = None

    def __init__(self, in_channels: int, hidden_channels: int, out_channels: int,
                 num_layers: int = 2, dropout: float = 0.2) -> None:
        super().__init__()
        self.in_channels = in_channels
        self.hidden_channels = hidden_channels
        self.out_channels = out_channels
        self.num_layers = num_layers
        self.dropout = dropout
        self.act = LeakyReLU(0.1)
        self.drop = Dropout(dropout)
        self.encoder = self.init_encoder(in_channels, hidden_channels)
        self.convs = ModuleList(
            self.init_conv(hidden_channels, hidden_channels) for _ in range(num_layers)
        )
        self.norms = ModuleList(LayerNorm(hidden_channels) for _ in range(num_layers))
        self.classifier = Sequential(
            Linear(hidden_channels, hidden_channels), LeakyReLU(0.1), Dropout(dropout),
            Linear(hidden_channels, out_channels),
        )
        self.reset_parameters()

    def init_encoder(self, in_channels: int, out_channels: int) -> Module:
        """Features -> first hidden representation."""
        return Sequential(Linear(in_channels, out_channels), LeakyReLU(0.1))

    def init_conv(self, in_channels: int, out_channels: int) -> Module:
        """One block's operator."""
        raise NotImplementedError

    def propagation(self, edge_index: Tensor, edge_type: Tensor | None, num_nodes: int) -> Any:
        """What every block's operator needs from the edges, built once per forward pass
        and handed to ``conv`` (a local, so concurrent passes never share it)."""
        return edge_index

    def conv(self, layer: Module, h: Tensor, graph: Any) -> Tensor:
        """Apply one block's operator to ``h`` and what ``propagation`` returned."""
        return layer(h, graph)

    def reset_parameters(self) -> None:
        for module in self.modules():
            if module is not self and hasattr(module, "reset_parameters"):
                module.reset_parameters()

    def forward(self, x: Tensor, edge_index: Tensor, edge_type: Tensor | None = None) -> Tensor:
        if self.uses_graph:
            self.check_edges(edge_index, edge_type, x.size(0))
        graph = self.propagation(edge_index, edge_type, x.size(0))
        h = self.drop(self.encoder(x))
        for layer, norm in zip(self.convs, self.norms, strict=True):
            h = norm(h + self.drop(self.act(self.conv(layer, h, graph))))
        return self.classifier(h)

    def arguments(self) -> dict[str, Any]:
        """The constructor arguments, enough to rebuild this exact model (JSON-safe)."""
        return {
            "in_channels": self.in_channels,
            "hidden_channels": self.hidden_channels,
            "out_channels": self.out_channels,
            "num_layers": self.num_layers,
            "dropout": self.dropout,
        }

    def __repr__(self) -> str:
        return (f"{self.__class__.__name__}({self.in_channels}, {self.out_channels}, "
                f"hidden={self.hidden_channels}, layers={self.num_layers})")

    @staticmethod
    def check_edges(edge_index: Tensor, edge_type: Tensor | None, num_nodes: int) -> None:
        """Raise early, naming the bad value, instead of failing deep inside a scatter."""
        if edge_index.dim() != 2 or edge_index.size(0) != 2:
            raise ValueError(f"edge_index must have shape [2, M], got {list(edge_index.shape)}")
        if edge_type is not None and edge_type.numel() != edge_index.size(1):
            raise ValueError(
                f"edge_type has {edge_type.numel()} entries for {edge_index.size(1)} edges"
            )
        if edge_index.numel() and int(edge_index.max()) >= num_nodes:
            raise ValueError(f"edge_index refers to node {int(edge_index.max())} of {num_nodes}")

