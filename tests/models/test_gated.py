"""GatedMonotoneGNN: monotone in the signed columns, isolated accounts untouched by the
graph, and named errors."""

import pytest
import torch

from models.gated import GatedMonotoneGNN

SIGNS = [-1, 1, 0, 0]


def _model(steps=2, signs=SIGNS, layers=2):
    torch.manual_seed(0)
    return GatedMonotoneGNN(4, 8, num_layers=layers, dropout=0.0, monotone=signs,
                            steps=steps).eval()


def _edges():
    # 0 -> 1 -> 2 connected; 3 and 4 isolated.
    return torch.tensor([[0, 1], [1, 2]])


def _score(model, x, edge_index):
    with torch.no_grad():
        logits = model(x, edge_index)
    return logits[:, 1] - logits[:, 0]


@pytest.mark.parametrize("layers", [1, 3])
@pytest.mark.parametrize("column, sign", [(0, -1), (1, 1)])
def test_score_moves_only_in_the_signed_direction(layers, column, sign):
    model = _model(layers=layers)
    # Random training-like perturbation of the weights: the guarantee holds for any.
    with torch.no_grad():
        for p in model.parameters():
            p.add_(torch.randn_like(p))
    torch.manual_seed(1)
    x = torch.randn(5, 4)
    before = _score(model, x, _edges())
    grown = x.clone()
    grown[:, column] += torch.rand(5) * 3.0
    after = _score(model, grown, _edges())
    assert (sign * (after - before) >= -1e-6).all()
    assert (sign * (after - before) > 1e-6).any()


def test_isolated_accounts_keep_their_profile_score():
    model = _model()
    x = torch.randn(5, 4)
    with_edges = _score(model, x, _edges())
    profile = model.profile_score(x).detach()
    assert torch.allclose(with_edges[3:], profile[3:])
    assert not torch.allclose(with_edges[:3], profile[:3])


def test_connected_accounts_move_towards_their_neighbours():
    model = _model()
    x = torch.zeros(3, 4)
    x[0, 0] = -3.0  # few followers: a high score
    edge_index = torch.tensor([[0], [1]])
    profile = model.profile_score(x).detach()
    score = _score(model, x, edge_index)
    assert profile[0] > profile[1]
    assert profile[1] < score[1] < profile[0]  # account 1 pulled up by account 0
    assert torch.isclose(score[2], profile[2])  # account 2 has no edge


def test_no_steps_ignores_the_graph_and_self_loops_are_ignored():
    x = torch.randn(5, 4)
    blind = _model(steps=0)
    assert torch.equal(_score(blind, x, _edges()), _score(blind, x, _edges()[:, :0]))
    model = _model()
    loops = torch.tensor([[3, 4], [3, 4]])
    assert torch.allclose(_score(model, x, loops), model.profile_score(x).detach())


def test_forward_shape_arguments_rebuild_and_repr():
    model = _model()
    out = model(torch.randn(5, 4), _edges())
    assert out.shape == (5, 2) and torch.isfinite(out).all()
    twin = GatedMonotoneGNN(**model.arguments())
    twin.load_state_dict(model.state_dict())
    assert "monotone=[-1, 1, 0, 0]" in repr(model)


@pytest.mark.parametrize("kwargs, match", [
    ({"monotone": [1, 0]}, "4 signs"),
    ({"monotone": [2, 0, 0, 0]}, "signs"),
    ({"out_channels": 3}, "binary"),
    ({"num_layers": 0}, "num_layers"),
])
def test_bad_arguments_are_named(kwargs, match):
    with pytest.raises(ValueError, match=match):
        GatedMonotoneGNN(4, 8, **kwargs)


def test_wrong_width_and_bad_edges_are_named():
    model = _model()
    with pytest.raises(ValueError, match="columns"):
        model(torch.randn(5, 3), _edges())
    with pytest.raises(ValueError, match="node 9"):
        model(torch.randn(5, 4), torch.tensor([[0], [9]]))


def test_all_free_columns_learn_a_simple_rule():
    torch.manual_seed(0)
    x = torch.randn(64, 4)
    y = (x[:, 2] > 0).long()
    model = GatedMonotoneGNN(4, 8, dropout=0.0)
    optimiser = torch.optim.Adam(model.parameters(), lr=0.05)
    empty = torch.zeros(2, 0, dtype=torch.long)
    for _ in range(150):
        optimiser.zero_grad()
        torch.nn.functional.cross_entropy(model(x, empty), y).backward()
        optimiser.step()
    accuracy = (model.eval()(x, empty).argmax(1) == y).float().mean()
    assert accuracy > 0.9
