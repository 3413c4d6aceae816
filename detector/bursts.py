"""Follow bursts: time windows where far more followers arrived than the usual rate.

A purchase of followers arrives as a burst: hundreds of accounts follow the customer
within hours. We bin the follow times into ``bin_seconds`` bins and model each bin's
count as Poisson with a *local* baseline rate: the mean count of the bins within
``baseline_days`` on either side, leaving out bins already flagged (repeated three
times, like sigma clipping, so a burst does not raise its own baseline). A bin is
flagged when ``P(X >= count)`` is below ``alpha / number_of_bins`` (Bonferroni over
the bins); adjacent flagged bins merge into one burst, which is kept when it holds at
least ``min_count`` follows. The local baseline follows an account's growth, so a
steadily growing audience does not look like one long burst.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import gammainc

#: Never use more bins than this; a wider time span gets wider bins (memory bound).
MAX_BINS = 200_000
#: Bin widths offered to the timeline chart, smallest first.
TIMELINE_WIDTHS = (3_600.0, 6 * 3_600.0, 86_400.0, 7 * 86_400.0, 30 * 86_400.0, 365 * 86_400.0)
#: Lowest baseline rate per bin: an empty neighbourhood still expects a trickle.
MIN_RATE = 1e-3


@dataclass(frozen=True)
class Burst:
    """One run of flagged bins: ``[start, end)`` in epoch seconds."""

    start: float
    end: float
    count: int
    expected: float
    p_value: float


def poisson_tail(count: np.ndarray, rate: np.ndarray) -> np.ndarray:
    """``P(X >= count)`` for ``X ~ Poisson(rate)``, element-wise (1 where count <= 0)."""
    count = np.asarray(count, dtype=np.float64)
    safe = np.maximum(count, 1.0)
    # P(X >= k) equals the regularised lower incomplete gamma function P(k, rate).
    return np.where(count <= 0, 1.0, gammainc(safe, np.asarray(rate, dtype=np.float64)))


def bin_counts(times: np.ndarray, bin_seconds: float) -> tuple[float, float, np.ndarray]:
    """``(start, width, counts)`` of ``times`` (no NaN) in bins of at least ``bin_seconds``."""
    start = float(np.floor(times.min() / bin_seconds) * bin_seconds)
    width = max(bin_seconds, (float(times.max()) - start) / (MAX_BINS - 1))
    index = ((times - start) // width).astype(np.int64)
    return start, width, np.bincount(index, minlength=int(index.max()) + 1)


def find_bursts(
    times: np.ndarray,
    bin_seconds: float = 3_600.0,
    alpha: float = 0.01,
    min_count: int = 10,
    baseline_days: float = 7.0,
) -> list[Burst]:
    """Suspicious bursts among follow times (epoch seconds; NaN are ignored).

    Args:
        times: when each follow happened.
        bin_seconds: bin width.
        alpha: chance of flagging at least one bin of a burst-free series.
        min_count: fewest follows a burst must hold.
        baseline_days: half-width of the window the baseline rate is taken from.
    """
    times = np.asarray(times, dtype=np.float64)
    times = times[~np.isnan(times)]
    if len(times) < min_count:
        return []
    start, width, counts = bin_counts(times, bin_seconds)
    rate = _LocalRate(counts, max(1, int(round(baseline_days * 86_400.0 / width))))
    threshold = alpha / len(counts)
    # Only bins with two or more follows can be flagged; the rate is needed only there.
    candidates = np.flatnonzero(counts >= 2)
    flagged = np.zeros(0, dtype=np.int64)
    for _ in range(3):
        now = candidates[poisson_tail(counts[candidates], rate.at(candidates, flagged)) < threshold]
        if np.array_equal(now, flagged):
            break
        flagged = now
    bursts = []
    for lo, hi in _runs(flagged):
        count = int(counts[lo:hi].sum())
        expected = float(rate.at(np.arange(lo, hi), flagged).sum())
        if count < min_count:
            continue
        p = float(poisson_tail(np.array([count]), np.array([expected]))[0])
        bursts.append(Burst(start + lo * width, start + hi * width, count, expected, p))
    return bursts


class _LocalRate:
    """Mean count of the unflagged bins within ``half`` bins of a bin, at chosen bins.

    One cumulative sum over all bins, then the flagged bins (few) are subtracted with
    binary searches: the cost is in the candidates, not in the (possibly many) bins.
    """

    def __init__(self, counts: np.ndarray, half: int) -> None:
        self.counts = counts
        self.half = half
        self.cum = np.concatenate([[0], np.cumsum(counts)])

    def at(self, index: np.ndarray, flagged: np.ndarray) -> np.ndarray:
        lo = np.maximum(index - self.half, 0)
        hi = np.minimum(index + self.half + 1, len(self.counts))
        total = (self.cum[hi] - self.cum[lo]).astype(np.float64)
        n = (hi - lo).astype(np.float64)
        if len(flagged):
            flagged_cum = np.concatenate([[0], np.cumsum(self.counts[flagged])])
            a = np.searchsorted(flagged, lo, "left")
            b = np.searchsorted(flagged, hi, "left")
            total -= flagged_cum[b] - flagged_cum[a]
            n -= b - a
        return np.maximum(total / np.maximum(n, 1.0), MIN_RATE)


def _runs(index: np.ndarray) -> list[tuple[int, int]]:
    """``[lo, hi)`` ranges of consecutive values in the sorted ``index``."""
    if len(index) == 0:
        return []
    breaks = np.flatnonzero(np.diff(index) > 1)
    starts = np.concatenate([[index[0]], index[breaks + 1]])
    ends = np.concatenate([index[breaks], [index[-1]]]) + 1
    return list(zip(starts.tolist(), ends.tolist(), strict=True))


def timeline_width(times: np.ndarray, max_bins: int) -> float:
    """The smallest of ``TIMELINE_WIDTHS`` that covers ``times`` in ``max_bins`` bins."""
    span = float(times.max() - times.min()) if len(times) else 0.0
    for width in TIMELINE_WIDTHS:
        if span / width < max_bins:
            return width
    return span / (max_bins - 1)
