"""Burst detection on hand-made follow times."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import poisson

from detector.bursts import MAX_BINS, bin_counts, find_bursts, poisson_tail, timeline_width

HOUR, DAY = 3_600.0, 86_400.0


def steady(days: int = 60, per_day: int = 4, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return np.sort(rng.uniform(0, days * DAY, days * per_day))


def test_poisson_tail_matches_scipy():
    counts = np.array([0, 1, 3, 10, 40])
    rates = np.array([0.5, 0.5, 2.0, 1.0, 12.0])
    expected = np.where(counts > 0, poisson.sf(counts - 1, rates), 1.0)
    np.testing.assert_allclose(poisson_tail(counts, rates), expected, rtol=1e-10)


def test_a_steady_audience_has_no_burst():
    assert find_bursts(steady()) == []


def test_a_purchase_is_found_with_its_window_and_counts():
    purchase = 30 * DAY + 10 * HOUR + np.linspace(0, 50 * 60, 80)  # 80 follows in 50 minutes
    bursts = find_bursts(np.concatenate([steady(), purchase]))
    assert len(bursts) == 1
    b = bursts[0]
    assert b.start == 30 * DAY + 10 * HOUR and b.end == b.start + HOUR
    assert 80 <= b.count <= 82  # the purchase plus any steady follow in the same hour
    assert b.expected == pytest.approx(4 / 24, rel=0.5)
    assert b.p_value < 1e-50


def test_adjacent_bins_merge_into_one_burst():
    purchase = 10 * DAY + np.linspace(0, 3 * HOUR - 1, 90)
    (b,) = find_bursts(np.concatenate([steady(), purchase]))
    assert b.end - b.start == 3 * HOUR


def test_growth_is_not_a_burst():
    """Ten times the follow rate in the second month: the local baseline follows it."""
    rng = np.random.default_rng(1)
    slow = rng.uniform(0, 30 * DAY, 60)
    fast = rng.uniform(30 * DAY, 60 * DAY, 600)
    assert find_bursts(np.concatenate([slow, fast])) == []


def test_small_bursts_and_nan_are_ignored():
    few = 5 * DAY + np.arange(6) * 60.0
    times = np.concatenate([steady(), few, [np.nan, np.nan]])
    assert find_bursts(times, min_count=10) == []
    assert len(find_bursts(times, min_count=5)) == 1
    assert find_bursts(np.array([np.nan])) == []


def test_a_huge_time_span_stays_within_the_bin_budget():
    times = np.array([-6.2e10, 0.0, 2.5e11])  # year 1 to year 9900
    start, width, counts = bin_counts(times, HOUR)
    assert len(counts) <= MAX_BINS and counts.sum() == 3
    assert find_bursts(times, min_count=1) == []


def test_timeline_width_picks_the_smallest_that_fits():
    assert timeline_width(np.array([0.0, 50 * HOUR]), 100) == HOUR
    assert timeline_width(np.array([0.0, 60 * DAY]), 100) == DAY
    assert timeline_width(np.array([0.0, 3 * 365 * DAY]), 100) == 30 * DAY
