"""Campaigns, campaign membership, the follow order and the follower map on hand-built
graphs: a collected follower list (ranks, no times) and a timed audience."""

from __future__ import annotations

import numpy as np
import pytest

from detector.audit import audit
from detector.campaigns import (
    campaign_membership,
    campaign_reason,
    find_campaigns,
    within,
)
from detector.follow_order import BY_RANK, BY_TIME, follow_order, follow_orders
from detector.follower_map import follower_map
from detector.validate import parse_graph

from .follower_lists import DAY, NOW, YEAR, genuine_list, plant

CLASSES = ("genuine", "bought", "mass_follow")
BLOCK = range(1_500, 1_800)  # the bought block's places (0 = oldest follower)


def iso(seconds: float) -> str:
    return np.datetime_as_string(np.datetime64(int(seconds), "s")) + "Z"


def listed_document(n: int = 3_000, timed: bool = False, seed: int = 0) -> dict:
    """Target ``star`` and ``n`` followers in follow order, a block of 300 bought
    accounts made within a week at places 1,500-1,799. As a collected list: ``rank``
    (0 = oldest) and no times; ``timed``: follow times instead of ranks."""
    created = plant(genuine_list(n, seed), BLOCK.start, len(BLOCK), YEAR, 7 * DAY)
    follow = np.maximum.accumulate(created) + DAY  # a follow after everyone before it
    accounts = [{"id": "star", "created_at": iso(NOW - 10 * YEAR)}]
    edges = []
    for i, c in enumerate(created.tolist()):
        accounts.append({"id": f"f{i}", "created_at": iso(c)})
        edge = {"source": f"f{i}", "target": "star", "type": "follow"}
        edge.update({"at": iso(follow[i])} if timed else {"rank": i})
        edges.append(edge)
    return {"target": "star", "observed_at": iso(NOW), "accounts": accounts, "edges": edges}


@pytest.fixture(scope="module")
def listed():
    return parse_graph(listed_document())


def test_the_block_of_a_follower_list_is_one_campaign(listed):
    (c,) = find_campaigns(listed)
    assert BLOCK.start <= c.rank_from <= BLOCK.start + 5
    assert BLOCK.stop - 6 <= c.rank_to <= BLOCK.stop - 1
    assert c.size >= 295 and c.in_range == c.rank_to - c.rank_from + 1
    rows = [listed.index_of()[f"f{i}"] for i in BLOCK]
    assert set(c.members.tolist()) <= set(rows)
    created = listed.accounts.created_at[c.members]
    assert (c.created_from, c.created_to) == (created.min(), created.max())
    assert c.created_to - c.created_from <= 7 * DAY
    assert c.estimated and c.arrived_from <= c.arrived_to  # times estimated from the ranks
    assert 0 <= c.false_alarm_rate < 1e-6 and c.score > 9


def test_a_timed_audience_is_ordered_by_time():
    graph = parse_graph(listed_document(timed=True))
    order = follow_order(graph)
    assert order.by == BY_TIME and order.place.tolist() == list(range(3_000))
    (c,) = find_campaigns(graph)
    assert not c.estimated and abs(c.rank_from - BLOCK.start) <= 5


def test_membership_and_its_sentence(listed):
    (c,) = find_campaigns(listed)
    membership = campaign_membership(listed)
    assert set(membership) == {"campaign_size", "campaign_score", "campaign_span_days"}
    size = membership["campaign_size"]
    assert (size[c.members] == c.size).all()
    assert (size > 0).sum() == c.size
    assert np.isnan(membership["campaign_span_days"][size == 0]).all()
    assert membership["campaign_score"][c.members[0]] == pytest.approx(c.score)
    assert campaign_reason(membership, int(c.members[0])) == (
        f"arrived in a block of {c.size:,} followers created within the same week")
    assert campaign_reason(membership, listed.target) is None


def test_a_graph_without_target_scans_every_long_enough_list(listed):
    listed.target = None
    try:
        size = campaign_membership(listed)["campaign_size"]
        assert (size > 0).sum() >= 295
        assert (campaign_membership(listed, min_list=5_000)["campaign_size"] == 0).all()
    finally:
        listed.target = 0


def test_campaign_record_has_the_members_shares(listed):
    (c,) = find_campaigns(listed)
    proba = np.tile([0.9, 0.05, 0.05], (listed.num_accounts, 1))
    proba[c.members[:200]] = [0.1, 0.8, 0.1]
    record = c.to_dict(proba, CLASSES)
    assert record["bought_share"] == pytest.approx(200 / c.size, abs=1e-4)
    assert record["shares"]["bought"] == pytest.approx((200 * 0.8 + (c.size - 200) * 0.05)
                                                      / c.size, abs=1e-4)
    assert record["created_from"].endswith("Z") and record["estimated"] is True
    assert set(record) >= {"rank_from", "rank_to", "size", "created_from", "created_to",
                           "arrived_from", "arrived_to", "estimated", "shares",
                           "bought_share", "score", "false_alarm_rate"}


