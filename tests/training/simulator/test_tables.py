import numpy as np
import pytest

from detector.schema import EDGE_CODE
from training.simulator.tables import EdgeLog, Picker


def test_edge_log_merges_repeats_and_drops_loops_and_future():
    log = EdgeLog(num_accounts=4, observed_at=100.0)
    log.add(np.array([0, 0, 1, 2]), np.array([1, 1, 1, 3]), "follow",
            np.array([50.0, 20.0, 10.0, 150.0]))
    log.add(np.array([0, 0]), np.array([1, 1]), "like", np.array([30.0, 60.0]),
            np.array([2, 3]))
    edges = log.build()
    rows = {(int(s), int(d), int(t)): (float(a), int(w)) for s, d, t, a, w in
            zip(edges.src, edges.dst, edges.type, edges.at, edges.weight, strict=True)}
    assert rows == {
        (0, 1, EDGE_CODE["follow"]): (20.0, 1),  # earliest follow kept
        (0, 1, EDGE_CODE["like"]): (60.0, 5),  # likes add up, latest time kept
    }


def test_picker_follows_weights_and_groups():
    rng = np.random.default_rng(0)
    picker = Picker(np.array([10, 11, 12, 13]), np.array([1.0, 0.0, 3.0, 1.0]),
                    group=np.array([0, 0, 1, 1]))
    draws = picker.draw(rng, 20_000)
    share = np.bincount(draws - 10, minlength=4) / len(draws)
    assert share[1] == 0
    np.testing.assert_allclose(share, [0.2, 0.0, 0.6, 0.2], atol=0.02)
    inside = picker.draw_in(rng, np.zeros(1_000, np.int64))
    assert set(inside.tolist()) == {10}
    inside = picker.draw_in(rng, np.ones(4_000, np.int64))
    assert set(inside.tolist()) == {12, 13}
    assert abs((inside == 12).mean() - 0.75) < 0.03


def test_edge_log_drops_edges_before_either_account_existed():
    created = np.array([0.0, 40.0, np.nan])
    log = EdgeLog(num_accounts=3, observed_at=100.0, created_at=created)
    log.add(np.array([0, 1, 0, 2, 0]), np.array([1, 0, 2, 1, 1]), "follow",
            np.array([30.0, 39.0, 5.0, 20.0, 40.0]))
    edges = log.build()
    # 0 -> 1 at 30 (1 created at 40) and 1 -> 0 at 39 go; 0 -> 2 (2's creation unknown)
    # stays; 2 -> 1 at 20 goes; the repeat of 0 -> 1 at 40 is the follow kept.
    rows = zip(edges.src.tolist(), edges.dst.tolist(), edges.at.tolist(), strict=True)
    assert sorted(rows) == [(0, 1, 40.0), (0, 2, 5.0)]


def test_an_unfollow_goes_with_the_follow_it_undid():
    log = EdgeLog(num_accounts=3, observed_at=100.0, created_at=np.array([0.0, 50.0, 0.0]))
    log.add(np.array([0, 0]), np.array([1, 2]), "follow", np.array([10.0, 10.0]))
    log.add(np.array([0, 0]), np.array([1, 2]), "unfollow", np.array([60.0, 60.0]))
    edges = log.build()
    assert sorted(zip(edges.dst.tolist(), edges.type.tolist(), strict=True)) == [
        (2, EDGE_CODE["follow"]), (2, EDGE_CODE["unfollow"])]


@pytest.mark.parametrize("config", [{"audit_of": "brand"}, {"difficulty": "hard"}])
def test_a_simulated_graph_has_no_edge_before_its_accounts_existed(config):
    """Aged stock sells for years: in a hard world most orders would otherwise reach
    customers before they signed up."""
    from training.simulator import SimConfig, simulate

    graph = simulate(SimConfig(accounts=3_000, seed=3, **config))
    created = graph.accounts.created_at
    first = np.fmax(created[graph.edges.src], created[graph.edges.dst])
    assert len(graph.edges) > 10_000 and not (graph.edges.at < first).any()
