"""Limits are enforced before the work they protect: body size before reading, JSON
depth in the parser, account/edge counts and the memory estimate before validation,
features or the model. Every refusal is problem details, never a 500."""

from __future__ import annotations

import gzip
import io

import numpy as np
import orjson
import pytest

import api.body
from api import budget, create_app

BAD = "must not run"


class Body(io.BytesIO):
    """A request body that counts how many bytes the server read from it."""

    def __init__(self, data: bytes) -> None:
        super().__init__(data)
        self.taken = 0

    def read(self, size: int | None = -1) -> bytes:
        chunk = super().read(size)
        self.taken += len(chunk)
        return chunk

    def readline(self, size: int | None = -1) -> bytes:
        chunk = super().readline(size)
        self.taken += len(chunk)
        return chunk


@pytest.fixture
def never(monkeypatch):
    """``never("parse_json", "parse_graph")`` makes those stages fail the test if reached."""
    def forbid(*names: str) -> None:
        for name in names:
            def fail(*_args, _name=name, **_kwargs):
                raise AssertionError(f"{_name} {BAD}")
            monkeypatch.setattr(api.body, name, fail)
    return forbid


def make_app(model_dir, **config):
    return create_app({"MODEL_DIR": str(model_dir), **config})


def problem(response, status: int, kind: str, matches) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)[:300]
    assert response.content_type == "application/problem+json"
    body = response.get_json()
    matches(body, "Problem")
    assert body["type"] == f"/docs#problem-{kind}"
    return body


def test_a_declared_oversized_body_is_refused_before_reading(model_dir, matches):
    app = make_app(model_dir, MAX_BODY_BYTES=1_000)
    stream = Body(b"{" * 50_000)
    response = app.test_client().post("/v1/predict", input_stream=stream, content_length=50_000,
                                      content_type="application/json")
    problem(response, 413, "too-large", matches)
    assert stream.taken == 0


@pytest.mark.parametrize("size", [1_001, 50_000])
def test_a_chunked_body_over_the_limit_is_413_not_cut_short(model_dir, matches, size):
    """No Content-Length (chunked): the server reads up to the limit and must then say
    the body is too large, not parse the first 1,000 bytes and call them malformed."""
    app = make_app(model_dir, MAX_BODY_BYTES=1_000)
    body = b'{"accounts": [' + b" " * (size - 16) + b"]}"
    response = app.test_client().post(
        "/v1/predict", input_stream=Body(body), content_type="application/json",
        headers={"Transfer-Encoding": "chunked"}, environ_overrides={"wsgi.input_terminated": True})
    assert problem(response, 413, "too-large", matches)["detail"] == (
        "the body is larger than the 1,000 bytes this server accepts (FFD_MAX_BODY_BYTES)")


def test_a_chunked_body_within_the_limit_is_read_whole(model_dir):
    app = make_app(model_dir, MAX_BODY_BYTES=1_000)
    body = b'{"accounts": [{"id": "a"}]' + b" " * (1_000 - 27) + b"}"
    assert len(body) == 1_000
    response = app.test_client().post(
        "/v1/predict", input_stream=Body(body), content_type="application/json",
        headers={"Transfer-Encoding": "chunked"}, environ_overrides={"wsgi.input_terminated": True})
    assert response.status_code == 200, response.get_data(as_text=True)[:300]


def test_wrong_content_type_is_refused_before_reading(model_dir, matches):
    stream = Body(b"x" * 50_000)
    response = make_app(model_dir).test_client().post(
        "/v1/audit", input_stream=stream, content_length=50_000, content_type="text/csv")
    problem(response, 415, "unsupported-media-type", matches)
    assert stream.taken == 0


@pytest.mark.parametrize("depth", [1_025, 100_000])
def test_json_deeper_than_1024_is_400_not_500(client, matches, depth):
    response = client.post("/v1/predict", data=b"[" * depth + b"]" * depth,
                           content_type="application/json")
    body = problem(response, 400, "malformed-json", matches)
    assert "recursion" in body["detail"].lower() or "depth" in body["detail"].lower()


def test_json_1024_deep_is_parsed_and_refused_as_a_graph(client, matches):
    nested = b'{"accounts": ' + b"[" * 1_023 + b"]" * 1_023 + b"}"
    problem(client.post("/v1/predict", data=nested, content_type="application/json"),
            422, "invalid-graph", matches)


