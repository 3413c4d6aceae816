"""The simulator says which platform its accounts are on, and a view may leave it unsaid."""

from __future__ import annotations

import dataclasses

import numpy as np

from detector.schema import PLATFORM_CODE
from training.simulator import SimConfig, simulate
from training.simulator.mixture import TrainingMix, training_graphs
from training.simulator.view import View, observe
from training.simulator.world import PLATFORMS, World


def test_every_account_says_the_platform_of_its_world():
    for name in PLATFORMS:
        graph = simulate(SimConfig(accounts=300, seed=1, world=World().with_platform(name)))
        assert (graph.accounts.platform == PLATFORM_CODE[name]).all()


def test_a_view_that_leaves_the_platform_unsaid_changes_nothing_else():
    graph = simulate(SimConfig(accounts=400, seed=2, world=World().with_platform("instagram")))
    told = observe(graph, View("untimed"), np.random.default_rng(0))
    unsaid = observe(graph, View("untimed", platform=False), np.random.default_rng(0))
    assert (told.accounts.platform == PLATFORM_CODE["instagram"]).all()
    assert (unsaid.accounts.platform == -1).all()
    for name, column in told.accounts.counts.items():
        np.testing.assert_array_equal(column, unsaid.accounts.counts[name])
    np.testing.assert_array_equal(told.edges.src, unsaid.edges.src)
    assert (graph.accounts.platform == PLATFORM_CODE["instagram"]).all()  # not changed


def test_the_mix_leaves_the_platform_unsaid_in_some_worlds_and_draws_the_same_worlds():
    mix = TrainingMix(graphs=12, accounts=60, val_graphs=2, seed=5)
    graphs = training_graphs(mix)
    said = [bool((g.accounts.platform >= 0).all()) for g in graphs]
    unsaid = [bool((g.accounts.platform == -1).all()) for g in graphs]
    assert all(a != b for a, b in zip(said, unsaid, strict=True))  # one or the other per world
    assert 0 < sum(said) < len(graphs)
    # The field is drawn apart from the worlds: none said or all said, the same accounts.
    never = training_graphs(dataclasses.replace(mix, platform_shown=0.0))
    always = training_graphs(dataclasses.replace(mix, platform_shown=1.0))
    for a, b, c in zip(graphs, never, always, strict=True):
        np.testing.assert_array_equal(a.accounts.counts["followers_count"],
                                      b.accounts.counts["followers_count"])
        np.testing.assert_array_equal(a.accounts.label, c.accounts.label)
        assert (b.accounts.platform == -1).all() and (c.accounts.platform >= 0).all()
