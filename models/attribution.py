"""Which inputs drove a verdict: integrated gradients of the evidence model's fake logit.

Integrated gradients (Sundararajan, Taly & Yan, "Axiomatic attribution for deep
networks", ICML 2017) give each input column the share of the output it accounts for,
measured from a baseline: ``a_k = (x_k - b_k) * mean over the straight path from b to x
of d z0 / d x_k``. The shares add up to ``z0(x) - z0(b)`` (completeness), so a reason
built on a column with a large positive share is one the score really rests on.

The baseline is the account the model knows nothing special about: every profile column
at its training mean (0 after standardisation, where unknown values are imputed too) and
the context of an account seen without edges (``EvidenceGNN.context_null``, whose
context evidence is 0 by construction). What the neighbourhood added on top
(``z - z0``) is returned separately.
"""

from __future__ import annotations

import numpy as np
import torch
from torch import Tensor

from models.ensemble import EvidenceEnsemble
from models.evidence import EvidenceGNN

#: What can be attributed: anything with ``evidence``, ``context_index``, ``context_null``.
Evidential = EvidenceGNN | EvidenceEnsemble

#: Points on the path from the baseline (midpoint rule). The networks are smooth (tanh):
#: 8 points keep the sum within about 1% of ``z0(x) - z0(baseline)`` (tested).
STEPS = 8


def baseline(model: Evidential, rows: int) -> Tensor:
    """The baseline rows ``[rows, in_channels]``: 0, context columns at ``context_null``."""
    out = torch.zeros(rows, model.in_channels)
    out[:, model.context_index] = model.context_null
    return out


def fake_logit_attributions(model: Evidential, x: Tensor, rows: np.ndarray,
                            steps: int = STEPS) -> np.ndarray:
    """Integrated gradients of ``z0 = profile + context evidence`` for ``x[rows]``.

    Args:
        model: a fitted evidence model (its mode is left as it was; dropout should be
            off, i.e. ``model.eval()``).
        x: the normalised model input of the whole graph ``[N, in_channels]``.
        rows: the accounts to explain.

    Returns:
        ``[len(rows), in_channels]`` float64: each column's share of ``z0 - z0(baseline)``
        (positive: towards "not genuine").
    """
    rows = np.asarray(rows, dtype=np.int64)
    if len(rows) == 0:
        return np.zeros((0, model.in_channels))
    xr = x[torch.from_numpy(rows)].detach().float()
    base = baseline(model, len(rows))
    alphas = (torch.arange(steps, dtype=torch.float32) + 0.5) / steps
    with torch.enable_grad():
        path = (base + alphas.view(-1, 1, 1) * (xr - base)).reshape(-1, model.in_channels)
        path.requires_grad_(True)
        p, c = model.evidence(path)
        (grad,) = torch.autograd.grad((p + c).sum(), path)
    mean_grad = grad.reshape(steps, len(rows), model.in_channels).mean(0)
    return ((xr - base) * mean_grad).double().numpy()
