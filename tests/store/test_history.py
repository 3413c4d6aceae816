"""Snapshots and the history computed from them: joins, leaves, growth anomalies,
churners and ``churn_counts``, on hand-built follower lists with known answers."""

from __future__ import annotations

import numpy as np
import pytest

from store import SnapshotConflict, add_snapshot, churn_counts
from store.history import HistoryConfig, change_ids, growth, history
from store.snapshots import NewSnapshot

DAY = 86_400.0
T0 = 1_717_200_000.0


def snap(store, followers, day, target="star"):
    new = NewSnapshot(target=target, observed_at=T0 + day * DAY, followers=list(followers),
                      audit={"quality": {"score": 50.0}}, summary={"quality": 50.0},
                      model_id="m", model_version="1", created_by="tester")
    return store.write(lambda s: add_snapshot(s, new).id)


def test_joins_leaves_and_churners_between_snapshots(store):
    ids = [snap(store, ["a", "b", "c"], 0), snap(store, ["a", "c", "d", "e"], 1),
           snap(store, ["a", "b", "c"], 2), snap(store, ["a", "b", "d"], 3)]
    with store.read() as s:
        h = history(s, "star")
    assert [x["id"] for x in h["snapshots"]] == ids
    assert [x["followers"] for x in h["snapshots"]] == [3, 4, 3, 3]
    assert h["snapshots"][0]["change"] is None
    c1, c2, c3 = (x["change"] for x in h["snapshots"][1:])
    assert (sorted(c1["joined"]["ids"]), c1["left"]["ids"]) == (["d", "e"], ["b"])
    assert (c2["joined"]["ids"], sorted(c2["left"]["ids"])) == (["b"], ["d", "e"])
    assert (c3["joined"]["ids"], c3["left"]["ids"]) == (["d"], ["c"])
    assert c1["since"] == ids[0] and c1["days"] == pytest.approx(1.0)
    # d and e joined on day 1 and left on day 2; b (there from the start) left and came
    # back, c left without a seen join: neither is a churner.
    assert h["churners"]["count"] == 2
    assert sorted(a["id"] for a in h["churners"]["accounts"]) == ["d", "e"]
    with store.read() as s:
        counts = churn_counts(s, "star", ["d", "e", "b", "c", "a", "never-seen"])
        assert counts.dtype == np.int32
        assert counts.tolist() == [1, 1, 0, 0, 0, 0]
        assert churn_counts(s, "unknown", ["d"]).tolist() == [0]


def test_an_account_that_churns_twice_counts_two_episodes(store):
    for day, followers in enumerate([["a"], ["a", "x"], ["a"], ["a", "x"], ["a"]]):
        snap(store, followers, day)
    with store.read() as s:
        assert churn_counts(s, "star", ["x", "a"]).tolist() == [2, 0]
        assert history(s, "star")["churners"]["accounts"] == [{"id": "x", "episodes": 2}]


def test_snapshots_posted_out_of_order_are_read_in_time_order(store):
    late = snap(store, ["a", "b"], 5)
    early = snap(store, ["a"], 1)
    with store.read() as s:
        h = history(s, "star")
    assert [x["id"] for x in h["snapshots"]] == [early, late]
    assert h["snapshots"][1]["change"]["joined"]["ids"] == ["b"]


def test_a_second_snapshot_at_the_same_time_is_a_conflict(store):
    first = snap(store, ["a"], 0)
    with pytest.raises(SnapshotConflict) as caught:
        snap(store, ["a", "b"], 0)
    assert caught.value.existing == first
    snap(store, ["a"], 0, target="other")  # the same time of another target is fine


def test_long_lists_are_cut_and_paged(store):
    snap(store, [f"u{i:03d}" for i in range(10)], 0)
    second = snap(store, [f"u{i:03d}" for i in range(5, 130)], 1)
    with store.read() as s:
        change = history(s, "star", HistoryConfig(ids=4))["snapshots"][1]["change"]
        assert change["joined"] == {"count": 120, "ids": ["u010", "u011", "u012", "u013"],
                                    "more": True}
        assert change["left"]["count"] == 5 and change["left"]["more"] is True
        pages, offset = [], 0
        while offset is not None:
            page = change_ids(s, "star", second, "joined", offset, 50)
            pages += page["ids"]
            offset = page["next_offset"]
        assert pages == [f"u{i:03d}" for i in range(10, 130)]
        assert change_ids(s, "star", second, "left", 0, 100)["ids"] == \
            [f"u{i:03d}" for i in range(5)]
        assert change_ids(s, "star", 999_999, "left", 0, 10) is None


def test_a_burst_of_joins_is_a_growth_anomaly_and_steady_growth_is_not(store):
    followers, day = [], 0
    for joins in [20, 22, 18, 21, 19, 400, 20, 23]:
        followers += [f"f{len(followers) + i}" for i in range(joins)]
        day += 1
        snap(store, followers, day)
    with store.read() as s:
        h = history(s, "star")
    burst = h["snapshots"][5]  # the first list sets the start; its 5th change is +400
    assert h["growth_anomalies"] == [burst["id"]]
    assert burst["change"]["joined"]["count"] == 400
    assert burst["change"]["usual_per_day"] == pytest.approx(20.5)
    assert burst["change"]["z"] > 3.5


def test_growth_rule_needs_enough_intervals_and_enough_joins():
    config = HistoryConfig()
    few = growth(np.array([0, DAY, 2 * DAY, 3 * DAY]), np.array([1.0, 1.0, 500.0]), config)
    assert [g["anomalous"] for g in few] == [False, False, False]  # 2 others: no usual rate
    small = growth(np.arange(6) * DAY, np.array([0.0, 0, 0, 0, 9]), config)
    assert small[-1]["z"] > 3.5 and not small[-1]["anomalous"]  # 9 joins < min_joins
    flat = growth(np.arange(6) * DAY, np.array([100.0, 104, 97, 101, 99]), config)
    assert not any(g["anomalous"] for g in flat)


def test_unknown_target_has_no_history(store):
    with store.read() as s:
        assert history(s, "nobody") is None
