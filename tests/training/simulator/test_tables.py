import numpy as np

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
