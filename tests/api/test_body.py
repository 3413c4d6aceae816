"""``api.body.read_graph``: a well-typed document takes the typed path; anything else,
and every refusal, the general path, with the same answers."""

from __future__ import annotations

import io

import orjson
import pytest

import api.body
from detector.typed import Document


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
    assert [type(k) for k in kept] == [Document]
    assert len(kept[0].accounts) == len(doc["accounts"])


class _ShortReads(io.BytesIO):
    """A WSGI input that hands out at most ``step`` bytes per read, as a raw stream may."""

    def __init__(self, data: bytes, step: int) -> None:
        super().__init__(data)
        self.step = step

    def read(self, size: int | None = -1) -> bytes:
        return super().read(self.step if size is None or size < 0 else min(size, self.step))

    def readinto(self, buffer) -> int:
        return super().readinto(memoryview(buffer)[:self.step])


def test_a_body_arriving_in_short_reads_is_read_whole(client, doc) -> None:
    data = orjson.dumps(doc)
    response = client.post("/v1/audit", input_stream=_ShortReads(data, 1000),
                           content_type="application/json",
                           headers={"Content-Length": str(len(data))})
    assert response.status_code == 200, response.get_json()
    whole = client.post("/v1/audit", data=data, content_type="application/json")
    assert response.get_json()["followers_analysed"] == whole.get_json()["followers_analysed"]
    assert response.get_json()["followers_analysed"] > 0


def test_a_body_cut_short_is_a_client_error(client, doc) -> None:
    data = orjson.dumps(doc)
    response = client.post("/v1/audit", input_stream=_ShortReads(data[:100], 1000),
                           content_type="application/json",
                           headers={"Content-Length": str(len(data))})
    assert response.status_code == 400


def test_a_large_document_is_freed_before_scoring(client, make_doc, monkeypatch) -> None:
    kept: list[object] = []
    monkeypatch.setattr(api.body, "release_later", lambda *objects: kept.extend(objects))
    monkeypatch.setattr(api.body, "RELEASE_LATER_BYTES", 100)
    response = client.post("/v1/audit", data=orjson.dumps(make_doc()),
                           content_type="application/json")
    assert response.status_code == 200
    assert kept == []
