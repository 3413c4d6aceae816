"""POST /v1/audit through Flask's test client."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest

EXAMPLES = Path(__file__).parents[2] / "api" / "examples"


def post(client, doc, query: str = ""):
    return client.post(f"/v1/audit{query}", data=orjson.dumps(doc),
                       content_type="application/json")


def test_audit_report(client, doc, matches):
    response = post(client, doc, "?limit=5")
    assert response.status_code == 200
    body = response.get_json()
    matches(body, "AuditResponse")
    assert body["target"] == "star"
    assert body["followers_analysed"] == 45
    assert body["former_followers"] == 0
    shares = body["shares"]
    assert sum(s["share"] for s in shares.values()) == pytest.approx(1.0, abs=1e-3)
    for s in shares.values():
        assert s["low"] <= s["share"] <= s["high"]
    quality = body["quality"]
    assert quality["score"] == pytest.approx(100 * shares["genuine"]["share"], abs=0.05)
    assert quality["formula"] == "genuine-share/1"
    assert len(body["suspicious_followers"]) == 5
    suspicion = [f["suspicion"] for f in body["suspicious_followers"]]
    assert suspicion == sorted(suspicion, reverse=True)
    assert "star" not in {f["id"] for f in body["suspicious_followers"]}
    assert sum(body["score_histogram"]["counts"]) == 45


def test_the_bought_batch_is_a_burst(client, doc):
    bursts = post(client, doc).get_json()["bursts"]
    assert len(bursts) == 1
    burst = bursts[0]
    assert burst["follows"] == 15 and burst["accounts"] == 15
    assert burst["expected"] < 1
    assert burst["start"] <= "2024-05-27T00:00:00Z" < burst["end"]


def test_unfollowers_are_former_followers(client, doc):
    doc["edges"].append({"source": "g0", "target": "star", "type": "unfollow",
                         "at": "2024-05-30T00:00:00Z"})
    body = post(client, doc).get_json()
    assert body["followers_analysed"] == 44
    assert body["former_followers"] == 1


def test_limit_zero_lists_nobody(client, doc):
    assert post(client, doc, "?limit=0").get_json()["suspicious_followers"] == []


@pytest.mark.parametrize("query, message", [
    ("?limit=abc", "must be an integer, got 'abc'"),
    ("?limit=-1", "must be between 0 and 1,000, got -1"),
    ("?limit=5000", "must be between 0 and 1,000, got 5,000"),
])
def test_bad_limit_is_a_400_naming_it(client, doc, query, message):
    response = post(client, doc, query)
    assert response.status_code == 400
    body = response.get_json()
    assert body["type"] == "/docs#problem-invalid-parameter"
    assert body["errors"] == [{"path": "limit", "message": message}]


def test_no_target_is_a_422(client, doc):
    del doc["target"]
    response = post(client, doc)
    assert response.status_code == 422
    body = response.get_json()
    assert body["title"] == "cannot audit this graph"
    assert body["errors"][0]["path"] == "target"


def test_target_without_followers_is_a_422(client, doc):
    doc["target"] = "b0"
    body = post(client, doc).get_json()
    assert body["status"] == 422
    assert body["errors"] == [{"path": "target", "message": "account 'b0' has no followers in "
                               "this graph (no follow edge points to it that was not undone)"}]


def test_unknown_target_is_a_422(client, doc):
    doc["target"] = "nobody"
    body = post(client, doc).get_json()
    assert body["errors"] == [{"path": "target", "message": "unknown account 'nobody'"}]


@pytest.mark.parametrize("name", ["audit-influencer.json", "audit-clean.json"])
def test_shipped_examples_audit(client, name, matches):
    data = (EXAMPLES / name).read_bytes()
    assert len(data) < 2_000_000
    response = client.post("/v1/audit", data=data, content_type="application/json")
    assert response.status_code == 200
    body = response.get_json()
    matches(body, "AuditResponse")
    assert body["followers_analysed"] > 300


def test_node_link_target_in_graph_attributes(client, doc):
    # Node-link graph attributes carry the target, not observed_at: compare with the same
    # document without it (the reference time is then the latest timestamp in both).
    node_link = {"directed": True, "multigraph": True, "graph": {"target": doc["target"]},
                 "nodes": doc["accounts"], "links": doc["edges"]}
    del doc["observed_at"]
    a = post(client, node_link).get_json()
    b = post(client, doc).get_json()
    assert a["target"] == "star"
    assert a["followers_analysed"] == b["followers_analysed"] == 45
    assert a["shares"] == b["shares"]


def as_follower_list(doc: dict) -> dict:
    """The star's follows ranked by time, without their times: a collected follower list."""
    follows = sorted((e for e in doc["edges"] if e["target"] == "star" and e["type"] == "follow"),
                     key=lambda e: e["at"])
    for rank, edge in enumerate(follows):
        edge["rank"] = rank
        del edge["at"]
    return doc


def test_a_follower_list_is_audited_on_estimated_times_and_says_so(client, doc, matches):
    body = post(client, as_follower_list(doc)).get_json()
    matches(body, "AuditResponse")
    assert body["timeline"]["estimated"] is True and sum(body["timeline"]["follows"]) == 45
    # The bought accounts, created together 15 days before they followed, are each newer
    # than every follower before them: the estimate puts their follows at their creation.
    (burst,) = body["bursts"]
    assert burst["estimated"] is True and burst["follows"] == 15
    assert burst["start"] <= "2024-05-12T00:00:00Z" < burst["end"]
    notices = [w for w in body["warnings"] if "estimated from their rank" in w["message"]]
    assert [w["path"] for w in notices] == ["edges"]
    assert "45 follows" in notices[0]["message"]


def test_observed_times_are_not_marked_estimated(client, doc):
    body = post(client, doc).get_json()
    assert body["timeline"]["estimated"] is False
    assert body["timeline"]["recent"]["estimated"] is False
    assert [b["estimated"] for b in body["bursts"]] == [False]
    assert not [w for w in body["warnings"] if "estimated" in w["message"]]
