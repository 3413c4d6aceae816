"""Features on a hand-built graph whose every value is worked out by hand below."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from detector import features
from detector.features import (
    FEATURE_GROUPS,
    FEATURE_INDEX,
    FEATURE_NAMES,
    FEATURES,
    account_age_days,
    compute_features,
)
from detector.graph import AccountGraph, Accounts, Edges
from detector.schema import FOLLOW
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
    # only the length of the name is published
    {"id": "d", "username_length": 8, "platform": "tiktok"},
    # isolated; an empty bio is not missing
    {"id": "e", "bio": "", "has_avatar": False, "platform": "twitter"},
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
    # version 2: scale-free lockstep and batches, age up to a year, unknown name digits
    "log_age_capped": [np.log1p(100), np.log1p(10), 0, np.log1p(10 - 1 / 48), 0, 0],
    "name_digits_missing": [0, 0, 1, 0, 1, 1],  # d publishes only the name's length
    "name_text_missing": [0, 0, 1, 0, 1, 1],
    # a and c created 30 min apart: one other within the hour is chance (SLACK), no batch
    "creation_excess": [0] * 6,
    "platform_twitter": [0, 0, 0, 0, 0, 1],
    "platform_instagram": [0] * 6,
    "platform_tiktok": [0, 0, 0, 0, 1, 0],
    "time_missing": [1, 0, 0, 0, 0, 0],  # t's only follow (of a) has no time
    # a and b follow t 10 min apart: one other within the hour is chance, not lockstep
    # (tests/detector/test_lockstep.py works through real bursts)
    "lockstep_excess": [0] * 6,
    "lockstep_excess_mean": [0] * 6,
    # a and b follow t together, but one other is within chance (SLACK)
    "lockstep_cohort": [0] * 6,
    # campaigns need a follower list of some length (tests/detector/test_campaigns.py)
    "log_campaign_size": [0] * 6,
    "campaign_score": [0] * 6,
    "log_campaign_span": [0] * 6,
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


def test_a_creation_just_after_observed_at_is_age_zero_and_far_after_is_unknown() -> None:
    graph = parse_graph({"observed_at": "2024-01-01T00:00:00Z", "accounts": [
        {"id": "new", "created_at": "2024-01-03T00:00:00Z"}, {"id": "old"},
        {"id": "typo", "created_at": "2099-01-01T00:00:00Z"}]})
    np.testing.assert_array_equal(account_age_days(graph), [0.0, np.nan, np.nan])
    assert [(w.path, w.message) for w in graph.warnings] == [
        ("accounts[2].created_at", "more than a week later than observed_at; dropped (read "
                                   "as unknown)")]
    untimed = parse_graph({"accounts": [{"id": "a", "posts_count": 3}]})
    assert np.isnan(untimed.reference_time())
    x = compute_features(untimed)
    assert column(x, "age_missing")[0] == 1 and column(x, "log_age_days")[0] == 0
    # Unknown age: posts per day falls back to posts over one day.
    assert column(x, "log_posts_per_day")[0] == pytest.approx(np.log1p(3))


def test_username_wins_over_username_length() -> None:
    graph = parse_graph({"accounts": [{"id": "a", "username": "abc", "username_length": 12}]})
    assert column(compute_features(graph), "name_length")[0] == 3


def test_published_digit_count_without_the_name() -> None:
    """InstaFake publishes a name's length and digit count, not the name: the count and
    share are known, the digit run at the end is not; the share needs the length."""
    graph = parse_graph({"accounts": [
        {"id": "a", "username_length": 10, "username_digits": 4},
        {"id": "b", "username_digits": 4},
        {"id": "c", "username": "ab12", "username_digits": 9},
    ]})
    x = compute_features(graph)
    assert column(x, "name_digits").tolist() == [4, 4, 2]
    assert column(x, "name_digit_share").tolist() == pytest.approx([0.4, 0.0, 0.5])
    assert column(x, "name_digits_missing").tolist() == [0, 0, 0]
    assert column(x, "name_missing").tolist() == [0, 1, 0]
    assert column(x, "name_text_missing").tolist() == [1, 1, 0]
    assert column(x, "name_trailing_digits").tolist() == [0, 0, 2]


def test_empty_graphs() -> None:
    assert compute_features(parse_graph({"accounts": []})).shape == (0, len(FEATURES))
    x = compute_features(parse_graph({"accounts": [{"id": "a"}, {"id": "b"}]}))
    assert column(x, "isolated").tolist() == [1, 1]
    assert np.isfinite(x).all()


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
def test_mutual_both_ways_equal_a_set_lookup(monkeypatch, n, table_accounts) -> None:
    # The pair table (small graphs) and the sort + binary search (large ones) agree with
    # the obvious set lookup, repeated follows and self-follows included.
    monkeypatch.setattr(features, "_TABLE_ACCOUNTS", table_accounts)
    rng = np.random.default_rng(n)
    src, dst = rng.integers(0, n, 3000), rng.integers(0, n, 3000)
    src, dst = np.r_[src, dst[:1000], src[:50]], np.r_[dst, src[:1000], dst[:50]]  # back, again
    follows = set(zip(src.tolist(), dst.tolist(), strict=True))
    expected = sorted((u, v) for u, v in zip(src.tolist(), dst.tolist(), strict=True)
                      if (v, u) in follows)
    got = features._mutual(src, dst, n)
    assert sorted(zip(got[0].tolist(), got[1].tolist(), strict=True)) == expected
    assert [len(end) for end in features._mutual(src[:0], dst[:0], n)] == [0, 0]


def test_campaign_members_carry_their_campaign_as_features() -> None:
    # The planted block of tests/detector/test_campaigns.py: 300 accounts made within a
    # week, at places 1,500-1,799 of a 3,000-follower list.
    from detector.campaigns import campaign_membership
    from tests.detector.test_campaigns import BLOCK, listed_document

    graph = parse_graph(listed_document())
    x = compute_features(graph)
    member = campaign_membership(graph)
    np.testing.assert_allclose(column(x, "log_campaign_size"),
                               np.log1p(member["campaign_size"]), rtol=1e-6)
    rows = graph.index_of()
    block = np.array([rows[f"f{i}"] for i in range(BLOCK.start, BLOCK.stop)])
    others = np.setdiff1d(np.arange(1, graph.num_accounts), block)
    assert (column(x, "log_campaign_size")[block] >= np.log1p(295)).mean() > 0.95
    assert (column(x, "campaign_score")[block] > 0).mean() > 0.95
    assert (column(x, "log_campaign_size")[others] == 0).mean() > 0.99


@pytest.mark.parametrize("skip", [features.SKIPPABLE, {"like_sync_mean"},
                                  {"lockstep_excess"}, {"log_followers", "lockstep_excess",
                                                        "lockstep_excess_mean"}])
def test_skipped_columns_are_zero_and_every_other_column_unchanged(skip) -> None:
    graph = random_graph(3_000, 30_000)
    e = graph.edges  # a burst: the first 600 edges (follows and likes) on account 1
    e.dst[:600], e.at[:600] = 1, 1.695e9 + np.arange(600.0)  # within ten minutes
    full, lean = compute_features(graph), compute_features(graph, skip=skip)
    skipped = [FEATURE_NAMES.index(name) for name in features.SKIPPABLE & set(skip)
               # lockstep_excess goes only with its mean (one window search serves both)
               if {"lockstep_excess", "lockstep_excess_mean"} <= set(skip)
               or not name.startswith("lockstep_excess")]
    kept = np.setdiff1d(np.arange(len(FEATURE_NAMES)), skipped)
    assert np.array_equal(lean[:, kept], full[:, kept])
    assert (lean[:, skipped] == 0).all()
    assert all(full[:, k].any() for k in skipped)  # the test graph does exercise them


@pytest.mark.parametrize("whole_seconds", [False, True])
def test_threads_give_the_same_features(whole_seconds) -> None:
    graph = random_graph(20_000, 200_000)
    e = graph.edges  # account 1: 6,000 follows over the year, then a delivered order of
    e.dst[:6000], e.type[:6000] = 1, FOLLOW  # 600 within ten minutes by accounts made
    e.at[:600] = 1.695e9 + np.arange(600.0)  # in one day
    graph.accounts.created_at[e.src[:600]] = 1.6e9 + np.arange(600.0) * 100
    if whole_seconds:  # the exact integer key of the lockstep windows
        np.floor(graph.edges.at, out=graph.edges.at)
    assert graph.num_edges >= features.PARALLEL_EDGES  # the threads do run
    one = compute_features(graph, skip=features.SKIPPABLE)
    assert np.array_equal(compute_features(graph, skip=features.SKIPPABLE, threads=2), one)
    assert column(one, "sync_max").any() and column(one, "lockstep_cohort").any()
