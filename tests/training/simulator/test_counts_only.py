"""A bare list of counts (``view.counts_only``) and the share of training worlds seen so."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from training.simulator import SimConfig, simulate
from training.simulator.mixture import TrainingMix, training_graphs
from training.simulator.view import COUNTS, counts_only


def test_a_list_of_counts_keeps_the_three_counts_and_nothing_else():
    graph = simulate(SimConfig(accounts=300, seed=2, audit_of="star"))
    seen = counts_only(graph)
    assert seen.num_edges == 0 and graph.num_edges > 0
    assert seen.target == graph.target
    for name, values in seen.accounts.counts.items():
        if name in COUNTS:
            np.testing.assert_array_equal(values, graph.accounts.counts[name])
        else:
            assert np.isnan(values).all(), name
    assert all(np.isnan(v).all() for v in seen.accounts.flags.values())
    assert all((v == np.array(None)).all() for v in seen.accounts.texts.values())
    assert np.isnan(seen.accounts.created_at).all()
    np.testing.assert_array_equal(seen.accounts.label, graph.accounts.label)
    # The graph it was made from is left as it was.
    assert not np.isnan(graph.accounts.created_at).all()
    assert graph.accounts.texts["username"][0] is not None


def test_the_mix_shows_some_worlds_as_counts_and_draws_the_others_as_before():
    # Unlabelling the traceless fakes would unlabel more of a world seen as counts.
    mix = TrainingMix(graphs=12, accounts=60, val_graphs=2, seed=5, unlabel_traceless=False)
    before = training_graphs(mix)
    after = training_graphs(dataclasses.replace(mix, counts_only=0.5))
    bare = [_bare(g) for g in after]
    assert 0 < sum(bare) < len(after)
    for a, b, is_bare in zip(before, after, bare, strict=True):
        np.testing.assert_array_equal(a.accounts.label, b.accounts.label)
        np.testing.assert_array_equal(a.accounts.counts["following_count"],
                                      b.accounts.counts["following_count"])
        if not is_bare:  # every other world is the seed's own, edges and all
            np.testing.assert_array_equal(a.edges.src, b.edges.src)
            np.testing.assert_array_equal(a.accounts.created_at, b.accounts.created_at)
    assert not any(_bare(g) for g in before)  # the default share is none
    none = training_graphs(dataclasses.replace(mix, counts_only=1.0))
    assert all(g.num_edges == 0 for g in none)


def _bare(graph) -> bool:
    """No edge, no creation date, no avatar flag: a world seen as a list of counts (a
    view of the mix hides the avatar of at most 60% of the accounts)."""
    return bool(graph.num_edges == 0 and np.isnan(graph.accounts.created_at).all()
                and np.isnan(graph.accounts.flags["has_avatar"]).all())


@pytest.mark.parametrize("share", [-0.1, 1.5])
def test_the_share_of_count_lists_is_a_share(share):
    with pytest.raises(ValueError, match="counts_only"):
        TrainingMix(counts_only=share)
