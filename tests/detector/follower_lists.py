"""Hand-built follower lists: creation dates in follow order, genuine and bought."""

from __future__ import annotations

import numpy as np

DAY, YEAR = 86_400.0, 365.25 * 86_400.0
NOW = 1.75e9  # 2025-06-15


def genuine_list(n: int, seed: int = 0, years: float = 6.0) -> np.ndarray:
    """Creation dates in follow order of ``n`` genuine followers over ``years``.

    Each follows at a time spread over the years (faster later, as audiences grow) and
    was created before it: 20% signed up days before following (new users), 10% in one
    creation wave (a platform's boom months), the rest at any earlier time.
    """
    rng = np.random.default_rng(seed)
    follow = NOW - years * YEAR * (1 - np.sort(rng.random(n)) ** 0.5)
    age = np.exp(rng.normal(np.log(3 * YEAR), 0.8, n))
    fresh = rng.random(n) < 0.2
    age[fresh] = rng.uniform(0, 3 * DAY, fresh.sum())
    created = follow - age
    wave = (rng.random(n) < 0.1) & (follow > NOW - 9 * YEAR)
    created[wave] = NOW - 9 * YEAR + rng.uniform(0, 60 * DAY, wave.sum())
    return created


def plant(created: np.ndarray, at: int, size: int, before: float, spread: float,
          seed: int = 1) -> np.ndarray:
    """``created`` with followers ``at..at+size`` replaced by accounts created within
    ``spread`` seconds, starting ``before`` seconds before the newest account among the
    followers before them (a vendor's batch, made before it could follow)."""
    out = created.copy()
    start = created[:at].max() - before
    out[at:at + size] = start + np.random.default_rng(seed).uniform(0, spread, size)
    return out
