"""The audience audit on hand-built graphs and hand-set probabilities."""

from __future__ import annotations

import numpy as np
import pytest

from detector.audit import QUALITY_FORMULA, AuditConfig, audience, audit, iso, wilson
from detector.errors import GraphValidationError
from detector.validate import parse_graph

CLASSES = ("genuine", "bought", "mass_follow")


def star_graph(edges_extra=(), genuine: int = 20, bought: int = 12) -> dict:
    accounts = [{"id": "star"}]
    edges = []
    for i in range(genuine):
        accounts.append({"id": f"g{i}"})
        edges.append({"source": f"g{i}", "target": "star", "type": "follow",
                      "at": f"2024-0{1 + i % 5}-{10 + i}T12:00:00Z"})
    for i in range(bought):
        accounts.append({"id": f"b{i}"})
        edges.append({"source": f"b{i}", "target": "star", "type": "follow",
                      "at": f"2024-05-20T08:{2 * i:02d}:00Z"})
    edges += list(edges_extra)
    return {"target": "star", "observed_at": "2024-06-01T00:00:00Z", "accounts": accounts,
            "edges": edges}


def proba_for(graph) -> np.ndarray:
    """Genuine accounts 0.85 genuine, bought 0.8 bought, the target 1.0 genuine."""
    p = np.zeros((graph.num_accounts, 3))
    for i, account_id in enumerate(graph.ids.tolist()):
        p[i] = [0.2, 0.8, 0.0] if account_id.startswith("b") else [0.85, 0.1, 0.05]
    return p


def test_wilson_matches_the_textbook_case():
    low, high = wilson(0.5, 100)
    assert (low, high) == pytest.approx((0.4038, 0.5962), abs=1e-4)
    assert wilson(0.0, 10)[0] == 0.0 and wilson(1.0, 10)[1] == 1.0


def test_shares_interval_and_quality():
    g = parse_graph(star_graph())
    report = audit(g, proba_for(g), CLASSES)
    assert report.followers == 32 and report.former_followers == 0
    genuine = (20 * 0.85 + 12 * 0.2) / 32
    assert report.shares["genuine"]["share"] == pytest.approx(genuine, abs=1e-4)
    low, high = wilson(genuine, 32)
    assert report.shares["genuine"]["low"] == pytest.approx(low, abs=1e-4)
    assert report.shares["genuine"]["high"] == pytest.approx(high, abs=1e-4)
    assert report.quality["score"] == pytest.approx(100 * genuine, abs=0.06)
    assert report.quality["formula"] == QUALITY_FORMULA
    assert report.histogram["counts"] == [0, 20, 0, 0, 0, 0, 0, 0, 12, 0]


def test_a_given_audience_gives_the_same_audit():
    g = parse_graph(star_graph())
    given = audit(g, proba_for(g), CLASSES, who=audience(g)).to_dict()
    assert given == audit(g, proba_for(g), CLASSES).to_dict()


def test_suspicious_followers_are_ranked_and_limited():
    g = parse_graph(star_graph())
    report = audit(g, proba_for(g), CLASSES, AuditConfig(top=5))
    top = report.suspicious
    assert [f["id"] for f in top] == ["b0", "b1", "b2", "b3", "b4"]
    assert all(f["label"] == "bought" and f["suspicion"] == 0.8 for f in top)
    assert all(f["reasons"] for f in top)


def test_the_purchase_is_one_burst_with_its_buyers():
    g = parse_graph(star_graph())
    (burst,) = audit(g, proba_for(g), CLASSES).to_dict()["bursts"]
    assert burst["start"] == "2024-05-20T08:00:00Z" and burst["end"] == "2024-05-20T09:00:00Z"
    assert burst["follows"] == 12 and burst["accounts"] == 12
    assert burst["shares"]["bought"] == pytest.approx(0.8)


