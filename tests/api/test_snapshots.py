"""Snapshots and history through the API, on SQLite and PostgreSQL: the stored audit
is the /v1/audit answer, joins/leaves/churners between snapshots, refusals as problem
details, and answers that fit the OpenAPI schemas."""

from __future__ import annotations

import pytest

from api import create_app
from tests.api.conftest import DAY, T0, iso


@pytest.fixture
def app(model_dir, database_url):
    return create_app({"MODEL_DIR": str(model_dir), "DATABASE_URL": database_url})


def at_day(doc: dict, day: int, drop: tuple[str, ...] = (), add: int = 0) -> dict:
    """``doc`` observed ``day`` days later, without the followers in ``drop`` and with
    ``add`` new bought-looking followers."""
    accounts = [a for a in doc["accounts"] if a["id"] not in drop]
    edges = [e for e in doc["edges"] if e["source"] not in drop and e["target"] not in drop]
    for i in range(add):
        accounts.append({"id": f"n{day}_{i}", "followers_count": 0, "following_count": 900,
                         "posts_count": 0, "created_at": iso(T0 + (day - 1) * DAY)})
        edges.append({"source": f"n{day}_{i}", "target": "star", "type": "follow",
                      "at": iso(T0 + day * DAY - 60 * i)})
    return {**doc, "observed_at": iso(T0 + day * DAY), "accounts": accounts, "edges": edges}


def test_a_snapshot_is_stored_with_the_same_audit_as_post_audit(client, doc, matches):
    response = client.post("/v1/targets/star/snapshots?limit=5", json=doc)
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    matches(body, "SnapshotResponse")
    audit = client.post("/v1/audit?limit=5", json=doc).get_json()
    assert body["audit"] == audit
    assert body["followers"] == audit["followers_analysed"] == 45
    assert body["observed_at"] == doc["observed_at"] and body["created_by"] == "anonymous"
    assert response.headers["Location"].endswith(f"/v1/targets/star/snapshots/{body['id']}")
    stored = client.get(response.headers["Location"]).get_json()
    matches(stored, "SnapshotResponse")
    assert stored["audit"] == audit


def test_history_has_joins_leaves_summaries_and_churners(client, doc, matches):
    day1 = at_day(doc, 1, add=3)
    assert client.post("/v1/targets/star/snapshots", json=doc).status_code == 201
    assert client.post("/v1/targets/star/snapshots", json=day1).status_code == 201
    day2 = at_day(doc, 2, drop=("g0", "g1"))
    assert client.post("/v1/targets/star/snapshots", json=day2).status_code == 201
    response = client.get("/v1/targets/star/history?ids=2")
    assert response.status_code == 200
    h = response.get_json()
    matches(h, "HistoryResponse")
    assert [s["followers"] for s in h["snapshots"]] == [45, 48, 43]
    assert [s["observed_at"] for s in h["snapshots"]] == [doc["observed_at"],
                                                          day1["observed_at"],
                                                          day2["observed_at"]]
    first, second, third = h["snapshots"]
    assert first["change"] is None and 0 < first["summary"]["quality"] <= 100
    assert second["change"]["joined"] == {"count": 3, "ids": ["n1_0", "n1_1"], "more": True,
                                          "next": f"/v1/targets/star/snapshots/{second['id']}"
                                                  "/joined?offset=2"}
    assert second["change"]["left"]["count"] == 0
    assert third["change"]["joined"]["count"] == 0
    assert third["change"]["left"]["count"] == 5  # the three newcomers and g0, g1
    assert h["churners"]["count"] == 3
    assert h["churners"]["more"] is True  # ids=2 lists two of them
    assert [a["id"] for a in h["churners"]["accounts"]] == ["n1_0", "n1_1"]
    page = client.get(second["change"]["joined"]["next"]).get_json()
    matches(page, "ChangePage")
    assert page["ids"] == ["n1_2"] and page["next_offset"] is None
    left = client.get(f"/v1/targets/star/snapshots/{third['id']}/left?limit=2").get_json()
    assert left["count"] == 5 and len(left["ids"]) == 2 and left["next_offset"] == 2


