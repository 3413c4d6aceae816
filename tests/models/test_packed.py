"""Packed inference (models.packed): the same values as the members' own networks, a
cache that follows every change of the weights, and gradients still available to the
attributions after a first pass under inference_mode."""

from __future__ import annotations

import pytest
import torch

from models import packed as packed_module
from models.ensemble import EvidenceEnsemble
from models.evidence import _mlp
from models.monotone import MonotoneMLP
from models.packed import pack_monotone, pack_sequential

ARGS = {"in_channels": 7, "hidden_channels": 6, "out_channels": 3, "num_layers": 3,
        "profile": [0, 1, 2, 3], "monotone": [-1, 1, 0, 1, 1, 0, -1], "dropout": 0.0}


def _perturbed(module: torch.nn.Module, seed: int) -> torch.nn.Module:
    torch.manual_seed(seed)
    with torch.no_grad():
        for p in module.parameters():
            p.add_(0.5 * torch.randn_like(p))
    return module.eval()


def test_packed_monotone_networks_equal_their_members():
    nets = [_perturbed(MonotoneMLP(5, 8, 3, [1, -1, 0, 0, 1]), seed) for seed in range(4)]
    x = torch.randn(50, 9)
    columns = torch.tensor([0, 2, 4, 6, 8])
    with torch.no_grad():
        packed = pack_monotone(nets, columns)
        got = packed(x)
        want = torch.stack([n(x[:, columns]) for n in nets])
    assert got.shape == (4, 50)
    torch.testing.assert_close(got, want, rtol=1e-5, atol=1e-5)


def test_packed_free_heads_equal_their_members():
    heads = [_perturbed(_mlp(7, 5, 0.0), seed) for seed in range(3)]
    x = torch.randn(40, 7)
    with torch.inference_mode():
        got = pack_sequential(heads)(x)
        want = torch.stack([h(x).squeeze(-1) for h in heads])
    torch.testing.assert_close(got, want, rtol=1e-5, atol=1e-5)


def test_gradients_flow_through_the_packed_networks():
    nets = [_perturbed(MonotoneMLP(3, 4, 2, [1, 0, -1]), seed) for seed in range(2)]
    x = torch.randn(10, 3, requires_grad=True)
    with torch.no_grad():
        packed = pack_monotone(nets, None)
    (grad,) = torch.autograd.grad(packed(x).sum(), x)
    x2 = x.detach().clone().requires_grad_(True)
    (want,) = torch.autograd.grad(sum(n(x2).sum() for n in nets), x2)
    torch.testing.assert_close(grad, want, rtol=1e-5, atol=1e-5)


def _ensemble() -> EvidenceEnsemble:
    torch.manual_seed(0)
    return _perturbed(EvidenceEnsemble(3, **ARGS), 1)


def test_the_ensemble_cache_follows_every_change_of_the_weights():
    model = _ensemble()
    x = torch.randn(20, 7)
    with torch.inference_mode():  # packed first inside inference_mode
        before = model.evidence(x)[0]
    with torch.no_grad():
        model.members[1].profile.out_bias.add_(1.0)  # an in-place edit
    after = model.evidence(x)[0]
    torch.testing.assert_close(after, before + 1.0 / 3, rtol=1e-5, atol=1e-5)

    other = _perturbed(EvidenceEnsemble(3, **ARGS), 7)
    model.load_state_dict(other.state_dict())
    with torch.no_grad():
        torch.testing.assert_close(model.evidence(x)[0], other.evidence(x)[0])
        model.double()
        assert model.evidence(x.double())[0].dtype == torch.float64


def test_attributions_differentiate_after_an_inference_mode_pass():
    model = _ensemble()
    x = torch.randn(20, 7)
    with torch.inference_mode():
        model.evidence(x)
    path = x.clone().requires_grad_(True)
    p, c = model.evidence(path)
    (grad,) = torch.autograd.grad((p + c).sum(), path)
    assert grad.abs().sum() > 0


@pytest.mark.parametrize("values", [160_000, packed_module.TORCH_TANH_VALUES])
def test_tanh_is_in_place_and_exact_to_a_few_ulp_on_both_paths(values) -> None:
    threads = torch.get_num_threads()
    torch.set_num_threads(2)  # the torch path needs more than one thread
    try:
        h = torch.randn(values // 64, 64) * 3
        expected = torch.tanh(h.double())
        out = packed_module._tanh(h)
    finally:
        torch.set_num_threads(threads)
    assert out.data_ptr() == h.data_ptr()
    torch.testing.assert_close(out.double(), expected, rtol=0, atol=1e-6)
