"""Graph smoothing of profile scores on a tiny hand-made follow graph."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from benchmarks.cresci_smooth import neighbour_mean, smooth_scores  # noqa: E402
from detector.frames import graph_from_frames  # noqa: E402


@pytest.fixture
def graph():
    """a follows b, b follows c (a chain); d is isolated."""
    accounts = pd.DataFrame({"id": list("abcd")})
    edges = pd.DataFrame({"source": ["a", "b"], "target": ["b", "c"], "type": "follow"})
    return graph_from_frames(accounts, edges)


def _order(graph):
    return {account: i for i, account in enumerate(graph.ids.tolist())}


def test_neighbour_mean_ignores_direction(graph):
    mean, degree = neighbour_mean(graph)
    at = _order(graph)
    assert degree[[at["a"], at["b"], at["c"], at["d"]]].tolist() == [1, 2, 1, 0]
    assert mean[at["b"], at["a"]] == mean[at["b"], at["c"]] == 0.5


def test_alpha_zero_keeps_the_profile_scores(graph):
    p = np.array([0.9, 0.2, 0.4, 0.7])
    got = smooth_scores(graph, p, np.zeros(4, bool), np.zeros(4), alpha=0.0)
    assert np.allclose(got, p)


def test_a_known_neighbour_pulls_with_its_label_and_isolated_accounts_stay(graph):
    at = _order(graph)
    p = np.full(4, 0.4)
    known = np.zeros(4, bool)
    known[at["a"]] = True  # a is a training account labelled 1 (bought)
    y = np.zeros(4)
    y[at["a"]] = 1.0
    got = smooth_scores(graph, p, known, y, alpha=0.5)
    assert got[at["b"]] > 0.5 > got[at["c"]] > 0.4  # b next to a, c one further
    assert got[at["d"]] == 0.4  # isolated: the profile score, unchanged
    with pytest.raises(ValueError, match="alpha"):
        smooth_scores(graph, p, known, y, alpha=1.0)
