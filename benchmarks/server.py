"""The real server in a child process: ``ffd serve`` (gunicorn) on a free 127.0.0.1 port.

    with ServerProcess(model_dir, workers=2) as server:
        server.port, server.pid, server.workers()

Only ever binds 127.0.0.1. Stopped with SIGTERM (gunicorn's graceful stop), then
SIGKILL to the whole process group if it has not exited within 30 s.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import psutil

HOST = "127.0.0.1"


def free_port() -> int:
    """A TCP port nobody listens on at the moment."""
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


class ServerProcess:
    """``ffd serve --host 127.0.0.1`` for the duration of a ``with`` block."""

    def __init__(self, model: str | os.PathLike | None, workers: int = 2,
                 env: dict[str, str] | None = None, ready_timeout: float = 120.0) -> None:
        self.model, self.workers_wanted = model, workers
        self.env, self.ready_timeout = env or {}, ready_timeout
        self.port = free_port()
        self.proc: subprocess.Popen | None = None

    @property
    def pid(self) -> int:
        """The gunicorn master's process id."""
        assert self.proc is not None
        return self.proc.pid

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def workers(self) -> list[int]:
        """Process ids of the live gunicorn workers."""
        try:
            return [p.pid for p in psutil.Process(self.pid).children()
                    if p.status() != psutil.STATUS_ZOMBIE]
        except psutil.NoSuchProcess:
            return []

    def log_text(self) -> str:
        self.log.flush()
        return Path(self.log.name).read_text(errors="replace")

    def __enter__(self) -> ServerProcess:
        command = [sys.executable, "-c", "import sys; from training.cli import main; "
                   "sys.exit(main())", "serve", "--host", HOST, "--port", str(self.port),
                   "--workers", str(self.workers_wanted)]
        if self.model is not None:
            command += ["--model", str(self.model)]
        self.log = tempfile.NamedTemporaryFile("w+", prefix="ffd-server-", suffix=".log")  # noqa: SIM115
        self.proc = subprocess.Popen(command, stdout=self.log, stderr=subprocess.STDOUT,
                                     env={**os.environ, **self.env}, start_new_session=True)
        try:
            self._wait_ready()
        except BaseException:
            self.stop()
            raise
        return self

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + self.ready_timeout
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited with {self.proc.returncode}:\n"
                                   f"{self.log_text()[-3000:]}")
            try:
                with urllib.request.urlopen(f"{self.url}/readyz", timeout=5) as response:
                    if response.status == 200 and len(self.workers()) == self.workers_wanted:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"server not ready in {self.ready_timeout:.0f} s:\n"
                                   f"{self.log_text()[-3000:]}")
            time.sleep(0.25)

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)

    def __exit__(self, *exc_info: object) -> None:
        self.stop()
        self.log.close()