def test_the_audit_carries_campaigns_and_the_map(listed):
    proba = np.tile([0.9, 0.05, 0.05], (listed.num_accounts, 1))
    report = audit(listed, proba, CLASSES).to_dict()
    (record,) = report["campaigns"]
    assert record["bought_share"] == 0.0 and record["shares"]["genuine"] == 0.9
    fmap = report["follower_map"]
    assert fmap["by"] == BY_RANK and fmap["followers"] == fmap["shown"] == 3_000
    assert fmap["rank"] == list(range(3_000)) and set(fmap["label"]) == {0}


def test_no_order_no_campaigns_and_no_map():
    doc = listed_document()
    for edge in doc["edges"]:
        del edge["rank"]
    graph = parse_graph(doc)
    assert follow_order(graph) is None and find_campaigns(graph) == []
    report = audit(graph, np.tile([1.0, 0.0, 0.0], (graph.num_accounts, 1)), CLASSES)
    assert report.campaigns == [] and report.to_dict()["follower_map"] is None


def test_the_latest_follow_of_each_follower_counts():
    doc = {"target": "t", "accounts": [{"id": i} for i in ("t", "a", "b", "c")], "edges": [
        {"source": "a", "target": "t", "type": "follow", "at": "2024-01-01T00:00:00Z"},
        {"source": "b", "target": "t", "type": "follow", "at": "2024-02-01T00:00:00Z"},
        {"source": "a", "target": "t", "type": "unfollow", "at": "2024-03-01T00:00:00Z"},
        {"source": "a", "target": "t", "type": "follow", "at": "2024-04-01T00:00:00Z"},
        {"source": "c", "target": "t", "type": "follow"},  # untimed: no place in the order
    ]}
    graph = parse_graph(doc)
    order = follow_order(graph)
    assert graph.ids[order.src].tolist() == ["b", "a"] and order.place.tolist() == [0, 1]


def test_ranks_win_over_times_and_keep_their_gaps():
    doc = {"target": "t", "accounts": [{"id": i} for i in ("t", "a", "b", "c")], "edges": [
        {"source": "a", "target": "t", "type": "follow", "rank": 7},
        {"source": "b", "target": "t", "type": "follow", "rank": 2},
        {"source": "c", "target": "t", "type": "follow", "at": "2024-01-01T00:00:00Z"},
    ]}
    order = follow_order(parse_graph(doc))
    assert order.by == BY_RANK and order.place.tolist() == [2, 7]


def test_the_orders_of_many_targets_equal_one_by_one():
    rng = np.random.default_rng(4)
    ids = [f"u{i}" for i in range(40)]
    edges, ranks = [], np.zeros(40, np.int64)
    for _ in range(600):  # repeated follows, unfollows, ranks on some targets, equal times
        source, target = rng.choice(40, 2, replace=False)
        edge = {"source": ids[source], "target": ids[target],
                "type": "follow" if rng.random() < 0.85 else "unfollow"}
        if target % 3 == 0 and edge["type"] == "follow" and rng.random() < 0.8:
            ranks[target] += rng.integers(1, 4)  # unique per target, with gaps
            edge["rank"] = int(ranks[target])
        elif rng.random() < 0.9:
            edge["at"] = iso(NOW - int(rng.integers(0, 20)) * DAY)
        edges.append(edge)
    graph = parse_graph({"accounts": [{"id": i} for i in ids], "edges": edges})
    targets = np.array([0, 3, 5, 5, 17, 39])
    for target, got in zip(targets, follow_orders(graph, targets), strict=True):
        want = follow_order(graph, int(target))
        assert (got is None) == (want is None)
        if want is not None:
            assert got.target == want.target and got.by == want.by
            for name in ("src", "place", "at", "estimated"):
                np.testing.assert_array_equal(getattr(got, name), getattr(want, name))


def test_a_long_map_is_thinned_and_undated_followers_counted(listed):
    order = follow_order(listed)
    listed.accounts.created_at[order.src[:10]] = np.nan
    proba = np.tile([0.2, 0.7, 0.1], (listed.num_accounts, 1))
    fmap = follower_map(listed, order, proba, CLASSES, max_points=1_000)
    assert fmap["undated"] == 10 and fmap["step"] == 3 and fmap["shown"] == 997
    assert fmap["rank"][:3] == [10, 13, 16] and set(fmap["label"]) == {1}
    day = listed.accounts.created_at[order.src[10]] / DAY
    assert fmap["created_day"][0] == int(np.floor(day))


@pytest.mark.parametrize(("days", "words"), [
    (0.2, "within the same day"), (6, "within the same week"), (30, "within the same month"),
    (100, "within 4 months"), (800, "within 3 years")])
def test_spans_in_words(days, words):
    assert within(days) == words


def test_one_list_is_scanned_once_for_features_and_audit(listed, monkeypatch):
    import detector.campaigns as module

    calls = []
    real = module.scan
    monkeypatch.setattr(module, "scan", lambda *a, **k: calls.append(1) or real(*a, **k))
    module._SCANS.clear()
    first = campaign_membership(listed)
    again = find_campaigns(listed)
    assert len(calls) == 1
    assert sorted(first["campaign_size"][again[0].members]) == [again[0].size] * again[0].size
