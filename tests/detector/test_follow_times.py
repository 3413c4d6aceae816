"""Follow times estimated from follow order: hand-built lists with known answers, the
properties every estimate keeps, a loop-per-target reference, and speed. The error on
simulated audiences is tested with its benchmark (tests/benchmarks/test_follow_times.py)."""

from __future__ import annotations

import math
import time
from collections import defaultdict
from dataclasses import replace

import numpy as np
import pytest

from detector.follow_times import estimate_follow_times, running_max, with_estimated_times
from detector.graph import AccountGraph, Accounts, Edges
from detector.schema import EDGE_CODE, FOLLOW
from detector.validate import parse_graph, parse_timestamp

DAY = 86_400.0
T0 = parse_timestamp("2024-01-01T00:00:00Z")


def day(d: float | None) -> str | None:
    """``2024-01-01`` plus ``d`` days as a timestamp (``None`` stays ``None``)."""
    if d is None:
        return None
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(T0 + d * DAY))


def follower_list(created: list[float | None], at: dict[int, float] | None = None,
                  ranks: list[int] | None = None, target_created: float | None = 0,
                  observed: float | None = 10) -> dict:
    """Target ``t`` (created on day ``target_created``) and followers ``f0, f1, ...``
    created on the given days, following ``t`` at the given ranks (default 0, 1, ...);
    ``at`` gives some follows a known time (days)."""
    ranks = ranks if ranks is not None else list(range(len(created)))
    accounts = [{"id": "t", "created_at": day(target_created)}]
    accounts += [{"id": f"f{i}", "created_at": day(c)} for i, c in enumerate(created)]
    edges = [{"source": f"f{i}", "target": "t", "type": "follow", "rank": r,
              "at": day((at or {}).get(i))} for i, r in enumerate(ranks)]
    doc = {"target": "t", "accounts": accounts, "edges": edges}
    if observed is not None:
        doc["observed_at"] = day(observed)
    return doc


def days(graph: AccountGraph) -> list[float]:
    return [round(v, 6) for v in ((graph.edges.at - T0) / DAY).tolist()]


def test_anchors_at_creation_jumps_and_interpolation_between() -> None:
    # f0 predates the target; f1 and f4 are newer than everyone before them (anchors);
    # f2 has no creation date, f3 is older than f1: both lie between the anchors.
    graph = parse_graph(follower_list([-300, 2, None, 1, 4, None]))
    assert days(graph) == [1.0, 2.0, round(2 + 2 / 3, 6), round(3 + 1 / 3, 6), 4.0, 7.0]
    assert graph.edges.at_estimated.all()
    assert [str(w) for w in graph.warnings] == [
        "edges: the times of 6 follows were estimated from their rank (follow order) and "
        "the followers' creation dates; they are estimates, not observed times "
        "(docs/follow-times.md)"]


def test_gaps_in_ranks_count_as_time() -> None:
    # Ranks 0, 5, 10: the unknown follower at rank 5 sits halfway between the anchors.
    graph = parse_graph(follower_list([2, None, 6], ranks=[0, 5, 10], observed=None))
    assert days(graph) == [2.0, 4.0, 6.0]


def test_known_times_are_anchors_and_stay_as_they_were() -> None:
    graph = parse_graph(follower_list([1, None, None, None], at={2: 5.0}))
    assert days(graph) == [1.0, 3.0, 5.0, 7.5]
    assert graph.edges.at_estimated.tolist() == [True, True, False, True]


def test_a_known_time_that_contradicts_the_order_is_kept_but_no_anchor() -> None:
    # f2 followed after f1, who was created on day 4, yet its known time is day 3.
    graph = parse_graph(follower_list([1, 4, None, None], at={2: 3.0}))
    assert days(graph)[2] == 3.0 and not graph.edges.at_estimated[2]
    assert days(graph)[3] == round(4 + 6 * 2 / 3, 6)  # from f1's anchor to observed_at


def test_without_target_creation_the_first_anchor_holds_before_it() -> None:
    graph = parse_graph(follower_list([None, None, 3, None], target_created=None))
    assert days(graph) == [3.0, 3.0, 3.0, 3.0 + 7 / 2]


def test_without_observed_at_the_reference_time_is_the_latest_stamp() -> None:
    # The latest timestamp is f1's creation (day 5), itself the last anchor: f2 holds it.
    graph = parse_graph(follower_list([2, 5, None], observed=None))
    assert days(graph) == [2.0, 5.0, 5.0]


def test_a_list_without_any_anchor_gets_no_estimate() -> None:
    graph = parse_graph(follower_list([None, None], target_created=None))
    assert np.isnan(graph.edges.at).all() and not graph.edges.at_estimated.any()
    assert graph.warnings == []


