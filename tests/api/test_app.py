"""create_app: configuration from defaults, the environment or a test mapping."""

from __future__ import annotations

import subprocess
import sys

import pytest

from api import DEFAULTS, create_app


def test_defaults(model_dir):
    app = create_app({"MODEL_DIR": str(model_dir)})
    assert app.config["MAX_CONTENT_LENGTH"] == DEFAULTS["MAX_BODY_BYTES"] == 20 * 1024 * 1024
    assert app.config["API_KEY"] is None


def test_environment_is_read_with_the_ffd_prefix(monkeypatch, model_dir):
    monkeypatch.setenv("FFD_MODEL_DIR", str(model_dir))
    monkeypatch.setenv("FFD_MAX_ACCOUNTS", "123")
    monkeypatch.setenv("FFD_MAX_BODY_BYTES", "4096")
    monkeypatch.setenv("FFD_API_KEY", "k")
    app = create_app()
    assert app.config["MAX_ACCOUNTS"] == 123
    assert app.config["MAX_CONTENT_LENGTH"] == 4096
    assert app.config["API_KEY"] == "k"
    assert app.test_client().get("/readyz").status_code == 200


def test_a_test_mapping_replaces_the_environment(monkeypatch, model_dir):
    monkeypatch.setenv("FFD_MAX_ACCOUNTS", "5")
    app = create_app({"MODEL_DIR": str(model_dir)})
    assert app.config["MAX_ACCOUNTS"] == DEFAULTS["MAX_ACCOUNTS"]


def test_importing_the_package_starts_nothing():
    code = ("import sys, api, api.serve; "
            "print(sorted(m for m in ('flask', 'torch', 'pandas') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, timeout=60)
    assert out.stdout.strip() == "[]"


def test_the_model_is_loaded_once_per_app(app, client, doc):
    store = app.extensions["ffd_model"]
    first = store.current
    client.post("/v1/predict", json=doc)
    client.post("/v1/audit", json=doc)
    assert store.current is first


@pytest.mark.parametrize("value", ["lots", "0", "-5", "1.5", "true"])
def test_a_bad_limit_stops_the_start(monkeypatch, model_dir, value):
    monkeypatch.setenv("FFD_MAX_EDGES", value)
    with pytest.raises(ValueError, match=r"MAX_EDGES \(FFD_MAX_EDGES\) must be a positive integer"):
        create_app()
