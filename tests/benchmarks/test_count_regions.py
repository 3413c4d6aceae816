"""benchmarks.count_regions: the regions of two counts, and the loss's share of fakes in
each as the training mix labels them."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from benchmarks.count_regions import _fake_weight, regions, render, tally
from training.simulator.mixture import TrainingMix, training_graphs


def test_every_known_pair_falls_in_exactly_one_region_and_an_unknown_in_none():
    followers = np.array([100, 100, 30, 10, 1_000, 300, np.nan, 50])
    following = np.array([150, 300, 100, 200, 1_800, 2_000, 100, np.nan])
    masks = regions(followers, following)
    hits = np.sum(list(masks.values()), axis=0)
    np.testing.assert_array_equal(hits, [1, 1, 1, 1, 1, 1, 0, 0])
    names = list(masks)
    where = [names[int(np.argmax([m[i] for m in masks.values()]))] for i in range(6)]
    assert where == [
        "following <= 1,500, at most 2 x followers",
        "following <= 1,500, 2-5 x followers, followers >= 60",
        "following <= 1,500, 2-5 x followers, followers < 60",
        "following <= 1,500, over 5 x followers",
        "following > 1,500, at most 2 x followers",
        "following > 1,500, over 2 x followers",
    ]


def test_the_fake_share_weighs_the_two_sides_alike():
    truth = np.array([0, 0, 1, 2])
    labelled = np.array([True, True, True, False])  # the mass follower is unlabelled
    mask = np.array([True, False, True, True])
    # One fake of one (weight 1) against one genuine of two (weight 1/2).
    assert _fake_weight(truth, labelled, mask) == pytest.approx(2 / 3)
    assert np.isnan(_fake_weight(truth, labelled, np.zeros(4, bool)))


def test_the_tally_counts_the_mix_and_its_unlabelled_fakes():
    mix = TrainingMix(graphs=6, accounts=300, val_graphs=1, seed=5)
    graphs = training_graphs(mix)
    truths = training_graphs(dataclasses.replace(mix, unlabel_traceless=False))
    rows = tally(graphs, truths)
    label = np.concatenate([g.accounts.label for g in graphs])
    truth = np.concatenate([g.accounts.label for g in truths])
    known = np.concatenate([~np.isnan(g.accounts.counts["followers_count"])
                            & ~np.isnan(g.accounts.counts["following_count"])
                            for g in graphs])
    assert sum(r.genuine + r.bought + r.mass for r in rows) == int(known.sum())
    assert sum(r.unlabelled for r in rows) == int((known & (label < 0)).sum()) > 0
    assert sum(r.bought for r in rows) == int((known & (truth == 1)).sum())
    for r in rows:
        for share in (r.fake_weight_all, r.fake_weight_mix, r.isolated_all, r.isolated_mix):
            assert np.isnan(share) or 0.0 <= share <= 1.0
        assert r.cresci_genuine is None and r.cresci_fakes is None
    table = render(rows)
    assert table.count("\n| following") == len(rows) and "| - | - |" in table
