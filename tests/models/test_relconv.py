"""The sparse relational convolution equals PyG's ``RGCNConv`` (mean, no bases)."""

from __future__ import annotations

import pytest
import torch
from torch_geometric.nn import RGCNConv

from models.relconv import MeanRelConv, receiver_order, relational_adjacency


def _pair(in_channels: int = 5, out_channels: int = 3, relations: int = 4):
    torch.manual_seed(0)
    reference = RGCNConv(in_channels, out_channels, relations, aggr="mean")
    torch.nn.init.normal_(reference.bias)  # zeros after reset: make it count
    ours = MeanRelConv(in_channels, out_channels, relations)
    ours.load_state_dict(reference.state_dict())  # same names and shapes
    return reference, ours


def _graph(n: int, m: int, relations: int, seed: int = 1):
    g = torch.Generator().manual_seed(seed)
    edge_index = torch.randint(0, n, (2, m), generator=g)
    edge_type = torch.randint(0, relations, (m,), generator=g)
    return edge_index, edge_type


@pytest.mark.parametrize(("n", "m"), [(1, 0), (6, 0), (7, 20), (50, 400)])
def test_forward_and_gradients_equal_rgcnconv(n, m):
    reference, ours = _pair()
    edge_index, edge_type = _graph(n, m, 4)
    h1 = torch.randn(n, 5, requires_grad=True)
    h2 = h1.detach().clone().requires_grad_(True)
    expected = reference(h1, edge_index, edge_type)
    got = ours(h2, relational_adjacency(edge_index, edge_type, n, 4))
    torch.testing.assert_close(got, expected, rtol=1e-5, atol=1e-5)
    expected.square().sum().backward()
    got.square().sum().backward()
    torch.testing.assert_close(h2.grad, h1.grad, rtol=1e-5, atol=1e-5)
    for name, param in ours.named_parameters():
        torch.testing.assert_close(param.grad, dict(reference.named_parameters())[name].grad,
                                   rtol=1e-4, atol=1e-5)


def test_repeated_edges_isolated_nodes_and_empty_relations():
    reference, ours = _pair()
    # Node 3 hears 0 twice and 1 once over relation 2; node 4 hears nobody; relations 0,
    # 1 and 3 are empty.
    edge_index = torch.tensor([[0, 0, 1], [3, 3, 3]])
    edge_type = torch.tensor([2, 2, 2])
    h = torch.randn(5, 5)
    adjacency = relational_adjacency(edge_index, edge_type, 5, 4)
    dense = adjacency.to_dense()
    assert dense[3, 0 * 4 + 2] == pytest.approx(2 / 3)
    assert dense[3, 1 * 4 + 2] == pytest.approx(1 / 3)
    assert dense.sum().item() == pytest.approx(1.0)  # only node 3 receives anything
    torch.testing.assert_close(ours(h, adjacency), reference(h, edge_index, edge_type))
    isolated = h[4] @ ours.root + ours.bias
    torch.testing.assert_close(ours(h, adjacency)[4], isolated)


def test_wrong_adjacency_shape_is_refused():
    _, ours = _pair()
    adjacency = relational_adjacency(torch.zeros(2, 0, dtype=torch.long),
                                     torch.zeros(0, dtype=torch.long), 3, 4)
    with pytest.raises(ValueError, match=r"adjacency has shape \[3, 12\], expected \[4, 16\]"):
        ours(torch.randn(4, 5), adjacency)


@pytest.mark.parametrize("num_nodes", [1, 300, 1 << 16, (1 << 16) + 1, 1_000_000])
def test_receiver_order_is_the_stable_sort(num_nodes):
    # Both branches (16-bit radix below 65,537 nodes, torch's sort above), with many ties
    # and the largest receiver present.
    g = torch.Generator().manual_seed(num_nodes)
    dst = torch.randint(0, num_nodes, (5_000,), generator=g)
    dst[::7] = num_nodes - 1
    dst[1::7] = dst[0]
    expected = torch.sort(dst, stable=True).indices
    assert torch.equal(receiver_order(dst, num_nodes), expected)