def test_a_graph_without_ranks_is_returned_as_is() -> None:
    graph = parse_graph(follower_list([1, 2]))
    plain = replace(graph, edges=replace(graph.edges, rank=np.full(2, -1),
                                         at=np.full(2, np.nan),
                                         at_estimated=np.zeros(2, bool)))
    assert with_estimated_times(plain) is plain


def test_other_edges_and_unranked_follows_are_untouched() -> None:
    doc = follower_list([1, None, 3])
    doc["edges"] += [{"source": "f1", "target": "f0", "type": "like"},
                     {"source": "t", "target": "f0", "type": "follow"},
                     {"source": "f2", "target": "f1", "type": "follow", "at": day(2.5)}]
    graph = parse_graph(doc)
    assert graph.edges.at_estimated.tolist() == [True, True, True, False, False, False]
    assert math.isnan(graph.edges.at[3]) and math.isnan(graph.edges.at[4])
    assert days(graph)[5] == 2.5


def test_each_target_is_estimated_on_its_own() -> None:
    one = follower_list([1, None, 3])
    two = {**one, "edges": one["edges"] + [
        {"source": "f2", "target": "f0", "type": "follow", "rank": 0},
        {"source": "f1", "target": "f0", "type": "follow", "rank": 1},
        {"source": "t", "target": "f0", "type": "follow", "rank": 2}]}
    alone, both = parse_graph(one), parse_graph(two)
    np.testing.assert_array_equal(both.edges.at[:3], alone.edges.at)
    # f0's followers: f2 (created day 3) is an anchor; the target f0 was created on day 1.
    assert days(both)[3:] == [3.0, round(3 + 7 / 3, 6), round(3 + 14 / 3, 6)]


def reference(src: list[int], dst: list[int], kind: list[int], at: list[float],
              rank: list[int], created: list[float], ref: float) -> list[float]:
    """The module docstring's rules, one target and one edge at a time."""
    nan = float("nan")
    top = lambda *v: max((x for x in v if not math.isnan(x)), default=nan)  # noqa: E731
    out = [nan] * len(src)
    lists = defaultdict(list)
    for i in range(len(src)):
        if kind[i] == FOLLOW and rank[i] >= 0:
            lists[dst[i]].append(i)
    for target, rows in lists.items():
        rows.sort(key=lambda i: rank[i])
        low, anchors, bounds = created[target], [], []
        for i in rows:
            before, low = low, top(low, created[src[i]], at[i])
            if not math.isnan(at[i]):
                if at[i] == low:
                    anchors.append((rank[i], at[i]))
            elif not math.isnan(created[src[i]]) and (math.isnan(before)
                                                        or created[src[i]] > before):
                anchors.append((rank[i], created[src[i]]))
            bounds.append(low)
        if not anchors:
            continue
        for i, low in zip(rows, bounds, strict=True):
            if not math.isnan(at[i]):
                continue
            left = [a for a in anchors if a[0] <= rank[i]]
            right = [a for a in anchors if a[0] > rank[i]]
            lx, ly = left[-1] if left else (-1, created[target])
            rx, ry = right[0] if right else (rank[rows[-1]] + 1, ref)
            if math.isnan(ly):
                guess = ry
            elif math.isnan(ry) or ry < ly:
                guess = ly
            else:
                guess = ly + (ry - ly) * (rank[i] - lx) / (rx - lx)
            guess = max(guess, low) if not math.isnan(low) else guess
            out[i] = min(guess, ref) if not math.isnan(ref) else guess
    return out


def random_lists(rng: np.random.Generator, n: int, m: int,
                 truthful: bool) -> tuple[Edges, np.ndarray, float]:
    """``m`` edges among ``n`` accounts, most of them ranked follows of a few targets.
    ``truthful``: ranks follow true times that come after every creation, and the known
    times are those true times (else ranks, creations and times are independent)."""
    created = np.round(rng.uniform(0, 100, n)) * DAY
    created[rng.random(n) < 0.3] = np.nan
    src = rng.integers(0, n, m)
    dst = rng.integers(0, min(n, 4), m)
    kind = np.where(rng.random(m) < 0.85, FOLLOW, EDGE_CODE["like"]).astype(np.int8)
    rank = np.where(rng.random(m) < 0.9, rng.permutation(m * 2)[:m], -1)
    at = np.round(rng.uniform(0, 120, m)) * DAY
    ref = 150 * DAY
    if truthful:  # a follow comes after its follower's and target's creation and in rank order
        order = np.argsort(rank)
        at = np.empty(m)
        now = 0.0
        for i in order:
            now = max(now, np.nan_to_num(created[src[i]]), np.nan_to_num(created[dst[i]]))
            now += rng.exponential(DAY)
            at[i] = now
        ref = max(ref, now + DAY)  # observed after the last follow
    at[rng.random(m) < 0.8] = np.nan
    edges = Edges(src=src, dst=dst, type=kind, at=at, weight=np.ones(m, np.int64),
                  rank=rank.astype(np.int64), at_estimated=np.zeros(m, bool))
    return edges, created, ref


