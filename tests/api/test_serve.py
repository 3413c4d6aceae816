"""``ffd serve``: options, the printed example, and the real gunicorn server on loopback."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from api.serve import EXAMPLE, ServeConfig, curl_example, gunicorn_options
from tests.api.raw_http import read_answer
from training.cli import main


def test_options_never_preload():
    options = gunicorn_options(ServeConfig(port=8123, workers=3))
    assert options["bind"] == "127.0.0.1:8123"
    assert options["workers"] == 3
    assert options["preload_app"] is False
    assert options["worker_class"] == "api.worker.ProblemWorker"


def test_curl_example_posts_a_shipped_file(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)  # outside the repository: the path must be absolute
    command = curl_example("0.0.0.0", 8000)
    assert command.startswith("curl -s -X POST 'http://127.0.0.1:8000/v1/audit?limit=5'")
    assert command.endswith(f"@{EXAMPLE}")
    assert EXAMPLE.exists()


def test_cli_help_lists_the_options(runner):
    result = runner.invoke(main, ["serve", "--help"])
    assert result.exit_code == 0
    for option in ("--host", "--port", "--workers", "--model"):
        assert option in result.output


def test_cli_refuses_zero_workers(runner):
    result = runner.invoke(main, ["serve", "--workers", "0"])
    assert result.exit_code == 2
    assert "--workers" in result.output


def test_a_port_in_use_is_one_clear_error_before_gunicorn_starts(runner, monkeypatch):
    import api.serve

    monkeypatch.setattr(api.serve, "Server", lambda *_: pytest.fail("gunicorn started"))
    with socket.socket() as held:
        held.bind(("127.0.0.1", 0))
        held.listen()
        port = held.getsockname()[1]
        result = runner.invoke(main, ["serve", "--port", str(port)])
    assert result.exit_code == 2
    assert f"cannot serve on 127.0.0.1:{port}: another process listens there" in result.output


def test_a_host_that_does_not_resolve_is_one_clear_error(runner):
    result = runner.invoke(main, ["serve", "--host", "no-such-host.invalid", "--port", "8123"])
    assert result.exit_code == 2
    assert "cannot serve on no-such-host.invalid:8123" in result.output


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str, data: bytes | None = None) -> tuple[int, dict, dict]:
    request = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, dict(response.headers), json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), json.loads(exc.read())


def _raw(port: int, request: bytes) -> tuple[int, dict, dict]:
    """Send bytes as they are (no client library would send them) and read the answer."""
    with socket.create_connection(("127.0.0.1", port), timeout=30) as s:
        s.sendall(request)
        line, headers, body = read_answer(s)
    return int(line.split()[1]), headers, body


@pytest.mark.server
@pytest.mark.slow
def test_real_server_answers_the_example(model_dir: Path, tmp_path: Path):
    port = _free_port()
    log = (tmp_path / "server.log").open("w+")
    env = {**os.environ, "FFD_MAX_ACCOUNTS": "5000"}
    command = [sys.executable, "-c", "import sys; from training.cli import main; sys.exit(main())",
               "serve", "--port", str(port), "--workers", "1", "--model", str(model_dir)]
    server = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env,
                              start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 150
        while True:
            assert server.poll() is None, log.seek(0) or log.read()
            try:
                if _get(f"{base}/readyz")[0] == 200:
                    break
            except (urllib.error.URLError, ConnectionError):
                pass
            assert time.monotonic() < deadline, "server not ready in 150 s"
            time.sleep(0.25)
        status, headers, body = _get(f"{base}/v1/audit?limit=5", EXAMPLE.read_bytes())
        assert status == 200
        assert len(body["suspicious_followers"]) == 5
        assert "model;dur=" in headers["Server-Timing"]
        status, headers, body = _get(f"{base}/v1/predict", b"{not json")
        assert status == 400 and headers["Content-Type"] == "application/problem+json"
        # What gunicorn refuses before the app sees it comes in the same shape.
        for raw, code in ((b"POST /v1/predict HTTP/1.1\r\nHost: x\r\n"
                           b"Content-Length: ten\r\n\r\n", 400),
                          (b"GET /" + b"a" * 9_000 + b" HTTP/1.1\r\nHost: x\r\n\r\n", 414)):
            status, headers, body = _raw(port, raw)
            assert status == code, body
            assert headers["content-type"] == "application/problem+json"
            assert body["type"] == "/docs#problem-bad-request" and body["status"] == code
            assert body["detail"] and body["errors"] == []
        log.seek(0)
        assert curl_example("127.0.0.1", port) in log.read()
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=10)
        log.close()
