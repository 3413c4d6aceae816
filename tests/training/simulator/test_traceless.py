"""Fakes a view gives no trace of are left unlabelled in the training mix
(``training.simulator.mixture.traceless``)."""

from __future__ import annotations

import dataclasses

import numpy as np

from detector.graph import AccountGraph, Accounts, Edges
from detector.schema import FOLLOW
from training.simulator.mixture import TrainingMix, traceless, training_graphs


def _graph(n: int, src: list[int], dst: list[int]) -> AccountGraph:
    edges = Edges(src=np.array(src, np.int64), dst=np.array(dst, np.int64),
                  type=np.full(len(src), FOLLOW, np.int8), at=np.full(len(src), np.nan),
                  weight=np.ones(len(src), np.int64), rank=np.full(len(src), -1, np.int64),
                  at_estimated=np.zeros(len(src), bool))
    return AccountGraph(Accounts.empty(np.array([f"a{i}" for i in range(n)])), edges)


def test_only_look_alike_fakes_without_an_edge_are_traceless():
    roles = np.array(["premium", "premium", "mass", "mass", "standard", "person", "lurker",
                      "premium", "mass"], dtype=object)
    following = np.array([300, 300, 1_100, 3_000, 900, 400, 50, 250, 1_200], float)
    # Row 1 follows row 5; row 7 follows only itself; row 8 is followed by row 6.
    seen = _graph(9, [1, 7, 6], [5, 7, 8])
    got = traceless(seen, roles, following)
    np.testing.assert_array_equal(
        got, [True, False, True, False, False, False, False, True, False])


def test_the_line_is_the_mass_following_line():
    roles = np.array(["mass", "mass"], dtype=object)
    got = traceless(_graph(2, [], []), roles, np.array([1_499, 1_500], float))
    np.testing.assert_array_equal(got, [True, False])


def test_the_mix_unlabels_only_fakes_without_edges_and_draws_the_same_worlds():
    mix = TrainingMix(graphs=12, accounts=300, val_graphs=2, seed=5, unlabel_traceless=False)
    before = training_graphs(mix)
    after = training_graphs(dataclasses.replace(mix, unlabel_traceless=True))
    unlabelled = 0
    for a, b in zip(before, after, strict=True):
        gone = a.accounts.label != b.accounts.label
        assert (b.accounts.label[gone] == -1).all()
        assert (a.accounts.label[gone] > 0).all()  # fakes only, never a person
        touched = np.zeros(b.num_accounts, bool)
        touched[b.edges.src] = touched[b.edges.dst] = True
        assert not touched[gone].any()
        np.testing.assert_array_equal(a.edges.src, b.edges.src)
        np.testing.assert_array_equal(a.accounts.counts["following_count"],
                                      b.accounts.counts["following_count"])
        unlabelled += int(gone.sum())
    assert unlabelled > 0
    assert TrainingMix().unlabel_traceless  # on by default