def test_counts_are_checked_before_validation_and_scoring(model_dir, matches, never):
    never("parse_graph")
    app = make_app(model_dir, MAX_ACCOUNTS=10, MAX_EDGES=10)
    doc = {"accounts": [{"id": f"a{i}"} for i in range(11)],
           "edges": [{"source": "a0", "target": "a1", "type": "follow"}] * 11}
    body = problem(app.test_client().post("/v1/audit", json=doc), 413, "too-large", matches)
    assert [e["path"] for e in body["errors"]] == ["accounts", "edges"]


def test_a_json_bomb_is_refused_before_parsing(model_dir, matches, never):
    """``[{},{},...]``: 3 bytes of text, about 100 bytes once parsed."""
    never("parse_json")
    bomb = b"[" + b",".join([b"{}"] * 400_000) + b"]"  # 1.2 MB, well under the body limit
    app = make_app(model_dir, MAX_REQUEST_MEMORY=32 * budget.MB)
    body = problem(app.test_client().post("/v1/predict", data=bomb,
                                          content_type="application/json"),
                   413, "too-large", matches)
    assert "parsing this 1,200,001-byte body would need about" in body["detail"]
    assert "FFD_MAX_REQUEST_MEMORY" in body["detail"]


def test_a_graph_too_big_to_score_is_refused_before_validation(model_dir, matches, never):
    never("parse_graph")
    accounts = [{"id": f"u{i}"} for i in range(30_000)]  # within MAX_ACCOUNTS
    app = make_app(model_dir, MAX_REQUEST_MEMORY=32 * budget.MB)
    body = problem(app.test_client().post("/v1/predict", json={"accounts": accounts}),
                   413, "too-large", matches)
    assert body["detail"].startswith("scoring 30,000 accounts and 0 edges would need about")


def test_the_same_graph_is_scored_under_a_larger_budget(model_dir):
    accounts = [{"id": f"u{i}"} for i in range(3_000)]
    app = make_app(model_dir, MAX_REQUEST_MEMORY=256 * budget.MB)
    response = app.test_client().post("/v1/predict?reasons=false", json={"accounts": accounts})
    assert response.status_code == 200
    assert len(response.get_json()["accounts"]) == 3_000


def test_no_budget_means_no_estimate(model_dir, matches):
    bomb = b"[" + b",".join([b"{}"] * 400_000) + b"]"
    app = make_app(model_dir, MAX_REQUEST_MEMORY=None)
    problem(app.test_client().post("/v1/predict", data=bomb, content_type="application/json"),
            422, "invalid-graph", matches)  # parsed, then refused as a graph


def test_parse_estimate_bounds_what_parsing_allocates():
    """The prices are upper bounds of CPython object sizes for each construct."""
    import sys

    import orjson

    for text in (b"[" + b",".join([b"{}"] * 1000) + b"]",
                 b"[" + b",".join([b"1.5"] * 1000) + b"]",
                 b"[" + b",".join([b'{"k%d": "v%d"}' % (i, i) for i in range(1000)]) + b"]"):
        parsed = orjson.loads(text)
        size = sys.getsizeof(parsed) + sum(sys.getsizeof(item) for item in parsed)
        size += sum(sys.getsizeof(k) + sys.getsizeof(v) for item in parsed
                    if isinstance(item, dict) for k, v in item.items())
        assert size < budget.parse_estimate(text)


def test_scoring_estimate_grows_with_the_model_width():
    small = budget.scoring_estimate(1_000, 0, {"hidden_channels": 16, "num_layers": 2})
    large = budget.scoring_estimate(1_000, 0, {"hidden_channels": 64, "num_layers": 2})
    assert small < large
    assert budget.scoring_estimate(0, 1_000, None) == 1_000 * budget.PRICES.per_edge


@pytest.mark.parametrize(("doc", "size"), [
    ({"accounts": [1, 2], "edges": [3]}, (2, 1)),
    ({"nodes": [1, 2, 3], "links": [1]}, (3, 1)),
    ({"accounts": "many"}, (0, 0)),
    ([1, 2, 3], (0, 0)),
])
def test_graph_size_reads_both_forms(doc, size):
    assert budget.graph_size(doc) == size


@pytest.mark.parametrize("value", ["1G", 0, -5, 1.5])
def test_a_bad_memory_budget_stops_the_app_at_start(model_dir, value):
    with pytest.raises(ValueError, match="FFD_MAX_REQUEST_MEMORY"):
        make_app(model_dir, MAX_REQUEST_MEMORY=value)


