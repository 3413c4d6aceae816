"""The three architectures: shapes, life cycle, and early, named errors."""

import pytest
import torch

from detector.features import FEATURE_NAMES
from models.config import ModelConfig
from models.registry import MODELS, build_model, model_arguments

F = len(FEATURE_NAMES)


def _model(name, classes=3):
    torch.manual_seed(0)
    return build_model(name, model_arguments(ModelConfig(model=name, hidden=16), classes))


def _tiny():
    x = torch.randn(5, F)
    edge_index = torch.tensor([[0, 1, 1, 2], [1, 0, 2, 1]])
    edge_type = torch.tensor([0, 1, 4, 5])
    return x, edge_index, edge_type


@pytest.mark.parametrize("name", list(MODELS))
def test_forward_gives_one_logit_row_per_account(name):
    x, edge_index, edge_type = _tiny()
    out = _model(name)(x, edge_index, edge_type)
    assert out.shape == (5, 3)
    assert torch.isfinite(out).all()


@pytest.mark.parametrize("name", list(MODELS))
def test_isolated_accounts_still_get_scores_from_their_own_features(name):
    model = _model(name).eval()
    x, _, _ = _tiny()
    empty = torch.zeros(2, 0, dtype=torch.long)
    out = model(x, empty, torch.zeros(0, dtype=torch.long))
    # Distinct features give distinct logits even with no edge at all.
    assert not torch.allclose(out[0], out[1])


@pytest.mark.parametrize("name", ["rgcn", "sage"])
def test_graph_models_use_the_edges(name):
    model = _model(name).eval()
    x, edge_index, edge_type = _tiny()
    with_edges = model(x, edge_index, edge_type)
    without = model(x, torch.zeros(2, 0, dtype=torch.long), torch.zeros(0, dtype=torch.long))
    assert not torch.allclose(with_edges[:3], without[:3])
    assert torch.allclose(with_edges[3:], without[3:])  # accounts 3, 4 have no edge


def test_mlp_ignores_the_edges():
    model = _model("mlp").eval()
    x, edge_index, edge_type = _tiny()
    assert torch.equal(model(x, edge_index, edge_type), model(x, edge_index[:, :0], None))


def test_reset_parameters_changes_weights_and_repr_names_the_shape():
    model = _model("rgcn")
    before = [p.clone() for p in model.parameters()]
    model.reset_parameters()
    assert any(not torch.equal(a, b) for a, b in zip(before, model.parameters(), strict=True))
    assert repr(model) == f"RGCN({F}, 3, hidden=16, layers=2, relations=6, groups=4)"
    assert repr(_model("sage", 2)) == f"SAGE({F}, 2, hidden=16, layers=2)"


def test_rebuilt_from_its_arguments_has_the_same_parameter_shapes():
    model = _model("rgcn")
    again = build_model("rgcn", model.arguments())
    assert {k: v.shape for k, v in model.state_dict().items()} == {
        k: v.shape for k, v in again.state_dict().items()
    }


def test_errors_name_the_bad_value():
    x, edge_index, edge_type = _tiny()
    with pytest.raises(ValueError, match="edge_type"):
        _model("rgcn")(x, edge_index, None)
    with pytest.raises(ValueError, match="node 9 of 5"):
        _model("sage")(x, torch.tensor([[0], [9]]), torch.tensor([0]))
    with pytest.raises(ValueError, match="3 entries for 4 edges"):
        _model("rgcn")(x, edge_index, edge_type[:3])
    with pytest.raises(ValueError, match="unknown model 'gat'"):
        build_model("gat", {})
    with pytest.raises(ValueError, match="cover feature columns"):
        build_model("rgcn", {**_model("rgcn").arguments(), "groups": [[0, 1]]})


def test_rgcn_refuses_missing_or_unknown_relation_codes():
    model = _model("rgcn")
    x, edge_index, edge_type = _tiny()
    with pytest.raises(ValueError, match="RGCN needs edge_type"):
        model(x, edge_index, None)
    with pytest.raises(ValueError, match=r"edge_type must lie in \[0, 6\), got 0\.\.6"):
        model(x, edge_index, torch.where(edge_type == edge_type.max(), 6, edge_type))
