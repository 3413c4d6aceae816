"""The optional API key on the scoring endpoints."""

from __future__ import annotations

import pytest

from api import create_app

KEY = "s3cret-key"


@pytest.fixture
def locked(model_dir):
    return create_app({"MODEL_DIR": str(model_dir), "API_KEY": KEY}).test_client()


@pytest.mark.parametrize("path", ["/v1/predict", "/v1/audit"])
def test_key_required_when_configured(locked, doc, path, matches):
    response = locked.post(path, json=doc)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    body = response.get_json()
    matches(body, "Problem")
    assert body["detail"] == "no API key given"


@pytest.mark.parametrize("headers", [{"X-API-Key": "wrong"}, {"Authorization": "Bearer nope"}])
def test_wrong_key_is_401(locked, doc, headers):
    response = locked.post("/v1/predict", json=doc, headers=headers)
    assert response.status_code == 401
    assert response.get_json()["detail"] == "the API key is not valid"


@pytest.mark.parametrize("headers", [{"X-API-Key": KEY}, {"Authorization": f"Bearer {KEY}"}])
def test_right_key_passes(locked, doc, headers):
    assert locked.post("/v1/audit", json=doc, headers=headers).status_code == 200


def test_key_is_checked_before_the_body(locked):
    response = locked.post("/v1/predict", data=b"{", content_type="application/json")
    assert response.status_code == 401


def test_service_endpoints_stay_open(locked):
    assert locked.get("/healthz").status_code == 200
    assert locked.get("/readyz").status_code == 200
    assert locked.get("/openapi.json").status_code == 200


def test_no_key_configured_means_open(client, doc):
    assert client.post("/v1/predict", json=doc).status_code == 200
