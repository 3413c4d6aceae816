"""The networkx reference gives exactly our features (the benchmark's premise)."""

from __future__ import annotations

import numpy as np
import pytest

from benchmarks.nx_features import nx_features, to_networkx
from detector.features import FEATURE_NAMES, compute_features
from detector.validate import parse_graph

T = "2024-05-01T12:00:00Z"


def document(observed: bool = True) -> dict:
    """Six accounts covering each rule's edge cases: mutual and one-way follows, a
    duplicate-in-time follow pair, unfollows, weighted likes in lockstep, missing fields,
    non-ASCII digits in a name, a creation batch, and an isolated account."""
    doc = {
        "accounts": [
            {"id": "a", "username": "anna1987", "followers_count": 120, "following_count": 80,
             "posts_count": 300, "created_at": "2019-01-01T00:00:00Z", "has_avatar": True,
             "bio": "hello"},
            {"id": "b", "username": "bot٣٤5", "followers_count": 2, "following_count": 1800,
             "created_at": "2024-04-30T10:00:00Z", "has_avatar": False, "bio": ""},
            {"id": "c", "username": "bot_0042", "followers_count": None, "following_count": 900,
             "created_at": "2024-04-30T10:30:00Z", "verified": False, "private": None},
            {"id": "d", "username_length": 7, "posts_count": 0,
             "created_at": "2024-04-30T11:00:00Z"},
            {"id": "e", "username": "²²9", "likes_count": 5, "listed_count": 1},
            {"id": "lonely"},
            {"id": "f", "username_length": 9, "username_digits": 3},
            {"id": "g", "username_digits": 2},
        ],
        "edges": [
            {"source": "a", "target": "e", "type": "follow", "at": "2024-04-01T00:00:00Z"},
            {"source": "e", "target": "a", "type": "follow"},
            {"source": "b", "target": "a", "type": "follow", "at": "2024-04-30T12:00:00Z"},
            {"source": "c", "target": "a", "type": "follow", "at": "2024-04-30T12:20:00Z"},
            {"source": "d", "target": "a", "type": "follow", "at": "2024-04-30T13:20:00Z"},
            {"source": "b", "target": "e", "type": "follow", "at": "2024-04-30T12:05:00Z"},
            {"source": "b", "target": "e", "type": "unfollow", "at": "2024-04-30T18:00:00Z"},
            {"source": "c", "target": "d", "type": "follow", "at": "2024-04-29T00:00:00Z"},
            {"source": "c", "target": "d", "type": "follow", "at": "2024-04-30T00:00:00Z"},
            {"source": "b", "target": "e", "type": "like", "at": "2024-04-30T12:00:00Z",
             "weight": 3},
            {"source": "c", "target": "e", "type": "comment", "at": "2024-04-30T12:30:00Z"},
            {"source": "a", "target": "b", "type": "mention"},
        ],
    }
    if observed:
        doc["observed_at"] = T
    return doc


@pytest.mark.parametrize("observed", [True, False])
def test_networkx_features_equal_ours(observed):
    graph = parse_graph(document(observed))
    ours = compute_features(graph)
    theirs = nx_features(to_networkx(graph))
    assert theirs.shape == (8, len(FEATURE_NAMES))
    mismatched = [name for j, name in enumerate(FEATURE_NAMES)
                  if not np.allclose(ours[:, j], theirs[:, j], rtol=1e-6, atol=1e-6)]
    assert mismatched == []
    # The fixture exercises the rules, not just zeros.
    column = dict(zip(FEATURE_NAMES, ours.T, strict=True))
    assert column["name_digits"][1] == 3  # two Arabic-Indic digits and a 5
    assert column["reciprocity_out"][0] == 1.0
    assert column["sync_max"][2] > 0 and column["churn"][1] > 0
    assert column["isolated"][5] == 1


def test_a_graph_without_edges():
    graph = parse_graph({"accounts": [{"id": "x", "username": "x1"}, {"id": "y"}]})
    assert np.allclose(compute_features(graph), nx_features(to_networkx(graph)))