@pytest.mark.parametrize("truthful", [True, False])
def test_vectorised_estimate_equals_the_loop_per_target(truthful: bool) -> None:
    rng = np.random.default_rng(7)
    for _ in range(200):
        e, created, ref = random_lists(rng, int(rng.integers(2, 12)), int(rng.integers(1, 30)),
                                       truthful)
        ref = ref if rng.random() < 0.8 else float("nan")
        got = estimate_follow_times(e, created, ref)
        want = reference(e.src.tolist(), e.dst.tolist(), e.type.tolist(), e.at.tolist(),
                         e.rank.tolist(), created.tolist(), ref)
        np.testing.assert_allclose(got, want, rtol=0, atol=1e-6)


def test_estimates_keep_order_bounds_and_anchors() -> None:
    """Monotone in rank, never before the follower's own creation (nor the newest before
    it), never after the reference time, anchors exact, observed times unchanged."""
    rng = np.random.default_rng(11)
    for _ in range(200):
        e, created, ref = random_lists(rng, int(rng.integers(2, 40)), int(rng.integers(1, 80)),
                                       truthful=True)
        accounts = Accounts.empty(np.arange(len(created)).astype(str).astype(object))
        accounts.created_at = created
        graph = with_estimated_times(AccountGraph(accounts, e, observed_at=ref))
        out = graph.edges
        np.testing.assert_array_equal(out.at[~np.isnan(e.at)], e.at[~np.isnan(e.at)])
        assert not out.at_estimated[~np.isnan(e.at)].any()
        for target in np.unique(e.dst):
            rows = np.flatnonzero((e.dst == target) & (e.type == FOLLOW) & (e.rank >= 0))
            rows = rows[np.argsort(e.rank[rows])]
            times = out.at[rows]
            if not out.at_estimated[rows].any():
                continue
            assert not np.isnan(times).any()
            assert (np.diff(times) >= 0).all()
            assert (times <= ref).all()
            mine, born = created[e.src[rows]], np.nan_to_num(created[target], nan=-np.inf)
            newest = np.maximum(np.fmax.accumulate(np.nan_to_num(mine, nan=-np.inf)), born)
            assert (times >= newest).all()
            # Created after everyone before it (and the target): an anchor, exact.
            anchors = ~np.isnan(mine) & (mine > np.r_[born, newest[:-1]]) & np.isnan(e.at[rows])
            anchors &= mine >= np.fmax.accumulate(np.nan_to_num(e.at[rows], nan=-np.inf))
            np.testing.assert_array_equal(times[anchors], mine[anchors])


def test_running_max_per_group() -> None:
    values = np.array([np.nan, 3.0, 1.0, 5.0, np.nan, 2.0, np.nan, 0.5, 7.0])
    group = np.array([0, 0, 0, 0, 1, 1, 2, 2, 2])
    np.testing.assert_array_equal(running_max(values, group),
                                  [np.nan, 3, 3, 5, np.nan, 2, np.nan, 0.5, 7])
    assert np.isnan(running_max(np.full(3, np.nan), np.zeros(3, np.int64))).all()


def test_a_million_followers_in_well_under_a_few_seconds() -> None:
    n = 1_000_000
    rng = np.random.default_rng(0)
    created = rng.uniform(1.4e9, 1.7e9, n + 1)
    created[rng.random(n + 1) < 0.15] = np.nan
    edges = Edges(src=np.arange(1, n + 1), dst=np.zeros(n, np.int64),
                  type=np.full(n, FOLLOW, np.int8), at=np.full(n, np.nan),
                  weight=np.ones(n, np.int64), rank=rng.permutation(n).astype(np.int64),
                  at_estimated=np.zeros(n, bool))
    start = time.perf_counter()
    out = estimate_follow_times(edges, created, 1.7e9)
    seconds = time.perf_counter() - start
    assert not np.isnan(out).any()
    assert seconds < 3.0, f"{seconds:.2f} s"


def test_node_link_input_names_its_links_in_the_notice() -> None:
    doc = follower_list([1, 2])
    graph = parse_graph({"nodes": doc["accounts"], "links": doc["edges"], "target": "t",
                         "observed_at": doc["observed_at"]})
    assert [w.path for w in graph.warnings] == ["links"]
    assert graph.edges.at_estimated.all()


def test_estimating_twice_changes_nothing() -> None:
    graph = parse_graph(follower_list([1, None, 3, None]))
    assert with_estimated_times(graph) is graph
