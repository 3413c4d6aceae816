"""``api.body.read_graph``: a well-typed document takes the typed path; anything else,
and every refusal, the general path, with the same answers."""

from __future__ import annotations

import orjson
import pytest

import api.body


@pytest.fixture
def paths(monkeypatch) -> list[str]:
    """Which path built each graph: 'typed' or 'general'."""
    taken: list[str] = []
    build, parse_graph = api.body.build, api.body.parse_graph

    def typed(doc):
        graph = build(doc)
        if graph is not None:
            taken.append("typed")
        return graph

    def general(doc):
        taken.append("general")
        return parse_graph(doc)

    monkeypatch.setattr(api.body, "build", typed)
    monkeypatch.setattr(api.body, "parse_graph", general)
    return taken


def test_a_valid_audit_takes_the_typed_path(client, doc, paths) -> None:
    response = client.post("/v1/audit", data=orjson.dumps(doc), content_type="application/json")
    assert response.status_code == 200
    assert paths == ["typed"]


def test_a_count_written_as_a_float_is_read_by_the_general_path(client, doc, paths) -> None:
    doc["accounts"][0]["followers_count"] = 12.0
    response = client.post("/v1/audit", data=orjson.dumps(doc), content_type="application/json")
    assert response.status_code == 200
    assert paths == ["general"]


def test_an_invalid_graph_is_worded_by_the_general_path(client, doc, paths) -> None:
    doc["edges"][0]["target"] = "nobody"
    response = client.post("/v1/predict", data=orjson.dumps(doc),
                           content_type="application/json")
    assert response.status_code == 422
    assert response.get_json()["errors"] == [{"path": "edges[0].target",
                                              "message": "unknown account 'nobody'"}]
    assert paths == ["general"]


def test_the_edge_limit_holds_on_the_typed_path(app, doc, paths) -> None:
    app.config["MAX_EDGES"] = len(doc["edges"]) - 1
    response = app.test_client().post("/v1/predict", data=orjson.dumps(doc),
                                      content_type="application/json")
    assert response.status_code == 413
    assert response.get_json()["errors"][0]["path"] == "edges"
    assert paths == []


def test_the_decoded_document_is_freed_after_the_response(client, doc, monkeypatch) -> None:
    kept: list[object] = []
    monkeypatch.setattr(api.body, "release_later", lambda *objects: kept.extend(objects))
    response = client.post("/v1/audit", data=orjson.dumps(doc), content_type="application/json")
    assert response.status_code == 200
    assert [type(k) for k in kept] == [api.body.decode(orjson.dumps(doc)).__class__]
    assert len(kept[0].accounts) == len(doc["accounts"])