def test_unfollow_rules():
    extra = [
        # g0 unfollowed after following: former follower.
        {"source": "g0", "target": "star", "type": "unfollow", "at": "2024-05-30T00:00:00Z"},
        # g1 unfollowed, then followed again: still a follower.
        {"source": "g1", "target": "star", "type": "unfollow", "at": "2024-01-01T00:00:00Z"},
        # g2 unfollowed at an unknown time: counts as the latest event.
        {"source": "g2", "target": "star", "type": "unfollow"},
    ]
    who = audience(parse_graph(star_graph(extra)))
    g = parse_graph(star_graph(extra))
    ids = set(g.ids[who.followers].tolist())
    assert {"g0", "g2"}.isdisjoint(ids) and "g1" in ids
    assert set(g.ids[who.former].tolist()) == {"g0", "g2"}


def test_untimed_follows_count_but_warn():
    doc = star_graph()
    for e in doc["edges"][:3]:
        del e["at"]
    g = parse_graph(doc)
    report = audit(g, proba_for(g), CLASSES)
    assert report.followers == 32
    assert sum(report.timeline["follows"]) == 29
    assert [w.path for w in report.warnings] == ["edges"]
    assert "3 follows of the target have no time" in report.warnings[0].message


def test_timeline_counts_arrivals_and_expected_suspicious():
    g = parse_graph(star_graph())
    t = audit(g, proba_for(g), CLASSES).timeline
    assert sum(t["follows"]) == 32
    assert sum(t["expected_suspicious"]) == pytest.approx(20 * 0.15 + 12 * 0.8, abs=0.05)


@pytest.mark.parametrize("change, message", [
    (lambda d: d.pop("target"), "is required for an audit"),
    (lambda d: d.update(target="g3"), "account 'g3' has no followers in this graph"),
])
def test_graphs_that_cannot_be_audited(change, message):
    doc = star_graph()
    change(doc)
    g = parse_graph(doc)
    with pytest.raises(GraphValidationError, match=message) as info:
        audit(g, proba_for(g), CLASSES)
    assert info.value.errors[0].path == "target"


def test_a_model_without_genuine_cannot_audit():
    g = parse_graph(star_graph())
    with pytest.raises(ValueError, match="needs a 'genuine' class"):
        audit(g, proba_for(g)[:, 1:], ("bought", "mass_follow"))


def test_iso():
    assert iso(0) == "1970-01-01T00:00:00Z"
    assert iso(1_717_200_000.4) == "2024-06-01T00:00:00Z"


def test_observed_times_are_not_marked_estimated():
    g = parse_graph(star_graph())
    report = audit(g, proba_for(g), CLASSES).to_dict()
    assert report["timeline"]["estimated"] is False
    assert report["timeline"]["recent"]["estimated"] is False
    assert [b["estimated"] for b in report["bursts"]] == [False]


def test_a_burst_found_on_times_estimated_from_the_follower_list_says_so():
    # What a collector has: the follower list in follow order and creation dates. The
    # bought accounts were made just before they followed (each newer than all before
    # it: anchors); the fans are older than the star, whose creation starts the list.
    doc = star_graph()
    accounts = {a["id"]: a for a in doc["accounts"]}
    accounts["star"]["created_at"] = "2023-12-01T00:00:00Z"
    for rank, edge in enumerate(sorted(doc["edges"], key=lambda e: e["at"])):
        edge["rank"] = rank
        followed = edge.pop("at")
        accounts[edge["source"]]["created_at"] = (
            followed if edge["source"].startswith("b") else "2015-01-01")
    g = parse_graph(doc)
    assert g.edges.at_estimated.all()
    report = audit(g, proba_for(g), CLASSES).to_dict()
    (burst,) = report["bursts"]
    assert burst["start"] == "2024-05-20T08:00:00Z" and burst["follows"] == 12
    assert burst["estimated"] is True and burst["shares"]["bought"] == pytest.approx(0.8)
    assert report["timeline"]["estimated"] is True
    assert sum(report["timeline"]["follows"]) == 32
    assert [w.path for w in g.warnings] == ["edges"] and "estimated" in g.warnings[0].message
