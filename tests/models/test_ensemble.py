"""The evidence ensemble: its batched evaluation equals its members' average, training
goes through the members themselves, and it saves and loads like any model."""

from __future__ import annotations

import pytest
import torch

from models.ensemble import EvidenceEnsemble
from models.evidence import EvidenceGNN
from models.registry import build_model

ARGS = {"in_channels": 7, "hidden_channels": 6, "out_channels": 3, "num_layers": 2,
        "profile": [0, 1, 2, 3], "monotone": [-1, 1, 0, 1, 1, 0, -1], "dropout": 0.0}


def _ensemble(members: int = 3) -> EvidenceEnsemble:
    torch.manual_seed(0)
    model = EvidenceEnsemble(members, **ARGS)
    with torch.no_grad():
        for p in model.parameters():
            p.add_(0.3 * torch.randn_like(p))
        for m in model.members:
            m.context_null.copy_(torch.randn(3))
    return model.eval()


def _graph():
    torch.manual_seed(1)
    x = torch.randn(30, 7)
    edge_index = torch.tensor([[0, 1, 2, 3, 4, 5, 6], [1, 0, 3, 2, 0, 0, 0]])
    edge_type = torch.tensor([1, 0, 1, 0, 1, 1, 4])  # 4: an interaction, not propagated
    return x, edge_index, edge_type


def test_batched_evaluation_equals_the_members_average():
    model = _ensemble()
    x, edge_index, edge_type = _graph()
    with torch.no_grad():
        z, z0, t = model.parts(x, edge_index, edge_type)
        each = [m.parts(x, edge_index, edge_type) for m in model.members]
    for got, k in ((z, 0), (z0, 1), (t, 2)):
        torch.testing.assert_close(got, torch.stack([e[k] for e in each]).mean(0),
                                   rtol=1e-5, atol=1e-5)


def test_training_mode_goes_through_the_members():
    model = _ensemble().train()
    x, edge_index, edge_type = _graph()
    model(x, edge_index, edge_type).sum().backward()
    assert all(m.profile.signed_weight.grad is not None for m in model.members)


def test_rebuilt_from_its_arguments_with_members():
    model = _ensemble(2)
    again = build_model("evidence", model.arguments())
    assert isinstance(again, EvidenceEnsemble) and len(again.members) == 2
    again.load_state_dict(model.state_dict(), strict=True)
    x, edge_index, edge_type = _graph()
    with torch.no_grad():
        torch.testing.assert_close(again.eval()(x, edge_index, edge_type),
                                   model(x, edge_index, edge_type))


def test_members_must_share_their_arguments():
    a = EvidenceGNN(**ARGS)
    b = EvidenceGNN(**{**ARGS, "hidden_channels": 5})
    with pytest.raises(ValueError, match="share their arguments"):
        EvidenceEnsemble.of([a, b])
    with pytest.raises(ValueError, match="at least 2 members"):
        EvidenceEnsemble(1, **ARGS)
