"""Key roles on every kind of endpoint: stored keys (created, revoked), the original
FFD_API_KEY and FFD_ADMIN_KEY, and the CLI that manages keys."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from api import create_app
from training.cli import main


@pytest.fixture
def url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'ffd.sqlite3'}"


def make_key(url: str, name: str, role: str) -> str:
    result = CliRunner().invoke(main, ["keys", "create", name, "--role", role,
                                       "--database", url])
    assert result.exit_code == 0, result.output
    return result.stdout.strip().splitlines()[0]


def test_each_role_may_do_its_own_and_weaker_roles_work(model_dir, url, doc):
    keys = {role: make_key(url, f"k-{role}", role) for role in ("read", "label", "admin")}
    client = create_app({"MODEL_DIR": str(model_dir), "DATABASE_URL": url}).test_client()
    label = [{"account": "b1", "label": "bought"}]
    for role, key in keys.items():
        h = {"X-API-Key": key}
        assert client.post("/v1/audit", json=doc, headers=h).status_code == 200
        assert client.get("/v1/labels", headers=h).status_code == 200
        posted = client.post("/v1/labels", json=label, headers=h)
        assert posted.status_code == (403 if role == "read" else 201), role
        reloaded = client.post("/v1/admin/reload", headers=h)
        assert reloaded.status_code == (200 if role == "admin" else 403), role
    assert client.get("/v1/labels", headers={"Authorization": f"Bearer {keys['read']}"}) \
        .get_json()["labels"][0]["created_by"] == "k-admin"
    problem = client.post("/v1/labels", json=label, headers={"X-API-Key": keys["read"]})
    assert problem.get_json()["detail"] == ("the key 'k-read' has the role read; this needs "
                                            "the role label")
    for headers in ({}, {"X-API-Key": keys["read"] + "x"}):
        assert client.post("/v1/audit", json=doc, headers=headers).status_code == 401
    assert client.get("/", headers={}).status_code == 200
    assert 'id="api-key"' in client.get("/").get_data(as_text=True)  # the page asks for it


def test_a_revoked_key_stops_working_at_once(model_dir, url, doc):
    key = make_key(url, "ann", "read")
    keep = make_key(url, "bob", "read")
    client = create_app({"MODEL_DIR": str(model_dir), "DATABASE_URL": url}).test_client()
    assert client.post("/v1/audit", json=doc, headers={"X-API-Key": key}).status_code == 200
    result = CliRunner().invoke(main, ["keys", "revoke", "ann", "--database", url])
    assert result.exit_code == 0 and "revoked" in result.output
    assert client.post("/v1/audit", json=doc, headers={"X-API-Key": key}).status_code == 401
    assert client.post("/v1/audit", json=doc, headers={"X-API-Key": keep}).status_code == 200
    listed = CliRunner().invoke(main, ["keys", "list", "--database", url])
    assert listed.exit_code == 0
    assert key.split("_", 2)[2] not in listed.output  # never a secret (it may hold "_" too)
    lines = {line.split()[0]: line for line in listed.output.splitlines()[1:]}
    assert lines["ann"].split()[-1] != "-" and lines["bob"].split()[-1] == "-"
    again = CliRunner().invoke(main, ["keys", "revoke", "ann", "--database", url])
    assert again.exit_code == 2 and "no live key" in again.output


def test_key_cli_refuses_bad_names_and_reused_names(url):
    make_key(url, "ann", "read")
    for name in ("ann", "has space", ""):
        result = CliRunner().invoke(main, ["keys", "create", name, "--role", "read",
                                           "--database", url])
        assert result.exit_code == 2, name


def test_stored_keys_and_the_environment_key_work_side_by_side(model_dir, url, doc):
    key = make_key(url, "ann", "label")
    client = create_app({"MODEL_DIR": str(model_dir), "DATABASE_URL": url,
                         "API_KEY": "legacy"}).test_client()
    assert client.post("/v1/audit", json=doc, headers={"X-API-Key": "legacy"}).status_code \
        == 200
    assert client.post("/v1/audit", json=doc, headers={"X-API-Key": key}).status_code == 200
    assert client.post("/v1/admin/reload", headers={"X-API-Key": "legacy"}).status_code == 200


def test_db_upgrade_command(url):
    result = CliRunner().invoke(main, ["db", "upgrade", "--database", url])
    from store.migrate import head

    assert result.exit_code == 0 and f"revision {head()}" in result.output
