"""Reasons: the strongest rules for the predicted class, in words, on hand-built graphs."""

from __future__ import annotations

import numpy as np
import pytest

from detector.features import compute_features
from detector.reasons import NO_SINGLE_SIGNAL, RULE_NAMES, RULES, Signals, explain, rule_strengths
from detector.validate import parse_graph

NOW = "2024-06-01T00:00:00Z"


def graph_of(accounts, edges=()):
    return parse_graph({"observed_at": NOW, "accounts": accounts, "edges": list(edges)})


def test_bought_profile_reads_like_a_bought_account():
    g = graph_of([{"id": "b", "followers_count": 3, "following_count": 1804, "posts_count": 0,
                   "has_avatar": False, "bio": "", "created_at": "2024-05-29T00:00:00Z"}])
    (reasons,) = explain(g, ["bought"])
    assert reasons == ["follows 1,804, followed by 3", "no posts", "account is 3 days old"]


def test_top_limits_the_count_and_order_is_by_strength():
    g = graph_of([{"id": "b", "followers_count": 3, "following_count": 1804, "posts_count": 0,
                   "has_avatar": False, "bio": "", "username": "anna48213",
                   "created_at": "2024-05-29T00:00:00Z"}])
    (five,) = explain(g, ["bought"], top=5)
    assert five[:3] == ["follows 1,804, followed by 3", "no posts", "account is 3 days old"]
    assert five[3:] == ["default avatar, empty bio", "user name ends in 5 digits"]
    (one,) = explain(g, ["bought"], top=1)
    assert one == five[:1]


def test_a_published_digit_count_reads_as_digits_in_the_name():
    # InstaFake publishes how many digits a name holds, not where: the reason says so.
    profile = {"followers_count": 3, "following_count": 1804, "posts_count": 0,
               "has_avatar": False, "bio": ""}
    g = graph_of([{"id": "b", **profile, "username_length": 11, "username_digits": 5},
                  {"id": "c", **profile, "username_digits": 2},
                  {"id": "d", **profile}])
    reasons = explain(g, ["bought"] * 3, top=5)
    assert reasons[0][-1] == "user name holds 5 digits"
    assert not any("digits" in r for r in reasons[1] + reasons[2])


def test_mass_follower_churn_and_volume():
    accounts = [{"id": "m", "followers_count": 900, "following_count": 7500, "posts_count": 40}]
    edges = []
    for i in range(10):
        accounts.append({"id": f"t{i}"})
        edges.append({"source": "m", "target": f"t{i}", "type": "follow"})
        if i < 7:
            edges.append({"source": "m", "target": f"t{i}", "type": "unfollow"})
    g = graph_of(accounts, edges)
    (reasons,) = explain(g, ["mass_follow"], rows=np.array([0]))
    assert reasons[:2] == ["follows 7,500 accounts (mass-follow line: 1,500)",
                           "unfollowed 70% of the accounts it followed"]


def test_creation_batch_and_lockstep_are_counted_in_the_graph():
    accounts = [{"id": "star"}]
    edges = []
    for i in range(12):
        accounts.append({"id": f"b{i}", "created_at": f"2024-05-01T10:{i:02d}:00Z"})
        edges.append({"source": f"b{i}", "target": "star", "type": "follow",
                      "at": f"2024-05-20T08:{i:02d}:00Z"})
    g = graph_of(accounts, edges)
    (reasons,) = explain(g, ["bought"], rows=np.array([5]))
    assert "created within an hour of 11 other accounts in this graph" in reasons
    assert "followed an account within an hour of 11 others doing the same" in reasons
    # no reason reads a column the feature pass may skip for a model that does not
    from detector.features import SKIPPABLE

    lean = compute_features(g, skip=SKIPPABLE)
    assert explain(g, ["bought"], rows=np.array([5]), features=lean) == [reasons]
    full = Signals.from_graph(g)
    for name, values in vars(Signals.from_graph(g, lean)).items():
        np.testing.assert_array_equal(values, getattr(full, name), err_msg=name)


def test_genuine_accounts_get_reassuring_reasons():
    g = graph_of([{"id": "g", "followers_count": 1200, "following_count": 310, "posts_count": 812,
                   "verified": True, "has_avatar": True, "bio": "baker",
                   "created_at": "2018-01-01T00:00:00Z"}])
    (reasons,) = explain(g, ["genuine"])
    # Strengths: age log10(2343 / 90) / 1.5 = 0.94, verified 0.9, audience log10(1201) / 4 = 0.77.
    assert reasons == ["account is 6 years old", "verified account",
                       "followed by 1,200, follows 310"]


def test_nothing_stands_out_says_so():
    g = graph_of([{"id": "x"}])  # every field unknown: no rule can fire
    assert explain(g, ["bought"]) == [[NO_SINGLE_SIGNAL]]
    assert explain(g, ["genuine"]) == [[NO_SINGLE_SIGNAL]]


def test_missing_is_not_zero():
    """An unknown bio or avatar is not an empty one; unknown counts give no ratio."""
    g = graph_of([{"id": "x", "following_count": 5000}])
    strengths = rule_strengths(Signals.from_graph(g))[0]
    named = dict(zip(RULE_NAMES, strengths, strict=True))
    assert named["bare_profile"] == 0 and named["no_posts"] == 0
    assert named["follows_far_more"] == 0
    assert named["mass_following"] > 0


def test_strengths_are_bounded_for_every_rule():
    g = graph_of([{"id": "a", "followers_count": 0, "following_count": 0, "posts_count": 0,
                   "created_at": "2024-06-01T00:00:00Z", "has_avatar": False, "bio": " "},
                  {"id": "b", "followers_count": 10**9, "following_count": 10**9,
                   "posts_count": 10**9, "created_at": "1990-01-01T00:00:00Z"}])
    strengths = rule_strengths(Signals.from_graph(g, compute_features(g)))
    assert strengths.shape == (2, len(RULES))
    assert np.isfinite(strengths).all() and (strengths >= 0).all() and (strengths <= 1).all()


def test_rows_and_labels_must_agree():
    g = graph_of([{"id": "a"}, {"id": "b"}])
    with pytest.raises(ValueError, match="2 labels for 1 rows"):
        explain(g, ["bought", "bought"], rows=np.array([0]))
    with pytest.raises(ValueError, match="unknown class 'robot'"):
        explain(g, ["robot", "bought"])
    assert explain(g, [], rows=np.array([], dtype=np.int64)) == []


def test_a_campaign_member_is_told_which_block_it_arrived_in():
    from tests.detector.test_campaigns import BLOCK, listed_document

    g = parse_graph(listed_document())
    row = g.index_of()[f"f{BLOCK.start + 100}"]
    (reasons,) = explain(g, ["bought"], rows=np.array([row]))
    assert any(r.startswith("arrived in a block of") and r.endswith("within the same week")
               for r in reasons), reasons
