"""POST /v1/admin/reload: key handling, atomic swap, refusal with the old model serving,
consistency of requests in flight, and propagation to other worker processes."""

from __future__ import annotations

import re
import shutil
import threading
from pathlib import Path

import pytest
import torch

import api.predict
from api import create_app
from api.admin import ReloadSync
from models import artifact
from models.estimator import FollowerClassifier

ADMIN, SCORING = "admin-key-1", "scoring-key-2"


@pytest.fixture(scope="module")
def other_model_dir(model_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A second model: the session model with perturbed weights and its own id."""
    clf = FollowerClassifier.load(model_dir)
    generator = torch.Generator().manual_seed(7)
    with torch.no_grad():
        for parameter in clf.model_.parameters():
            parameter.add_(torch.randn(parameter.shape, generator=generator))
    clf.metadata_ = {**clf.metadata_, "id": "model-b", "version": "b"}
    return clf.save(tmp_path_factory.mktemp("other") / "b")


@pytest.fixture
def admin_app(model_dir: Path, tmp_path: Path):
    return create_app({"MODEL_DIR": str(model_dir), "ADMIN_KEY": ADMIN, "API_KEY": SCORING,
                       "RELOAD_FILE": str(tmp_path / "reload.json")})


def reload(client, model_dir=None, key=ADMIN):
    body = None if model_dir is None else {"model_dir": str(model_dir)}
    return client.post("/v1/admin/reload", json=body, headers={"X-API-Key": key})


def serving(client) -> str:
    return client.get("/v1/model").get_json()["id"]


def scores(client, doc) -> tuple[str, list]:
    body = client.post("/v1/predict", json=doc, headers={"X-API-Key": SCORING}).get_json()
    return body["model"]["id"], [a["scores"] for a in body["accounts"]]


def test_disabled_without_an_admin_key(client, other_model_dir, matches):
    response = reload(client, other_model_dir)
    assert response.status_code == 404
    body = response.get_json()
    matches(body, "Problem")
    assert "FFD_ADMIN_KEY" in body["detail"]


@pytest.mark.parametrize(("headers", "detail"), [
    ({}, "no API key given"),
    ({"X-API-Key": "wrong"}, "the admin key is not valid"),
])
def test_the_admin_key_and_only_it_opens_the_endpoint(admin_app, other_model_dir, headers,
                                                      detail):
    client = admin_app.test_client()
    before = serving(client)
    response = client.post("/v1/admin/reload", json={"model_dir": str(other_model_dir)},
                           headers=headers)
    assert response.status_code == 401
    assert response.get_json()["detail"] == detail
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert serving(client) == before


@pytest.mark.parametrize("headers", [{"X-API-Key": SCORING},
                                     {"Authorization": f"Bearer {SCORING}"}])
def test_the_scoring_key_beside_an_admin_key_may_not_reload(admin_app, other_model_dir,
                                                             headers):
    client = admin_app.test_client()
    before = serving(client)
    response = client.post("/v1/admin/reload", json={"model_dir": str(other_model_dir)},
                           headers=headers)
    assert response.status_code == 403  # a valid key without the admin role
    assert response.get_json()["detail"] == ("the key 'FFD_API_KEY' has the role label; "
                                             "this needs the role admin")
    assert serving(client) == before


def test_a_lone_api_key_is_an_admin_key(model_dir, other_model_dir):
    client = create_app({"MODEL_DIR": str(model_dir), "API_KEY": SCORING}).test_client()
    assert reload(client, other_model_dir, key="wrong").status_code == 401
    response = reload(client, other_model_dir, key=SCORING)
    assert response.status_code == 200, response.get_json()
    assert serving(client) == "model-b"


def test_reload_swaps_the_model(admin_app, model_dir, other_model_dir, doc, matches):
    client = admin_app.test_client()
    first = serving(client)
    response = client.post("/v1/admin/reload", json={"model_dir": str(other_model_dir)},
                           headers={"Authorization": f"Bearer {ADMIN}"})
    assert response.status_code == 200
    body = response.get_json()
    matches(body, "ReloadResponse")
    assert body["model"]["id"] == "model-b"
    assert body["previous"]["id"] == first
    assert body["directory"] == str(other_model_dir)
    assert serving(client) == "model-b"
    assert scores(client, doc)[0] == "model-b"


def test_no_body_reloads_the_configured_directory(other_model_dir, tmp_path, doc):
    configured = tmp_path / "current"
    shutil.copytree(other_model_dir.parent / "b", configured)
    app = create_app({"MODEL_DIR": str(configured), "ADMIN_KEY": ADMIN})
    client = app.test_client()
    clf = FollowerClassifier.load(configured)
    clf.metadata_ = {**clf.metadata_, "id": "retrained"}
    clf.save(configured)  # what `ffd train --out <configured>` does
    assert serving(client) == "model-b"
    response = client.post("/v1/admin/reload", headers={"X-API-Key": ADMIN})
    assert response.status_code == 200, response.get_json()
    assert serving(client) == "retrained"
    response = client.post("/v1/admin/reload", json={}, headers={"X-API-Key": ADMIN})
    assert response.status_code == 200, response.get_json()  # {} means the same
    assert response.get_json()["directory"] == str(configured)


def _truncate(path: Path) -> None:
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def _flip_last_byte(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[-1] ^= 0xFF
    path.write_bytes(bytes(data))


def _nan_weights(directory: Path) -> None:
    clf = FollowerClassifier.load(directory)
    with torch.no_grad():
        next(iter(clf.model_.parameters())).fill_(float("nan"))
    clf.save(directory)  # valid files, valid hashes, a broken model


@pytest.mark.parametrize(("damage", "message"), [
    (lambda d: shutil.rmtree(d), "no model directory here"),
    (lambda d: (d / artifact.WEIGHTS).unlink(), "weights.safetensors: missing"),
    (lambda d: (d / artifact.METADATA).unlink(), "model.json: missing"),
    (lambda d: _truncate(d / artifact.WEIGHTS), "weights.safetensors: .* bytes, expected"),
    (lambda d: _flip_last_byte(d / artifact.WEIGHTS), "weights.safetensors: SHA-256"),
    (lambda d: _truncate(d / artifact.METADATA), "model.json: not readable JSON"),
    (_nan_weights, "probabilities on a test graph are not valid"),
], ids=["no-directory", "no-weights", "no-metadata", "truncated-weights", "corrupt-weights",
        "truncated-metadata", "nan-weights"])
def test_a_refused_directory_leaves_the_old_model_serving(admin_app, other_model_dir, tmp_path,
                                                          doc, damage, message, matches):
    client = admin_app.test_client()
    before = scores(client, doc)
    broken = tmp_path / "broken"
    shutil.copytree(other_model_dir, broken)
    damage(broken)
    response = reload(client, broken)
    assert response.status_code == 422
    body = response.get_json()
    matches(body, "Problem")
    assert body["type"] == "/docs#problem-model-refused"
    assert str(broken) in body["detail"]
    assert re.search(message, body["detail"]), body["detail"]
    serving_dir = admin_app.config["MODEL_DIR"]
    assert body["detail"].endswith(f"still serving model {before[0]} from {serving_dir}")
    assert body["errors"][0]["path"] == "model_dir"
    assert scores(client, doc) == before


@pytest.mark.parametrize(("kwargs", "status", "detail"), [
    ({"json": ["x"]}, 422, "must be a JSON object"),
    ({"json": {"model_dir": 3}}, 422, "model_dir: must be a non-empty path"),
    ({"json": {"model_dir": None}}, 422, "model_dir: must be a non-empty path"),
    ({"json": {"model_dir": ""}}, 422, "model_dir: must be a non-empty path"),
    ({"json": {"model_dir": "a\x00b"}}, 422, "model_dir: must be a non-empty path"),
    ({"json": {"model_dir": "x", "force": True}}, 422, "force: unknown field"),
    ({"data": b"{", "content_type": "application/json"}, 400, "not valid JSON"),
    ({"data": b"model_dir=x", "content_type": "text/plain"}, 415, "expected Content-Type"),
    ({"json": {"model_dir": "x" * 5000}}, 422, "still serving"),  # too long for the OS
    ({"json": {"model_dir": "/dev/null"}}, 422, "no model directory here"),
])
def test_bad_requests_are_problems_not_500(admin_app, kwargs, status, detail, matches):
    response = admin_app.test_client().post("/v1/admin/reload", headers={"X-API-Key": ADMIN},
                                            **kwargs)
    assert response.status_code == status, response.get_json()
    body = response.get_json()
    matches(body, "Problem")
    assert detail in body["detail"]


def test_a_request_in_flight_finishes_on_the_model_it_started_with(
        admin_app, model_dir, other_model_dir, doc, monkeypatch):
    client = admin_app.test_client()
    reference_a = scores(client, doc)
    started, release = threading.Event(), threading.Event()
    real_score = api.predict.score

    def held_score(graph, model):  # the request holds its model reference here
        started.set()
        assert release.wait(60)
        return real_score(graph, model)

    monkeypatch.setattr(api.predict, "score", held_score)
    result = {}
    thread = threading.Thread(target=lambda: result.update(during=scores(client, doc)))
    thread.start()
    assert started.wait(60)
    assert reload(admin_app.test_client(), other_model_dir).status_code == 200
    release.set()
    thread.join(60)
    assert result["during"] == reference_a  # model A's id *and* model A's numbers
    after = scores(client, doc)
    assert after[0] == "model-b" and after[1] != reference_a[1]


def test_concurrent_requests_each_see_one_whole_model(admin_app, model_dir, other_model_dir,
                                                      doc):
    client = admin_app.test_client()
    expected = {"model-b": scores(create_app({"MODEL_DIR": str(other_model_dir),
                                              "API_KEY": SCORING}).test_client(), doc)[1]}
    first = scores(client, doc)
    expected[first[0]] = first[1]
    seen, errors = [], []

    def score_repeatedly() -> None:
        try:
            local = admin_app.test_client()
            for _ in range(6):
                seen.append(scores(local, doc))
        except Exception as exc:  # noqa: BLE001 (reported below)
            errors.append(exc)

    threads = [threading.Thread(target=score_repeatedly) for _ in range(3)]
    for thread in threads:
        thread.start()
    admin, reloads = admin_app.test_client(), 0
    while any(thread.is_alive() for thread in threads):
        target = other_model_dir if reloads % 2 == 0 else model_dir
        assert reload(admin, target).status_code == 200
        reloads += 1
    assert not errors
    assert len(seen) == 18 and reloads >= 2
    assert set(expected) == {model_id for model_id, _ in seen}  # both served meanwhile
    for model_id, numbers in seen:
        assert numbers == expected[model_id]


def test_a_reload_reaches_every_worker_through_the_reload_file(model_dir, other_model_dir,
                                                               tmp_path):
    config = {"MODEL_DIR": str(model_dir), "ADMIN_KEY": ADMIN,
              "RELOAD_FILE": str(tmp_path / "reload.json")}
    worker_1, worker_2 = create_app(config).test_client(), create_app(config).test_client()
    first = serving(worker_2)
    assert reload(worker_1, other_model_dir).status_code == 200
    assert serving(worker_2) == "model-b"  # followed before answering
    assert serving(create_app(config).test_client()) == "model-b"  # a replacement worker too
    assert reload(worker_2, model_dir).status_code == 200
    assert serving(worker_1) == first


def test_a_worker_keeps_its_model_when_the_published_one_is_gone(model_dir, other_model_dir,
                                                                 tmp_path):
    published = tmp_path / "published"
    shutil.copytree(other_model_dir, published)
    config = {"MODEL_DIR": str(model_dir), "ADMIN_KEY": ADMIN,
              "RELOAD_FILE": str(tmp_path / "reload.json")}
    worker_1, worker_2 = create_app(config).test_client(), create_app(config).test_client()
    first = serving(worker_2)
    assert reload(worker_1, published).status_code == 200
    shutil.rmtree(published)
    assert serving(worker_2) == first
    assert worker_2.get("/readyz").status_code == 200


def test_sync_ignores_an_unreadable_reload_file(admin_app, tmp_path):
    store = admin_app.extensions["ffd_model"]
    before = store.current
    path = tmp_path / "garbage.json"
    path.write_bytes(b"{not json")
    ReloadSync(path).sync(store)
    assert store.current is before
