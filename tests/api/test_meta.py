"""GET /healthz, /readyz, /v1/model, with and without a model."""

from __future__ import annotations

import pytest

from api import create_app


@pytest.fixture
def no_model(tmp_path):
    return create_app({"MODEL_DIR": str(tmp_path / "missing"), "TESTING": True}).test_client()


def test_healthz(client, no_model):
    for c in (client, no_model):
        response = c.get("/healthz")
        assert response.status_code == 200
        assert response.get_json() == {"status": "ok"}


def test_readyz_with_a_model(client, matches):
    response = client.get("/readyz")
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "ready"
    matches(body["model"], "ModelRef")


def test_model_metadata(client, model_dir, matches):
    body = client.get("/v1/model").get_json()
    matches(body, "ModelResponse")
    assert body["classes"] == body["metadata"]["classes"]
    assert "metrics" in body["metadata"]
    assert "normalisation" not in body["metadata"]


@pytest.mark.parametrize("method, path", [
    ("get", "/readyz"), ("get", "/v1/model"), ("post", "/v1/predict"), ("post", "/v1/audit"),
])
def test_without_a_model_answers_503_saying_why(no_model, method, path, matches):
    response = getattr(no_model, method)(path, json={"accounts": []})
    assert response.status_code == 503
    assert response.content_type == "application/problem+json"
    body = response.get_json()
    matches(body, "Problem")
    assert body["type"] == "/docs#problem-model-unavailable"
    assert "missing" in body["detail"]


def test_a_corrupt_model_is_refused_at_start(tmp_path, model_dir):
    broken = tmp_path / "broken"
    broken.mkdir()
    for f in model_dir.iterdir():
        (broken / f.name).write_bytes(f.read_bytes())
    weights = broken / "weights.safetensors"
    weights.write_bytes(weights.read_bytes()[:100])
    app = create_app({"MODEL_DIR": str(broken)})
    body = app.test_client().get("/readyz").get_json()
    assert body["status"] == 503
    assert "weights.safetensors" in body["detail"]
