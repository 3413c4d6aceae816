"""Lockstep and creation batches: raw counts, their scale-free excess, and the sorts and
window searches they rest on, against obvious implementations."""

from __future__ import annotations

import numpy as np
import pytest

from detector import lockstep as module
from detector.lockstep import (
    BATCH_WINDOW,
    DAY,
    SLACK,
    SYNC_WINDOW,
    creation_batch_sizes,
    creation_excess,
    lockstep,
    lockstep_and_excess,
    lockstep_cohort,
    lockstep_excess,
)

L1 = np.log1p(1.0)


@pytest.mark.parametrize(
    ("dst", "at", "mean", "peak"),
    [
        # three follows of one target within the hour: each sees two others
        ([0, 0, 0], [0, 600, 1200], [np.log1p(2)] * 3, [np.log1p(2)] * 3),
        # exactly one window apart still counts; one second more does not
        ([0, 0], [0, SYNC_WINDOW], [L1, L1], [L1, L1]),
        ([0, 0], [0, SYNC_WINDOW + 1], [0, 0], [0, 0]),
        # the same instant on different targets is not lockstep
        ([0, 1], [0, 0], [0, 0], [0, 0]),
        # untimed edges are ignored
        ([0, 0], [0, np.nan], [0, 0], [0, 0]),
    ],
)
def test_lockstep(dst: list, at: list, mean: list, peak: list) -> None:
    n = len(dst)
    src = np.arange(n) + 2  # accounts 2.. act on targets 0/1
    got_mean, got_peak = lockstep(src, np.array(dst), np.array(at, float), np.ones(n, bool), n + 2)
    np.testing.assert_allclose(got_mean[2:], mean)
    np.testing.assert_allclose(got_peak[2:], peak)
    assert (got_mean[:2] == 0).all()


def test_lockstep_mask_selects_edges() -> None:
    src, dst, at = np.array([1, 2]), np.array([0, 0]), np.array([0.0, 10.0])
    mean, _ = lockstep(src, dst, at, np.array([True, False]), 3)
    assert mean.tolist() == [0, 0, 0]


@pytest.mark.parametrize(
    ("created", "sizes"),
    [
        ([0, 60, 7200], [1, 1, 0]),
        ([0, BATCH_WINDOW, 2 * BATCH_WINDOW], [1, 2, 1]),
        ([5, 5, 5, np.nan], [2, 2, 2, 0]),
        ([], []),
    ],
)
def test_creation_batch_sizes(created: list, sizes: list) -> None:
    np.testing.assert_array_equal(creation_batch_sizes(np.array(created, float)), sizes)


@pytest.mark.parametrize("n", [1, 40, 1 << 16, (1 << 16) + 1, 1 << 40])
def test_order_by_target_then_time_on_one_and_more_radix_passes(n) -> None:
    rng = np.random.default_rng(n % 1000)
    d = rng.integers(0, n, 3000)
    d[::9] = n - 1
    t = rng.integers(0, 50, 3000).astype(np.float64) * 60.0  # many equal times
    order = module._by_target_then_time(d, t, n)
    assert sorted(order.tolist()) == list(range(3000))  # a permutation
    expected = np.lexsort((t, d))  # equal (target, time) pairs may come in any order
    np.testing.assert_array_equal(d[order], d[expected])
    np.testing.assert_array_equal(t[order], t[expected])


