"""Integrated gradients of the evidence model: complete, and zero on the baseline."""

from __future__ import annotations

import numpy as np
import torch

from models.attribution import baseline, fake_logit_attributions
from models.ensemble import EvidenceEnsemble
from models.evidence import EvidenceGNN


def _models():
    torch.manual_seed(0)
    args = {"in_channels": 6, "hidden_channels": 8, "out_channels": 3, "profile": [0, 1, 2, 3],
            "monotone": [-1, 1, 0, 0, 1, 0], "dropout": 0.0}
    single = EvidenceGNN(**args).eval()
    pair = EvidenceEnsemble(2, **args).eval()
    for model in (single, pair):
        with torch.no_grad():
            for p in model.parameters():
                p.add_(0.5 * torch.randn_like(p))
            nulls = [model] if isinstance(model, EvidenceGNN) else list(model.members)
            for m in nulls:
                m.context_null.copy_(torch.tensor([0.3, -1.0]))
    return single, pair


def test_shares_add_up_to_the_change_from_the_baseline():
    x = torch.randn(40, 6)
    rows = np.arange(0, 40, 3)
    for model in _models():
        shares = fake_logit_attributions(model, x, rows)
        with torch.no_grad():
            p, c = model.evidence(x[rows])
            p0, c0 = model.evidence(baseline(model, len(rows)))
        total = (p + c - p0 - c0).double().numpy()
        np.testing.assert_allclose(shares.sum(axis=1), total, rtol=0.02, atol=0.02)


def test_the_baseline_itself_has_no_attribution():
    for model in _models():
        x = baseline(model, 5)
        np.testing.assert_allclose(fake_logit_attributions(model, x, np.arange(5)), 0.0,
                                   atol=1e-7)
