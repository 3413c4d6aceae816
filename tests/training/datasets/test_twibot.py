"""The TwiBot-22 directory format, on small hand-written files."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from detector.errors import DetectorError
from detector.schema import EDGE_TYPES, LABELS, SPLITS
from training.datasets.twibot import is_twibot_dir, load_twibot, parse_times

FIXTURE = Path(__file__).parent / "fixtures" / "twibot"


def _edges(graph) -> dict[tuple[str, str, str], int]:
    ids, e = graph.ids, graph.edges
    return {
        (ids[s], ids[d], EDGE_TYPES[t]): w
        for s, d, t, w in zip(e.src, e.dst, e.type, e.weight, strict=True)
    }


@pytest.fixture(scope="module")
def graph():
    return load_twibot(FIXTURE)


def test_only_users_become_accounts(graph):
    assert graph.ids.tolist() == ["u1", "u2", "u3", "u4", "u5"]


def test_labels_and_splits(graph):
    labels = [LABELS[c] if c >= 0 else None for c in graph.accounts.label]
    assert labels == ["genuine", "bought", "genuine", "bought", None]
    splits = [SPLITS[c] if c >= 0 else None for c in graph.accounts.split]
    # "valid" is our "val"; "support" accounts are context without a split.
    assert splits == ["train", "train", "val", "test", None]


def test_profile_fields(graph):
    a = graph.accounts
    np.testing.assert_array_equal(a.counts["followers_count"][:4], [310, 2, 90000, 15])
    np.testing.assert_array_equal(a.counts["posts_count"][:4], [5120, 0, 800, 99000])
    assert np.isnan(a.counts["listed_count"][3])
    assert np.isnan(a.counts["followers_count"][4])
    # Real avatar, default avatar (URL with a trailing space), unknown.
    assert a.flags["has_avatar"][0] == 1 and a.flags["has_avatar"][1] == 0
    assert np.isnan(a.flags["has_avatar"][2])
    assert a.flags["verified"][:3].tolist() == [0, 0, 1]
    assert np.isnan(a.flags["private"][2])
    assert a.texts["username"][1] == "deals48213"
    # An empty bio is a bio; a null one is missing.
    assert a.texts["bio"][1] == "" and a.texts["bio"][2] is None
    # ISO and Twitter's own time format both parse.
    assert a.created_at[0] == pd.Timestamp("2009-03-10T20:42:26Z").timestamp()
    assert a.created_at[1] == pd.Timestamp("2020-03-10T20:42:26Z").timestamp()


def test_follow_relations_point_from_follower_to_followee(graph):
    follows = {k for k in _edges(graph) if k[2] == "follow"}
    # "following": u1 follows u2. "followers": u3 is among u2's followers; the explicit
    # "u3 following u2" row says the same and is merged.
    assert follows == {("u1", "u2", "follow"), ("u3", "u2", "follow")}


def test_interactions_are_folded_through_tweet_authors(graph):
    interactions = {k: w for k, w in _edges(graph).items() if k[2] != "follow"}
    assert interactions == {
        ("u4", "u1", "like"): 2,  # liked two of u1's tweets
        ("u2", "u1", "mention"): 1,  # u2's tweet mentions u1
        ("u3", "u1", "share"): 1,  # retweet; t3's author known only from author_id
        ("u2", "u3", "share"): 1,  # quote
        ("u1", "u2", "comment"): 1,  # reply
    }


def test_outside_edges_are_dropped_with_a_warning(graph):
    assert any("1 edges to accounts outside" in str(w) for w in graph.warnings)


def test_observed_at_is_the_latest_node_time(graph):
    assert graph.observed_at == pd.Timestamp("2020-09-05T12:00:00Z").timestamp()


def test_follow_only(tmp_path):
    graph = load_twibot(FIXTURE, fold_interactions=False, observed_at=0.0)
    assert set(graph.edges.type.tolist()) == {EDGE_TYPES.index("follow")}
    assert graph.observed_at == 0.0


def test_user_json_and_missing_optional_files(tmp_path):
    shutil.copy(FIXTURE / "node.json", tmp_path / "user.json")
    assert is_twibot_dir(tmp_path)
    graph = load_twibot(tmp_path)
    assert graph.num_accounts == 5 and graph.num_edges == 0
    assert not graph.has_labels()


def test_missing_node_file(tmp_path):
    assert not is_twibot_dir(tmp_path)
    with pytest.raises(DetectorError, match="node.json"):
        load_twibot(tmp_path)


def test_parse_times_forms():
    got = parse_times(["2020-01-02T03:04:05Z", "Thu Jan 02 03:04:05 +0000 2020", 1577934245,
                       None, "soon"])
    want = pd.Timestamp("2020-01-02T03:04:05Z")
    assert (got[:3] == want).all()
    assert got[3:].isna().all()