def test_lockstep_is_the_same_whichever_sort_orders_it() -> None:
    rng = np.random.default_rng(7)
    n, m = 300, 5000
    src, dst = rng.integers(0, n, m), rng.integers(0, n // 10, m)
    at = np.where(rng.random(m) < 0.1, np.nan, rng.integers(0, 500, m) * 17.0)
    mask = rng.random(m) < 0.8
    small = lockstep(src, dst, at, mask, n)
    large = lockstep(src, dst, at, mask, (1 << 16) + 1)  # the complex-key sort
    for got, expected in zip(small, large, strict=True):
        np.testing.assert_array_equal(got, expected[:n])


def _complex_windows(d, t, window):
    target = d.astype(np.float64)
    key = target + 1j * t
    return (np.searchsorted(key, target + 1j * (t - window), "left"),
            np.searchsorted(key, target + 1j * (t + window), "right"))


@pytest.mark.parametrize(("times", "top", "window"), [
    ("whole", 50, 3600.0),  # the integer key
    ("whole", 2**40, 3600.0),  # still an integer key: 2**40 * 2**16 < 2**62
    ("whole", 2**50, 3600.0),  # targets too large for an integer key: complex key
    ("fractional", 50, 3600.0),
    ("whole", 50, 0.5),  # whole seconds within 0.5 s are within 0 s
    ("whole", 50, 0.0),
    ("unshifted", 50, 1800.5),  # whole seconds, a window of 1800.5 s: floor(w) = 1800
])
def test_window_counts_equal_the_complex_key_search(times, top, window) -> None:
    rng = np.random.default_rng(3)
    m = 4000
    d = rng.integers(0, 50, m) * (top // 50)
    t = 1.7e9 + rng.integers(0, 20_000, m) * 1.0  # many ties and window edges
    if times != "unshifted":
        t[::13] = t[1::13][: len(t[::13])] + window  # exactly one window apart
    if times == "fractional":
        t += rng.random(m)
    edges = module._Sorted.of(np.arange(m), d, t, np.ones(m, bool), int(d.max()) + 1,
                              window)
    whole = np.array_equal(t, np.floor(t))  # a half-second window makes halves above
    assert (edges.key is None) == (not whole or top == 2**50)
    got = np.empty(m, np.int64)
    got[edges.owner] = edges.others(window)  # the owner is the edge's row here
    order = np.lexsort((t, d))
    low, high = _complex_windows(d[order], t[order], window)
    expected = np.empty(m, np.int64)
    expected[order] = high - low - 1
    np.testing.assert_array_equal(got, expected)


def test_a_window_wider_than_the_key_was_built_for_is_refused() -> None:
    # Two targets 2**k apart in key space: a wider window would count the other's edges.
    edges = module._Sorted.of(np.arange(2), np.array([0, 1]), np.array([0.0, 10.0]),
                              np.ones(2, bool), 2, 60.0)
    assert edges.others(60.0).tolist() == [0, 0]
    with pytest.raises(ValueError, match="wider"):
        edges.others(61.0)


def test_excess_is_zero_for_a_steady_stream_and_large_for_a_burst() -> None:
    # One target: a follow every 2 hours for 6 days (steady), then 50 within 10 minutes.
    steady = np.arange(72) * 7200.0
    burst = 6 * DAY + np.arange(50) * 12.0
    at = np.r_[steady, burst]
    n = len(at) + 1
    mean, peak = lockstep_excess(np.arange(1, n), np.zeros(n - 1, np.int64), at,
                                 np.ones(n - 1, bool), n)
    assert peak[1:73].max() < 0.5  # a steady stream is what its rate predicts
    assert peak[73:].min() > 2.0  # 49 others within the hour against about 1 + SLACK
    np.testing.assert_allclose(mean[73:], peak[73:])  # one follow each


def test_excess_does_not_grow_with_a_busier_target() -> None:
    # The same steady stream ten times denser: the raw count grows tenfold, the excess
    # not (a month long, so that few follows sit where the 3-day baseline is cut short).
    def steady(step):
        at = np.arange(0, 30 * DAY, step)
        n = len(at) + 1
        return lockstep(np.arange(1, n), np.zeros(n - 1, np.int64), at, np.ones(n - 1, bool),
                        n)[1], lockstep_excess(np.arange(1, n), np.zeros(n - 1, np.int64), at,
                                               np.ones(n - 1, bool), n)[1]
    raw_slow, excess_slow = steady(600.0)
    raw_fast, excess_fast = steady(60.0)
    assert np.median(raw_fast[1:]) > np.median(raw_slow[1:]) + 2
    assert np.median(excess_fast[1:]) < 0.2 and np.median(excess_slow[1:]) < 0.2


@pytest.mark.parametrize(("created", "expected"), [
    # ten accounts within six minutes, alone in their month: each has 9 others within
    # the hour against 9 x (1 h / 30 d) expected plus SLACK (3) for chance
    (np.arange(10) * 40.0, [np.log(10) - np.log1p(9 / 720 + SLACK)] * 10),
    # two accounts 30 min apart: one other is chance, not a batch
    ([0.0, 1800.0], [0.0, 0.0]),
    # unknown creation: 0
    ([np.nan, 0.0], [0.0, 0.0]),
])
def test_creation_excess(created, expected) -> None:
    np.testing.assert_allclose(creation_excess(np.array(created)), expected)


def test_creation_excess_by_day_when_dates_have_no_time() -> None:
    # Midnight-only dates (Cresci-2015): the same day is the window, the 61 days around
    # the baseline; 20 accounts on one day among 60 spread over the month stand out.
    spread = (np.arange(60) % 60) * DAY - 30 * DAY
    batch = np.zeros(20)
    got = creation_excess(np.r_[spread, batch])
    assert got[60:].min() > 1.0  # 19 others the same day against about 1 + SLACK
    assert np.median(got[:60]) == 0.0


def _audience(created_burst: np.ndarray, seed: int = 0):
    """600 followers of target 0 over two years, created over eight years, then 100 more
    within 40 minutes, created at ``created_burst``."""
    rng = np.random.default_rng(seed)
    steady_at = rng.uniform(0, 730 * DAY, 600)
    steady_created = rng.uniform(-3_000 * DAY, -30 * DAY, 600)
    at = np.r_[steady_at, 740 * DAY + rng.uniform(0, 2_400, 100)]
    created = np.r_[0.0, steady_created, created_burst]  # row 0: the target
    n = len(created)
    src = np.arange(1, n)
    return lockstep_cohort(src, np.zeros(n - 1, np.int64), at, np.ones(n - 1, bool),
                           created, n)


def test_a_delivered_batch_is_a_cohort_and_a_crowd_of_every_age_is_not():
    rng = np.random.default_rng(1)
    batch = _audience(-900 * DAY + rng.uniform(0, 5 * DAY, 100))  # aged stock, made together
    crowd = _audience(rng.uniform(-3_000 * DAY, -30 * DAY, 100))  # a starter pack
    assert np.median(batch[601:]) > 1.0  # 99 close against about 17 + SLACK expected
    assert np.median(crowd[601:]) == 0.0
    assert np.median(batch[1:601]) == 0.0 and np.median(crowd[1:601]) == 0.0


def test_cohort_needs_a_creation_date_and_a_time():
    created = np.array([0.0, np.nan, 5.0])
    got = lockstep_cohort(np.array([1, 2]), np.array([0, 0]), np.array([0.0, np.nan]),
                          np.ones(2, bool), created, 3)
    assert got.tolist() == [0.0, 0.0, 0.0]


def test_lockstep_and_excess_equal_the_two_passes() -> None:
    rng = np.random.default_rng(3)
    n, m = 300, 4_000
    src, dst = rng.integers(0, n, m), rng.integers(0, 20, m)
    at = np.floor(rng.uniform(0, 30 * DAY, m))
    at[rng.random(m) < 0.1] = np.nan
    mask = rng.random(m) < 0.8
    both = lockstep_and_excess(src, dst, at, mask, n)
    for got, want in zip(both, (lockstep(src, dst, at, mask, n),
                                lockstep_excess(src, dst, at, mask, n)), strict=True):
        np.testing.assert_array_equal(got[0], want[0])
        np.testing.assert_array_equal(got[1], want[1])
    assert both[0][1].max() > 0 and both[1][1].max() > 0