@pytest.mark.parametrize(("change", "path", "message"), [
    (lambda d: {**d, "target": "g1"}, "target", "is 'g1', but this is the snapshot endpoint"),
    (lambda d: {k: v for k, v in d.items() if k != "target"}, "target",
     "is required for a snapshot: the id of the account whose audience this is ('star' here)"),
    (lambda d: {k: v for k, v in d.items() if k != "observed_at"}, "observed_at",
     "is required for a snapshot"),
])
def test_a_snapshot_of_another_target_or_without_a_time_is_refused(client, doc, change, path,
                                                                    message, matches):
    response = client.post("/v1/targets/star/snapshots", json=change(doc))
    assert response.status_code == 422
    body = response.get_json()
    matches(body, "Problem")
    assert response.mimetype == "application/problem+json"
    assert body["errors"][0]["path"] == path and message in body["errors"][0]["message"]
    assert client.get("/v1/targets/star/history").status_code == 404


@pytest.mark.parametrize(("kwargs", "status"), [
    ({"data": b"{not json", "content_type": "application/json"}, 400),
    ({"data": b"{}", "content_type": "text/plain"}, 415),
    ({"json": {"format": "account-graph/1", "accounts": "no"}}, 422),
])
def test_malformed_snapshots_get_problem_details(client, kwargs, status, matches):
    response = client.post("/v1/targets/star/snapshots", **kwargs)
    assert response.status_code == status
    matches(response.get_json(), "Problem")


def test_the_same_time_twice_is_a_conflict_and_stores_nothing(client, doc, matches):
    first = client.post("/v1/targets/star/snapshots", json=doc).get_json()
    again = client.post("/v1/targets/star/snapshots", json=doc)
    assert again.status_code == 409
    matches(again.get_json(), "Problem")
    assert f"snapshot {first['id']}" in again.get_json()["detail"]
    assert len(client.get("/v1/targets/star/history").get_json()["snapshots"]) == 1


def test_unknown_targets_and_snapshots_are_404(client, doc):
    assert client.get("/v1/targets/nobody/history").status_code == 404
    client.post("/v1/targets/star/snapshots", json=doc)
    assert client.get("/v1/targets/star/snapshots/999").status_code == 404
    assert client.get("/v1/targets/star/snapshots/999/joined").status_code == 404


def test_without_a_database_the_store_endpoints_say_so(model_dir, doc):
    client = create_app({"MODEL_DIR": str(model_dir)}).test_client()
    response = client.post("/v1/targets/star/snapshots", json=doc)
    assert response.status_code == 404
    assert "FFD_DATABASE_URL" in response.get_json()["detail"]
    assert client.post("/v1/audit", json=doc).status_code == 200  # auditing still works


@pytest.mark.parametrize("keep", [True, False])
def test_a_snapshot_keeps_its_graph_unless_told_not_to(model_dir, database_url, doc, keep):
    from api.store import EXTENSION
    from detector.io import graph_to_document
    from detector.validate import parse_graph
    from store.graphs import get_graph

    app = create_app({"MODEL_DIR": str(model_dir), "DATABASE_URL": database_url,
                      "KEEP_SNAPSHOT_GRAPHS": keep})
    response = app.test_client().post("/v1/targets/star/snapshots", json=doc)
    assert response.status_code == 201
    with app.extensions[EXTENSION].read() as session:
        kept = get_graph(session, response.get_json()["id"])
    assert kept == (graph_to_document(parse_graph(doc)) if keep else None)


def test_a_target_keeps_only_its_newest_graphs_when_told_to(model_dir, database_url, doc):
    from api.store import EXTENSION
    from store.graphs import get_graph

    app = create_app({"MODEL_DIR": str(model_dir), "DATABASE_URL": database_url,
                      "SNAPSHOT_GRAPHS_PER_TARGET": 1})
    client = app.test_client()
    ids = [client.post("/v1/targets/star/snapshots", json=at_day(doc, day)).get_json()["id"]
           for day in (1, 2)]
    with app.extensions[EXTENSION].read() as session:
        assert [get_graph(session, i) is not None for i in ids] == [False, True]
    assert len(client.get("/v1/targets/star/history").get_json()["snapshots"]) == 2
