"""Workers score a shipped example once before they take traffic."""

from __future__ import annotations

import pytest

from api.app import create_app
from api.warmup import WARM_UP_EXAMPLE, warm_up


def test_warm_up_runs_the_scoring_path_once(model_dir):
    app = create_app({"MODEL_DIR": str(model_dir), "TESTING": True})
    seconds = warm_up(app)
    assert seconds is not None and seconds > 0
    assert WARM_UP_EXAMPLE.is_file()
    # The worker still answers normally afterwards, with the same model.
    response = app.test_client().post("/v1/audit", data=WARM_UP_EXAMPLE.read_bytes(),
                                      content_type="application/json")
    assert response.status_code == 200


@pytest.mark.parametrize("config", [{"MODEL_DIR": "/nonexistent/model"},
                                    {"WARM_UP": False}])
def test_no_warm_up_without_a_model_or_when_switched_off(model_dir, config):
    app = create_app({"MODEL_DIR": str(model_dir), "TESTING": True, **config})
    assert warm_up(app) is None
