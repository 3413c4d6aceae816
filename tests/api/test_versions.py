"""Model versions: every served model is recorded, one is live, and a rollback makes an
earlier one serve again through the checked reload."""

from __future__ import annotations

import pytest

from api import create_app
from tests.api.test_admin import other_model_dir  # noqa: F401  (a second model)

ADMIN = "admin-key"


@pytest.fixture
def app(model_dir, database_url, tmp_path):
    return create_app({"MODEL_DIR": str(model_dir), "DATABASE_URL": database_url,
                       "ADMIN_KEY": ADMIN, "RELOAD_FILE": str(tmp_path / "reload.json")})


def test_reload_records_a_version_and_rollback_returns_to_the_previous(client, model_dir,
                                                                        other_model_dir,  # noqa: F811
                                                                        matches):
    h = {"X-API-Key": ADMIN}
    first = client.get("/v1/models").get_json()
    matches(first, "ModelVersions")
    assert [(v["directory"], v["live"]) for v in first["versions"]] == [(str(model_dir), True)]
    assert client.post("/v1/admin/reload", json={"model_dir": str(other_model_dir)},
                       headers=h).status_code == 200
    versions = client.get("/v1/models").get_json()["versions"]
    assert [(v["id"], v["live"]) for v in versions][0] == ("model-b", True)
    assert sum(v["live"] for v in versions) == 1
    back = client.post("/v1/admin/rollback", headers=h)
    assert back.status_code == 200, back.get_json()
    matches(back.get_json(), "ReloadResponse")
    assert back.get_json()["previous"]["id"] == "model-b"
    assert client.get("/v1/model").get_json()["id"] != "model-b"
    live = [v for v in client.get("/v1/models").get_json()["versions"] if v["live"]]
    assert [v["directory"] for v in live] == [str(model_dir)]
    target = next(v for v in versions if v["id"] == "model-b")["version_id"]
    again = client.post("/v1/admin/rollback", json={"version": target}, headers=h)
    assert again.status_code == 200 and again.get_json()["model"]["id"] == "model-b"


def test_rollback_needs_the_admin_role_and_a_known_version(client):
    assert client.post("/v1/admin/rollback").status_code == 401
    assert client.post("/v1/admin/rollback", headers={"X-API-Key": ADMIN}).status_code == 404
    missing = client.post("/v1/admin/rollback", json={"version": 99},
                          headers={"X-API-Key": ADMIN})
    assert missing.status_code == 404 and "no model version 99" in missing.get_json()["detail"]
    bad = client.post("/v1/admin/rollback", json={"version": "x"}, headers={"X-API-Key": ADMIN})
    assert bad.status_code == 422 and bad.get_json()["type"] == "/docs#problem-invalid-body"


def test_rollback_refuses_a_directory_that_holds_another_model_now(client, database_url,
                                                                   other_model_dir):  # noqa: F811
    from api.store import EXTENSION
    from store.versions import register_version

    store = client.application.extensions[EXTENSION]
    old = store.write(lambda s: register_version(
        s, model_id="old", version="1", metadata_sha256="not-what-is-there-now",
        directory=str(other_model_dir), classes=["genuine"], metrics={}, live=False).id)
    before = client.get("/v1/model").get_json()["id"]
    response = client.post("/v1/admin/rollback", json={"version": old},
                           headers={"X-API-Key": ADMIN})
    assert response.status_code == 422
    assert "holds another model now" in response.get_json()["detail"]
    assert client.get("/v1/model").get_json()["id"] == before
