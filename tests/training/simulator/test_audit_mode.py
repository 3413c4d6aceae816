"""Audit-shaped graphs: one target and an audience in the given shares."""

import numpy as np

from detector.schema import EDGE_CODE, LABEL_CODE

DAY = 86_400.0


def test_audience_has_the_requested_shares(audit_graph):
    g = audit_graph
    assert g.target is not None
    assert g.accounts.texts["username"][g.target] == "influencer"
    assert g.accounts.label[g.target] == LABEL_CODE["genuine"]
    e = g.edges
    audience = e.src[(e.type == EDGE_CODE["follow"]) & (e.dst == g.target)]
    assert len(audience) == g.num_accounts - 1
    share = np.bincount(g.accounts.label[audience], minlength=3) / len(audience)
    np.testing.assert_allclose(share, [0.6, 0.25, 0.15], atol=0.02)  # label noise is 0
    assert not ((e.type == EDGE_CODE["unfollow"]) & (e.dst == g.target)).any()
    followers = g.accounts.counts["followers_count"][g.target]
    assert np.isnan(followers) or followers >= len(audience)


def test_audience_arrives_the_way_each_class_does(audit_graph):
    g = audit_graph
    e = g.edges
    into = (e.type == EDGE_CODE["follow"]) & (e.dst == g.target) & ~np.isnan(e.at)
    label, at = g.accounts.label[e.src[into]], e.at[into]
    recent = at > g.observed_at - 7 * DAY
    assert recent[label == LABEL_CODE["mass_follow"]].mean() > 0.45
    assert recent[label == LABEL_CODE["genuine"]].mean() < 0.05
    # Bought followers come in runs: most land within six hours of 20+ other bought ones,
    # while genuine fans trickle in over years.
    for cls, low, high in ((LABEL_CODE["bought"], 20, None), (LABEL_CODE["genuine"], None, 3)):
        stamps = np.sort(at[label == cls])
        near = np.searchsorted(stamps, stamps + 6 * 3_600) - np.searchsorted(
            stamps, stamps - 6 * 3_600)
        assert low is None or np.median(near) > low
        assert high is None or np.median(near) < high