def test_the_memory_budget_is_read_from_the_environment(model_dir, monkeypatch):
    monkeypatch.setenv("FFD_MODEL_DIR", str(model_dir))
    monkeypatch.setenv("FFD_MAX_REQUEST_MEMORY", "null")
    assert create_app().config["MAX_REQUEST_MEMORY"] is None
    monkeypatch.setenv("FFD_MAX_REQUEST_MEMORY", str(64 * budget.MB))
    assert create_app().config["MAX_REQUEST_MEMORY"] == 64 * budget.MB


def test_the_page_uploads_keep_the_same_memory_budget(model_dir, matches):
    app = make_app(model_dir, MAX_REQUEST_MEMORY=32 * budget.MB)
    client = app.test_client()
    bomb = b"[" + b",".join([b"{}"] * 400_000) + b"]"
    response = client.post("/page/scores.csv", data={"graph": (io.BytesIO(bomb), "g.json")},
                           content_type="multipart/form-data")
    assert "parsing this" in problem(response, 413, "too-large", matches)["detail"]
    ids = "id\n" + "\n".join(f"u{i}" for i in range(30_000)) + "\n"
    response = client.post("/page/scores.csv", content_type="multipart/form-data", data={
        "accounts": (io.BytesIO(ids.encode()), "accounts.csv"),
        "edges": (io.BytesIO(b"source,target,type\n"), "edges.csv")})
    assert problem(response, 413, "too-large", matches)["detail"].startswith(
        "scoring 30,000 accounts and 0 edges")


def gz(data: bytes) -> bytes:
    return gzip.compress(data, compresslevel=6, mtime=0)


@pytest.mark.parametrize("coding", ["gzip", "x-gzip", "GZIP"])
def test_a_gzip_body_is_scored_as_the_same_body_sent_plain(client, doc, coding):
    plain = orjson.dumps(doc)
    sent = client.post("/v1/audit", data=plain, content_type="application/json")
    zipped = client.post("/v1/audit", data=gz(plain), content_type="application/json",
                         headers={"Content-Encoding": coding})
    assert sent.status_code == zipped.status_code == 200, zipped.get_data(as_text=True)[:300]
    assert zipped.get_json() == sent.get_json()


def test_gzip_members_one_after_the_other_are_one_body(client, doc):
    plain = orjson.dumps(doc)
    half = len(plain) // 2
    response = client.post("/v1/predict", data=gz(plain[:half]) + gz(plain[half:]),
                           content_type="application/json", headers={"Content-Encoding": "gzip"})
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert len(response.get_json()["accounts"]) == len(doc["accounts"])


def test_a_gzip_body_over_the_wire_limit_is_413_before_inflating(model_dir, matches, never):
    never("inflate")
    app = make_app(model_dir, MAX_BODY_BYTES=1_000)
    data = gz(np.random.default_rng(0).bytes(5_000))  # random bytes do not compress
    assert len(data) > 1_000
    stream = Body(data)
    response = app.test_client().post("/v1/predict", input_stream=stream, content_length=len(data),
                                      content_type="application/json",
                                      headers={"Content-Encoding": "gzip"})
    problem(response, 413, "too-large", matches)
    assert stream.taken == 0


def test_a_gzip_bomb_is_refused_after_the_decoded_limit(model_dir, matches, never):
    never("parse_json", "decode")
    app = make_app(model_dir, MAX_DECODED_BYTES=100_000)
    bomb = gz(b" " * 50_000_000)  # 50 MB of spaces in about 50 KB
    assert len(bomb) < 100_000
    response = app.test_client().post("/v1/predict", data=bomb, content_type="application/json",
                                      headers={"Content-Encoding": "gzip"})
    assert problem(response, 413, "too-large", matches)["detail"] == (
        "the body inflates to more than 100,000 bytes (FFD_MAX_DECODED_BYTES)")


@pytest.mark.parametrize(("data", "detail"), [
    (b'{"accounts": []}', "the body is not valid gzip"),
    (gz(b'{"accounts": []}')[:-6], "the gzip body is cut short"),
])
def test_a_body_that_is_not_gzip_is_400(client, matches, data, detail):
    response = client.post("/v1/predict", data=data, content_type="application/json",
                           headers={"Content-Encoding": "gzip"})
    assert problem(response, 400, "bad-request", matches)["detail"].startswith(detail)


def test_another_content_coding_is_415_before_reading(model_dir, matches):
    stream = Body(b"x" * 50_000)
    response = make_app(model_dir).test_client().post(
        "/v1/predict", input_stream=stream, content_length=50_000,
        content_type="application/json", headers={"Content-Encoding": "br"})
    body = problem(response, 415, "unsupported-media-type", matches)
    assert "'br' is not supported" in body["detail"]
    assert response.headers["Accept-Encoding"] == "gzip"
    assert stream.taken == 0
