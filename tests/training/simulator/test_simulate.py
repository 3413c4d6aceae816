"""The whole graph: calibrated marginals, consistency, determinism, difficulties."""

import numpy as np
import pytest

from detector.schema import FOLLOW, LABEL_CODE
from training.simulator import SimConfig, simulate

from .sim_helpers import class_median, follows

GENUINE, BOUGHT, MASS = (LABEL_CODE[k] for k in ("genuine", "bought", "mass_follow"))


@pytest.mark.parametrize("field, label, low, high", [
    # Cresci-2015 medians: followers 95 vs 12, following 210 vs 305 (docs/simulator.md);
    # the figures: followers ~100 vs 18, following ~230 vs 340, posts ~1,000 vs 36.
    ("followers_count", GENUINE, 70, 140),
    ("following_count", GENUINE, 170, 280),
    ("posts_count", GENUINE, 700, 1_400),
    ("followers_count", BOUGHT, 8, 25),
    ("following_count", BOUGHT, 260, 420),
    ("posts_count", BOUGHT, 15, 60),
    ("following_count", MASS, 2_000, 4_500),
    ("followers_count", MASS, 300, 2_000),
])
def test_class_medians_in_calibrated_ranges(realistic, field, label, low, high):
    assert low <= class_median(realistic, field, label) <= high


def test_mass_followers_cross_the_hypeauditor_line(realistic):
    a = realistic.accounts
    following = a.counts["following_count"]
    over = following > 1_500
    known = ~np.isnan(following)
    assert over[known & (a.label == MASS)].mean() > 0.75
    assert over[known & (a.label == BOUGHT)].mean() < 0.05
    assert over[known & (a.label == GENUINE)].mean() < 0.1


def test_class_shares_labels_and_metadata(realistic):
    g = realistic
    assert g.num_accounts == 6_000 and g.target is None
    np.testing.assert_array_equal(np.bincount(g.accounts.label), [4_200, 1_200, 600])
    assert g.observed_at == SimConfig().observed_seconds()
    assert len(set(g.ids.tolist())) == g.num_accounts
    assert all(i.startswith("u") for i in g.ids[:100])
    assert not g.warnings


def test_platform_counts_cover_the_graph(realistic):
    g = realistic
    src, dst, _ = follows(g)
    out_deg = np.bincount(src, minlength=g.num_accounts)
    in_deg = np.bincount(dst, minlength=g.num_accounts)
    for field, degree in (("following_count", out_deg), ("followers_count", in_deg)):
        count = g.accounts.counts[field]
        known = ~np.isnan(count)
        assert (count[known] >= degree[known]).all()
        assert (count[known] > degree[known]).mean() > 0.5  # the graph is a sample


def test_times_lie_between_creation_and_observation(realistic):
    g = realistic
    e = g.edges
    timed = ~np.isnan(e.at)
    assert timed.mean() > 0.9
    assert (e.at[timed] <= g.observed_at).all()
    created = g.accounts.created_at[e.src]
    ok = np.isnan(created) | ~timed | (e.at >= created - 1)
    assert ok[e.type == FOLLOW].mean() > 0.999
    assert (g.accounts.created_at[~np.isnan(g.accounts.created_at)] < g.observed_at).all()


def test_row_order_does_not_reveal_the_class(realistic):
    label = realistic.accounts.label
    first, last = label[:3_000], label[3_000:]
    assert abs((first == BOUGHT).mean() - (last == BOUGHT).mean()) < 0.05


def test_same_seed_same_graph_other_seed_other_graph():
    a, b = (simulate(SimConfig(accounts=800, seed=11)) for _ in range(2))
    c = simulate(SimConfig(accounts=800, seed=12))
    for x, y in ((a.edges.src, b.edges.src), (a.edges.at, b.edges.at),
                 (a.accounts.label, b.accounts.label),
                 (a.accounts.counts["followers_count"], b.accounts.counts["followers_count"])):
        np.testing.assert_array_equal(x, y)
    assert a.accounts.texts["username"].tolist() == b.accounts.texts["username"].tolist()
    assert len(a.edges) != len(c.edges) or not np.array_equal(a.edges.src, c.edges.src)


def _profile_gap(graph) -> float:
    """How far bought accounts' log follower and post counts sit from genuine ones."""
    gap = 0.0
    for field in ("followers_count", "posts_count"):
        gap += np.log1p(class_median(graph, field, GENUINE)) - np.log1p(
            class_median(graph, field, BOUGHT))
    return gap


def test_difficulty_moves_profiles_together_and_hides_more():
    graphs = {d: simulate(SimConfig(accounts=4_000, seed=5, difficulty=d))
              for d in ("easy", "realistic", "hard")}
    gaps = [_profile_gap(graphs[d]) for d in ("easy", "realistic", "hard")]
    assert gaps[0] > gaps[1] > gaps[2] > 0
    missing = [np.isnan(graphs[d].accounts.counts["likes_count"]).mean()
               for d in ("easy", "realistic", "hard")]
    assert missing[0] == 0 and 0.15 < missing[1] < missing[2]
    untimed = [np.isnan(graphs[d].edges.at).mean() for d in ("easy", "realistic", "hard")]
    assert untimed[0] == 0 and untimed[1] < untimed[2]


def test_hard_mislabels_a_few_accounts():
    noisy = simulate(SimConfig(accounts=4_000, seed=6, difficulty="hard"))
    clean = simulate(SimConfig(accounts=4_000, seed=6, difficulty="hard",
                               behaviour={"label_noise": 0.0}))
    np.testing.assert_array_equal(noisy.edges.src, clean.edges.src)
    wrong = (noisy.accounts.label != clean.accounts.label).mean()
    assert 0.005 < wrong < 0.03
