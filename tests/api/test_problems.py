"""Every error kind is RFC 9457 problem details; bad input is never a 500."""

from __future__ import annotations

import orjson
import pytest

from api import create_app
from api.problems import KINDS, Problem


def check_problem(response, status: int, kind: str, matches) -> dict:
    assert response.status_code == status
    assert response.content_type == "application/problem+json"
    body = response.get_json()
    matches(body, "Problem")
    assert body["status"] == status
    assert body["type"] == f"/docs#problem-{kind}"
    return body


@pytest.mark.parametrize("path", ["/v1/predict", "/v1/audit"])
@pytest.mark.parametrize("data", [b"", b"{", b'{"accounts": [NaN]}', b'{"a": Infinity}',
                                  b"[" * 2000 + b"]" * 2000, b"\xff\xfe", b"{'a': 1}"])
def test_malformed_json_is_400(client, matches, path, data):
    response = client.post(path, data=data, content_type="application/json")
    body = check_problem(response, 400, "malformed-json", matches)
    assert body["detail"].startswith("not valid JSON")


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded",
                                          "application/xml", None])
def test_wrong_content_type_is_415(client, doc, matches, content_type):
    kwargs = {"content_type": content_type} if content_type else {}
    response = client.post("/v1/predict", data=orjson.dumps(doc), **kwargs)
    check_problem(response, 415, "unsupported-media-type", matches)


def test_json_suffix_types_are_json(client, doc):
    response = client.post("/v1/predict", data=orjson.dumps(doc),
                           content_type="application/vnd.ffd+json; charset=utf-8")
    assert response.status_code == 200


def test_body_over_the_limit_is_413(model_dir, doc, matches):
    app = create_app({"MODEL_DIR": str(model_dir), "MAX_BODY_BYTES": 1_000})
    response = app.test_client().post("/v1/predict", data=orjson.dumps(doc),
                                      content_type="application/json")
    body = check_problem(response, 413, "too-large", matches)
    assert "1,000 bytes" in body["detail"]


def test_too_many_accounts_and_edges_is_413_before_validation(model_dir, matches):
    app = create_app({"MODEL_DIR": str(model_dir), "MAX_ACCOUNTS": 2, "MAX_EDGES": 1})
    doc = {"accounts": [{"id": 1}, {"id": 2}, {"id": 3}], "edges": [{}, {}]}  # invalid too
    response = app.test_client().post("/v1/predict", json=doc)
    body = check_problem(response, 413, "too-large", matches)
    assert body["errors"] == [
        {"path": "accounts", "message": "has 3 accounts; this server accepts at most 2 per "
                                        "request (FFD_MAX_ACCOUNTS)"},
        {"path": "edges", "message": "has 2 edges; this server accepts at most 1 per request "
                                     "(FFD_MAX_EDGES)"},
    ]


def test_node_link_limits_count_nodes_and_links(model_dir):
    app = create_app({"MODEL_DIR": str(model_dir), "MAX_ACCOUNTS": 1})
    response = app.test_client().post("/v1/predict", json={"nodes": [{"id": "a"}, {"id": "b"}]})
    assert response.status_code == 413
    assert response.get_json()["errors"][0]["path"] == "nodes"


def test_invalid_graph_is_422_naming_each_problem(client, matches):
    doc = {"accounts": [{"id": "a", "followers_count": -3}, {"id": "a"}, {"id": 7}],
           "edges": [{"source": "a", "target": "ghost", "type": "follow"},
                     {"source": "a", "target": "a", "type": "poke"}]}
    body = check_problem(client.post("/v1/predict", json=doc), 422, "invalid-graph", matches)
    paths = {e["path"] for e in body["errors"]}
    assert paths == {"accounts[0].followers_count", "accounts[1].id", "accounts[2].id",
                     "edges[0].target", "edges[1].type"}
    assert body["detail"] == "5 problems found"


@pytest.mark.parametrize("doc", [
    [], "accounts", 3, None, {}, {"accounts": {}}, {"accounts": [[]]},
    {"accounts": [{"id": "a"}], "edges": "x"}, {"nodes": 5}, {"accounts": [{"id": "a" * 300}]},
    {"accounts": [{"id": "a", "created_at": "yesterday"}]},
    {"accounts": [{"id": "a", "followers_count": 1e30}]},
    {"accounts": [{"id": "a\u0000b"}]}, {"accounts": [{"id": "a"}], "target": ["a"]},
])
@pytest.mark.parametrize("path", ["/v1/predict", "/v1/audit"])
def test_odd_documents_are_422_not_500(client, doc, path):
    response = client.post(path, data=orjson.dumps(doc), content_type="application/json")
    assert response.status_code == 422, response.get_json()
    assert response.get_json()["errors"]


def test_unknown_path_is_404(client, matches):
    body = check_problem(client.get("/v2/nothing"), 404, "not-found", matches)
    assert body["instance"] == "/v2/nothing"


def test_wrong_method_is_405_with_allow(client, matches):
    response = client.get("/v1/audit")
    check_problem(response, 405, "method-not-allowed", matches)
    assert "POST" in response.headers["Allow"]


def test_unexpected_failure_is_500_problem(app, matches):
    @app.get("/boom")
    def boom():
        raise RuntimeError("secret internals")

    app.testing = False  # let the error handler answer instead of re-raising
    body = check_problem(app.test_client().get("/boom"), 500, "internal-error", matches)
    assert "secret" not in body["detail"]


def test_every_kind_has_a_status_title_and_description():
    for name, kind in KINDS.items():
        assert 400 <= kind.status < 600 and kind.title and kind.description, name
        assert Problem(name).status == kind.status


def test_other_http_errors_keep_the_shape(app, matches):
    from flask import abort

    @app.get("/teapot")
    def teapot():
        abort(400)

    @app.get("/gone")
    def gone():
        abort(410)

    c = app.test_client()
    check_problem(c.get("/teapot"), 400, "bad-request", matches)
    body = check_problem(c.get("/gone"), 410, "http-410", matches)
    assert body["title"] == "gone"
