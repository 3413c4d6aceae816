"""Reasons chosen by what drove the score (detector.drivers), on hand-made attributions."""

from __future__ import annotations

import numpy as np

from detector.drivers import (
    MIN_DRIVE,
    NEIGHBOURS_FAKE,
    Attribution,
    describe,
    rule_columns,
    select,
)
from detector.features import FEATURE_INDEX, FEATURE_NAMES
from detector.reasons import RULE_NAMES, explain
from detector.validate import parse_graph

RULES = ("follows_far_more", "no_posts", "young")
COLUMNS = rule_columns(RULES)


def attribution(**drives: float) -> Attribution:
    inputs = np.zeros((1, len(FEATURE_NAMES)))
    for name, value in drives.items():
        if name != "neighbours":
            inputs[0, FEATURE_INDEX[name]] = value
    return Attribution(inputs, np.array([drives.get("neighbours", 0.0)]))


def test_only_rules_whose_columns_pushed_the_verdict_are_shown():
    a = attribution(follow_ratio=2.0, log_posts=-0.5, log_age_capped=0.6)
    strength = np.ones((1, 3))  # every rule applies to the raw values
    (picks,) = select(a, np.array([1.0]), strength, np.ones((1, 3)), COLUMNS, top=3)
    # no_posts pushed towards genuine: not a reason for a fake verdict
    assert picks == [("rule", 0), ("rule", 2)]


def test_a_rule_that_does_not_apply_to_the_raw_values_is_not_phrased():
    a = attribution(follow_ratio=2.0)
    (picks,) = select(a, np.array([1.0]), np.array([[0.0, 1.0, 1.0]]), np.ones((1, 3)),
                      COLUMNS, top=3)
    assert picks == [("feature", FEATURE_INDEX["follow_ratio"])]


def test_small_pushes_are_not_reasons_and_the_neighbourhood_can_be_one():
    a = attribution(follow_ratio=MIN_DRIVE / 2, neighbours=1.5)
    (picks,) = select(a, np.array([1.0]), np.ones((1, 3)), np.ones((1, 3)), COLUMNS, top=3)
    assert picks == [("neighbours", 0)]


def test_a_genuine_verdict_reads_the_drive_the_other_way():
    a = attribution(follow_ratio=-1.0, log_age_capped=-0.8)
    (picks,) = select(a, np.array([-1.0]), np.ones((1, 3)), np.ones((1, 3)), COLUMNS, top=1)
    assert picks == [("rule", 0)]


def test_explain_with_an_attributor_words_the_drivers():
    g = parse_graph({"observed_at": "2024-06-01T00:00:00Z", "accounts": [
        {"id": "b", "followers_count": 3, "following_count": 1804, "posts_count": 0,
         "has_avatar": False, "bio": "", "created_at": "2024-05-29T00:00:00Z"},
        {"id": "g", "followers_count": 1200, "following_count": 310, "posts_count": 812,
         "verified": True, "created_at": "2018-01-01T00:00:00Z"}]})
    asked = []

    def attribute(rows):
        asked.append(rows.tolist())
        return attribution(log_posts=1.2, follow_ratio=0.3, has_avatar=-0.4)

    reasons = explain(g, ["bought", "genuine"], attribute=attribute)
    assert asked == [[0]]  # genuine verdicts keep the rule-strength reasons
    assert reasons[0] == ["no posts", "follows 1,804, followed by 3"]
    assert "verified account" in reasons[1]
    assert "neighbours" not in " ".join(reasons[0]) and NEIGHBOURS_FAKE not in reasons[0]
    assert set(RULE_NAMES) >= set(RULES)


def test_plain_descriptions():
    assert describe("posts_count", 0.0) == "posts: 0"
    assert describe("has_avatar", 0.0) == "no avatar"
    assert describe("creation_excess", 2.345) == "creation excess: 2.35"
