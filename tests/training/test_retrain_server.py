"""``ffd train --labels --promote`` against the real gunicorn server: the command asks
the running server to reload the better candidate, and every worker serves it."""

from __future__ import annotations

import urllib.request

import orjson
import pytest
from click.testing import CliRunner

from benchmarks.server import ServerProcess
from models.estimator import FollowerClassifier
from tests.api.test_store_server import call
from tests.training.labelled_store import ADMIN, snapshot_document
from tests.training.test_retrain import QUICK
from training.cli import main

pytestmark = [pytest.mark.server, pytest.mark.slow]


def test_the_command_promotes_through_the_running_server(model_dir, tmp_path):
    url = f"sqlite:///{tmp_path / 'ffd.sqlite3'}"
    env = {"FFD_DATABASE_URL": url, "FFD_ADMIN_KEY": ADMIN}
    with ServerProcess(model_dir, workers=2, env=env) as server:
        labels = []
        for day in range(3):
            status, body = call(server, "POST", "/v1/targets/star/snapshots",
                                orjson.dumps(snapshot_document(day, 12, 12)))
            assert status == 201, body
            labels += [{"account": f"d{day}g{i}", "label": "genuine"} for i in range(12)]
            labels += [{"account": f"d{day}b{i}", "label": "mass_follow"} for i in range(12)]
        assert call(server, "POST", "/v1/labels", orjson.dumps(labels))[0] == 201
        before = call(server, "GET", "/v1/model")[1]["id"]
        result = CliRunner().invoke(main, [
            "train", "--labels", "--database", url, "--out", str(tmp_path / "candidate"),
            "--promote", "--server", server.url, "--admin-key", ADMIN, *QUICK])
        assert result.exit_code == 0, result.output
        assert "candidate is better" in result.output and "promoted:" in result.output
        candidate = FollowerClassifier.load(tmp_path / "candidate").metadata_["id"]
        served = {call(server, "GET", "/v1/model")[1]["id"] for _ in range(8)}
        assert served == {candidate} != {before}
        versions = call(server, "GET", "/v1/models")[1]["versions"]
        assert [v["id"] for v in versions if v["live"]] == [candidate]
        assert versions[0]["metrics"]["labels"]["better"] is True
        rollback = urllib.request.Request(f"{server.url}/v1/admin/rollback", method="POST",
                                          headers={"X-API-Key": ADMIN})
        with urllib.request.urlopen(rollback, timeout=60) as response:
            assert response.status == 200
        assert {call(server, "GET", "/v1/model")[1]["id"] for _ in range(8)} == {before}
