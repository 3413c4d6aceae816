"""Temperature scaling and the expected calibration error.

Temperature scaling (Guo et al., "On calibration of modern neural networks", ICML 2017)
divides the logits by one scalar ``T`` fitted on validation by minimising the negative
log-likelihood; it changes confidence, never the predicted class.
"""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F

#: Search range for ``log T``. A perfectly separated validation set pulls T towards 0
#: without end; the floor (T >= 0.05) keeps the model from claiming certainty on new graphs.
_LOG_T_RANGE = (-3.0, 4.0)


def fit_temperature(logits: np.ndarray, labels: np.ndarray) -> float:
    """The temperature minimising validation NLL of ``softmax(logits / T)``.

    A dense grid over ``log T`` followed by a golden-section refinement: deterministic,
    and immune to the divergence LBFGS shows on perfectly separated validation sets.
    """
    if len(labels) == 0:
        return 1.0
    z = torch.as_tensor(logits, dtype=torch.float64)
    y = torch.as_tensor(labels, dtype=torch.long)

    def nll(log_t: float) -> float:
        return float(F.cross_entropy(z / np.exp(log_t), y))

    grid = np.linspace(*_LOG_T_RANGE, 71)
    best = int(np.argmin([nll(t) for t in grid]))
    lo, hi = grid[max(best - 1, 0)], grid[min(best + 1, len(grid) - 1)]
    ratio = (np.sqrt(5.0) - 1.0) / 2.0
    for _ in range(40):
        a, b = hi - ratio * (hi - lo), lo + ratio * (hi - lo)
        if nll(a) < nll(b):
            hi = b
        else:
            lo = a
    return float(np.exp((lo + hi) / 2.0))


def softmax(logits: np.ndarray, temperature: float = 1.0) -> np.ndarray:
    """Row-wise softmax of ``logits / temperature`` in float64 (rows sum to 1)."""
    z = np.asarray(logits, dtype=np.float64) / temperature
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def expected_calibration_error(proba: np.ndarray, labels: np.ndarray, bins: int = 15) -> float:
    """ECE: the sample-weighted gap between confidence and accuracy over ``bins``
    equal-width confidence bins (top-label, as in Guo et al.)."""
    if len(labels) == 0:
        return float("nan")
    confidence = proba.max(axis=1)
    correct = (proba.argmax(axis=1) == labels).astype(np.float64)
    which = np.minimum((confidence * bins).astype(np.int64), bins - 1)
    count = np.bincount(which, minlength=bins)
    gap = np.abs(np.bincount(which, weights=confidence - correct, minlength=bins))
    return float(gap.sum() / len(labels)) if count.sum() else float("nan")
