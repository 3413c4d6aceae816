"""Features on a hand-built graph whose every value is worked out by hand below."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from detector import features
from detector.features import (
    BATCH_WINDOW,
    FEATURE_GROUPS,
    FEATURE_INDEX,
    FEATURE_NAMES,
    FEATURES,
    SYNC_WINDOW,
    account_age_days,
    compute_features,
    creation_batch_sizes,
    lockstep,
)
from detector.graph import AccountGraph, Accounts, Edges
from detector.validate import parse_graph

T = datetime(2024, 1, 11, tzinfo=UTC)  # observed_at: the reference time
T0 = datetime(2024, 1, 1, tzinfo=UTC)  # when the follows start
HOUR, DAY = timedelta(hours=1), timedelta(days=1)
L1 = np.log1p(1.0)


def iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def edge(source: str, target: str, kind: str, at: datetime | None = None, **extra: int) -> dict:
    out = {"source": source, "target": target, "type": kind, **extra}
    if at is not None:
        out["at"] = iso(at)
    return out


ACCOUNTS = [
    {"id": "t", "followers_count": 1000, "following_count": 9, "posts_count": 99,
     "listed_count": 0, "has_avatar": True, "verified": True, "private": False, "bio": "hello",
     "username": "brand", "created_at": iso(T - 100 * DAY)},
    {"id": "a", "username": "bob1234", "following_count": 2000, "followers_count": 0,
     "posts_count": 20, "created_at": iso(T - 10 * DAY)},
    {"id": "b"},  # everything hidden
    {"id": "c", "username": "12ab", "created_at": iso(T - 10 * DAY + HOUR / 2)},  # a's batch
    {"id": "d", "username_length": 8},  # only the length of the name is published
    {"id": "e", "bio": "", "has_avatar": False},  # isolated; an empty bio is not missing
]
EDGES = [
    edge("a", "t", "follow", T0),
    edge("b", "t", "follow", T0 + HOUR / 6),  # 10 min after a: lockstep with a
    edge("c", "t", "follow", T0 + 2 * HOUR),  # too late for a and b
    edge("t", "a", "follow"),  # t follows a back (untimed)
    edge("a", "t", "unfollow", T0 + DAY),
    edge("a", "d", "follow", T0 + 2 * DAY),
    edge("b", "t", "like", weight=3),
    edge("c", "t", "comment", T0),
    edge("d", "t", "like", T0 + HOUR / 12),  # 5 min after c's comment
    edge("e", "e", "follow"),  # self-loop: dropped, so e stays isolated
    edge("a", "t", "follow", T0),  # duplicate: dropped
]
ROWS = {name: i for i, name in enumerate(a["id"] for a in ACCOUNTS)}


def build(observed: bool = True) -> AccountGraph:
    doc = {"accounts": ACCOUNTS, "edges": EDGES}
    if observed:
        doc["observed_at"] = iso(T)
    return parse_graph(doc)


@pytest.fixture(scope="module")
def x() -> np.ndarray:
    return compute_features(build())


def column(x: np.ndarray, name: str) -> np.ndarray:
    return x[:, FEATURE_INDEX[name]].astype(np.float64)


#: Expected value per feature for accounts t, a, b, c, d, e (in that order).
EXPECTED = {
    # profile: counts are log1p, missing gives 0 plus an indicator
    "log_followers": [np.log1p(1000), 0, 0, 0, 0, 0],
    "log_following": [np.log1p(9), np.log1p(2000), 0, 0, 0, 0],
    "log_posts": [np.log1p(99), np.log1p(20), 0, 0, 0, 0],
    "log_likes": [0] * 6,
    "log_listed": [0] * 6,
    "follow_ratio": [np.log1p(1000) - np.log1p(9), -np.log1p(2000), 0, 0, 0, 0],
    "log_age_days": [np.log1p(100), np.log1p(10), 0, np.log1p(10 - 1 / 48), 0, 0],
    "log_posts_per_day": [np.log1p(0.99), np.log1p(2), 0, 0, 0, 0],
    "log_bio_length": [np.log1p(5), 0, 0, 0, 0, 0],
    "name_length": [5, 7, 0, 4, 8, 0],
    "name_digits": [0, 4, 0, 2, 0, 0],
    "name_trailing_digits": [0, 4, 0, 0, 0, 0],
    "name_digit_share": [0, 4 / 7, 0, 0.5, 0, 0],
    "mass_following": [0, 1, 0, 0, 0, 0],
    # flags
    "has_avatar": [1, 0, 0, 0, 0, 0],
    "verified": [1, 0, 0, 0, 0, 0],
    "private": [0] * 6,
    "followers_missing": [0, 0, 1, 1, 1, 1],
    "following_missing": [0, 0, 1, 1, 1, 1],
    "posts_missing": [0, 0, 1, 1, 1, 1],
    "likes_missing": [1] * 6,
    "listed_missing": [0, 1, 1, 1, 1, 1],
    "age_missing": [0, 0, 1, 0, 1, 1],
    "avatar_missing": [0, 1, 1, 1, 1, 0],
    "bio_missing": [0, 1, 1, 1, 1, 0],
    "name_missing": [0, 0, 1, 0, 0, 1],
    "verified_missing": [0, 1, 1, 1, 1, 1],
    "private_missing": [0, 1, 1, 1, 1, 1],
    # graph: degrees inside the posted graph
    "log_follow_out": np.log1p([1, 2, 1, 1, 0, 0]),
    "log_follow_in": np.log1p([3, 1, 0, 0, 1, 0]),
    "log_unfollow_out": np.log1p([0, 1, 0, 0, 0, 0]),
    "log_unfollow_in": np.log1p([1, 0, 0, 0, 0, 0]),
    "log_interact_out": np.log1p([0, 0, 3, 1, 1, 0]),  # weighted
    "log_interact_in": np.log1p([5, 0, 0, 0, 0, 0]),
    "isolated": [0, 0, 0, 0, 0, 1],
    "reciprocity_out": [1, 1 / 2, 0, 0, 0, 0],  # a follows t (mutual) and d (not)
    "reciprocity_in": [1 / 3, 1, 0, 0, 0, 0],  # t follows back a of a, b, c
    # time
    "churn": [0, 1 / 2, 0, 0, 0, 0],
    "log_follow_rate": [0, np.log1p(1), 0, 0, 0, 0],  # a: 2 timed follows over 2 days
    "sync_mean": [0, L1 / 2, L1, 0, 0, 0],  # a: 1 other on t, 0 on d
    "sync_max": [0, L1, L1, 0, 0, 0],
    "like_sync_mean": [0, 0, 0, L1, L1, 0],  # b's like is untimed
    "log_creation_batch": [0, L1, 0, L1, 0, 0],
    "interactions_per_follow": np.log1p([0, 0, 3, 1, 1, 0]),
    "engagement_rate": [np.log1p(5) - np.log1p(1000), -L1, 0, 0, -L1, 0],
}


def test_every_feature_has_a_hand_worked_expectation() -> None:
    assert set(EXPECTED) == set(FEATURE_NAMES)


@pytest.mark.parametrize("name", FEATURE_NAMES)
def test_feature_values(x: np.ndarray, name: str) -> None:
    np.testing.assert_allclose(column(x, name), EXPECTED[name], rtol=1e-6, atol=1e-6,
                               err_msg=name)


def test_output_shape_and_type(x: np.ndarray) -> None:
    assert x.shape == (len(ACCOUNTS), len(FEATURES)) and x.dtype == np.float32
    assert np.isfinite(x).all()


def test_feature_table() -> None:
    assert len(set(FEATURE_NAMES)) == len(FEATURES)
    assert set(FEATURE_GROUPS) == {"profile", "flags", "graph", "time"}
    assert sorted(i for idx in FEATURE_GROUPS.values() for i in idx) == list(range(len(FEATURES)))
    assert all(f.why.strip().endswith((".", ")")) for f in FEATURES)


def test_age_is_measured_at_observed_at_else_at_the_latest_timestamp() -> None:
    observed = build(observed=True)
    assert observed.reference_time() == T.timestamp()
    np.testing.assert_allclose(account_age_days(observed)[[0, 1]], [100, 10])
    latest = build(observed=False)
    assert latest.reference_time() == (T0 + 2 * DAY).timestamp()  # a's follow of d
    age = account_age_days(latest)
    np.testing.assert_allclose(age[[0, 1]], [92, 2])
    assert np.isnan(age[[2, 4, 5]]).all()


def test_future_creation_counts_as_age_zero_and_no_time_means_missing() -> None:
    graph = parse_graph({"observed_at": "2024-01-01T00:00:00Z", "accounts": [
        {"id": "new", "created_at": "2024-06-01T00:00:00Z"}, {"id": "old"}]})
    np.testing.assert_array_equal(account_age_days(graph), [0.0, np.nan])
    untimed = parse_graph({"accounts": [{"id": "a", "posts_count": 3}]})
    assert np.isnan(untimed.reference_time())
    x = compute_features(untimed)
    assert column(x, "age_missing")[0] == 1 and column(x, "log_age_days")[0] == 0
    # Unknown age: posts per day falls back to posts over one day.
    assert column(x, "log_posts_per_day")[0] == pytest.approx(np.log1p(3))


def test_username_wins_over_username_length() -> None:
    graph = parse_graph({"accounts": [{"id": "a", "username": "abc", "username_length": 12}]})
    assert column(compute_features(graph), "name_length")[0] == 3


def test_empty_graphs() -> None:
    assert compute_features(parse_graph({"accounts": []})).shape == (0, len(FEATURES))
    x = compute_features(parse_graph({"accounts": [{"id": "a"}, {"id": "b"}]}))
    assert column(x, "isolated").tolist() == [1, 1]
    assert np.isfinite(x).all()


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


def random_graph(n: int, m: int, seed: int = 0) -> AccountGraph:
    """A random graph with every column filled and about a fifth of the values missing."""
    rng = np.random.default_rng(seed)
    accounts = Accounts.empty(np.array([f"u{i}" for i in range(n)], dtype=object))
    for table in (accounts.counts, accounts.flags):
        for name in table:
            values = rng.integers(0, 5000, n).astype(float)
            table[name] = np.where(rng.random(n) < 0.2, np.nan, values)
    accounts.flags = {k: np.where(np.isnan(v), v, v % 2) for k, v in accounts.flags.items()}
    accounts.texts["username"] = np.array(
        [f"name{i}" if i % 5 else None for i in range(n)], dtype=object)
    accounts.texts["bio"] = np.array([None, "a bio"] * (n // 2), dtype=object)
    accounts.created_at = rng.uniform(1.4e9, 1.7e9, n)
    src = rng.integers(0, n, m)
    at = rng.uniform(1.69e9, 1.7e9, m)
    edges = Edges(src=src, dst=(src + rng.integers(1, n, m)) % n,
                  type=rng.integers(0, 6, m).astype(np.int8),
                  at=np.where(rng.random(m) < 0.3, np.nan, at), weight=rng.integers(1, 4, m),
                  rank=np.full(m, -1, np.int64), at_estimated=np.zeros(m, bool))
    return AccountGraph(accounts, edges, target=0)


def test_features_are_vectorised() -> None:
    graph = random_graph(100_000, 1_000_000)
    start = time.perf_counter()
    x = compute_features(graph)
    seconds = time.perf_counter() - start
    print(f"compute_features: 100k accounts, 1M edges in {seconds:.2f} s")
    assert x.shape == (100_000, len(FEATURES)) and np.isfinite(x).all()
    assert seconds < 10, f"{seconds:.1f} s: a per-node loop crept in?"


@pytest.mark.parametrize("table_accounts", [0, features._TABLE_ACCOUNTS])
@pytest.mark.parametrize("n", [1, 2, 50, 3000])
def test_reciprocated_both_ways_equal_a_set_lookup(monkeypatch, n, table_accounts) -> None:
    # The pair table (small graphs) and the sort + binary search (large ones) agree with
    # the obvious set lookup, repeated follows and self-follows included.
    monkeypatch.setattr(features, "_TABLE_ACCOUNTS", table_accounts)
    rng = np.random.default_rng(n)
    src, dst = rng.integers(0, n, 3000), rng.integers(0, n, 3000)
    src, dst = np.r_[src, dst[:1000], src[:50]], np.r_[dst, src[:1000], dst[:50]]  # back, again
    follows = set(zip(src.tolist(), dst.tolist(), strict=True))
    expected = [(v, u) in follows for u, v in zip(src.tolist(), dst.tolist(), strict=True)]
    assert features._reciprocated(src, dst, n).tolist() == expected
    assert features._reciprocated(src[:0], dst[:0], n).tolist() == []


@pytest.mark.parametrize("n", [1, 40, 1 << 16, (1 << 16) + 1])
def test_order_by_target_then_time_is_stable_on_both_branches(n) -> None:
    rng = np.random.default_rng(n)
    d = rng.integers(0, n, 3000)
    d[::9] = n - 1
    t = rng.integers(0, 50, 3000).astype(np.float64) * 60.0  # many equal times
    expected = np.lexsort((t, d))  # stable: ties keep the input order
    np.testing.assert_array_equal(features._by_target_then_time(d, t, n), expected)


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
    ("whole", 50, 3600.0),  # the float key
    ("whole", 2**40, 3600.0),  # targets too large for an exact float key
    ("fractional", 50, 3600.0),
    ("whole", 50, 0.5),
    ("whole", 50, 0.0),
])
def test_windows_equal_the_complex_key_search(times, top, window) -> None:
    rng = np.random.default_rng(3)
    d = rng.integers(0, 50, 4000) * (top // 50)
    t = 1.7e9 + rng.integers(0, 20_000, 4000) * 1.0  # many ties and window edges
    t[::13] = t[1::13][: len(t[::13])] + window  # exactly one window apart
    if times == "fractional":
        t += rng.random(4000)
    order = np.lexsort((t, d))
    d, t = d[order], t[order]
    got = features._windows(d, t, window)
    for g, e in zip(got, _complex_windows(d, t, window), strict=True):
        np.testing.assert_array_equal(g, e)
