"""API latency and throughput: audits posted to the real gunicorn server (``ffd serve``)
on 127.0.0.1 by concurrent clients.

Each client thread sends one request at a time (a new connection each: gunicorn's sync
workers close it after the response). A run stops after ``max_requests`` requests or
``max_seconds``, whichever comes first, after a short warm-up. Client-side latency
includes queueing at the server; server-side latency is the ``total`` of the server's
own ``Server-Timing`` header (time inside the Flask app).
"""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks.perf.common import ROOT


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """``ffd serve`` in a child process; ``with Server(model) as s: s.port``."""

    def __init__(self, model: Path, workers: int = 2) -> None:
        self.model, self.workers, self.port = model, workers, free_port()
        self.proc: subprocess.Popen | None = None

    def __enter__(self) -> Server:
        ffd = Path(sys.executable).with_name("ffd")
        self.log = open(ROOT / "var" / "bench" / "server.log", "wb")  # noqa: SIM115
        self.proc = subprocess.Popen(
            [str(ffd), "serve", "--host", "127.0.0.1", "--port", str(self.port),
             "--workers", str(self.workers), "--model", str(self.model)],
            stdout=self.log, stderr=subprocess.STDOUT, cwd=ROOT,
            env={**os.environ, "FFD_MAX_BODY_BYTES": str(200 * 2**20)},
            start_new_session=True,
        )
        deadline = time.monotonic() + 180
        ready = 0
        while ready < 2 * self.workers:  # every worker has loaded the model (probably)
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.__exit__()
                raise RuntimeError(f"ffd serve did not become ready; see {self.log.name}")
            try:
                status, _, _ = request(self.port, "GET", "/readyz", None)
                ready = ready + 1 if status == 200 else 0
            except OSError:
                time.sleep(0.5)
        return self

    def __exit__(self, *exc: object) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)  # gunicorn's graceful stop
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


def request(port: int, method: str, path: str, body: bytes | None,
            timeout: float = 120) -> tuple[int, float, float | None]:
    """One request: (status, client seconds, server ``total`` ms or None)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    start = time.perf_counter()
    try:
        headers = {"Content-Type": "application/json"} if body is not None else {}
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        response.read()
        elapsed = time.perf_counter() - start
        return response.status, elapsed, _server_total(response.getheader("Server-Timing"))
    finally:
        conn.close()


def _server_total(header: str | None) -> float | None:
    for part in (header or "").split(","):
        name, _, dur = part.strip().partition(";dur=")
        if name == "total" and dur:
            return float(dur)
    return None


def load(port: int, body: bytes, clients: int, max_requests: int,
         max_seconds: float, warmup: int = 4) -> dict[str, Any]:
    """Post ``body`` to ``/v1/audit`` from ``clients`` threads; latency and throughput."""
    for _ in range(warmup):
        request(port, "POST", "/v1/audit", body)
    lock = threading.Lock()
    done: list[tuple[int, float, float | None]] = []
    stop_at = time.perf_counter() + max_seconds

    def client() -> None:
        while time.perf_counter() < stop_at:
            with lock:
                if len(done) >= max_requests:
                    return
                done.append((0, 0.0, None))  # reserve a slot
                slot = len(done) - 1
            done[slot] = request(port, "POST", "/v1/audit", body)

    start = time.perf_counter()
    threads = [threading.Thread(target=client) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - start
    ok = [d for d in done if d[0] == 200]
    client_ms = np.array([d[1] * 1000 for d in ok])
    server_ms = np.array([d[2] for d in ok if d[2] is not None])
    pct = lambda a, q: round(float(np.percentile(a, q)), 1) if len(a) else None  # noqa: E731
    return {
        "clients": clients,
        "requests": len(done),
        "errors": len(done) - len(ok),
        "seconds": round(elapsed, 2),
        "req_per_s": round(len(ok) / elapsed, 1),
        "client_p50_ms": pct(client_ms, 50),
        "client_p99_ms": pct(client_ms, 99),
        "server_p50_ms": pct(server_ms, 50),
        "server_p99_ms": pct(server_ms, 99),
    }


def measure(model: Path, sizes: list[int], clients: int, max_requests: dict[int, int],
            max_seconds: float, workers: int = 2) -> list[dict[str, Any]]:
    """One load run per audit size against one server."""
    from benchmarks.perf.data import audit_document

    documents = {n: audit_document(n) for n in sizes}
    rows = []
    with Server(model, workers) as server:
        for n in sizes:
            body = documents[n].read_bytes()
            import orjson

            doc = orjson.loads(body)
            result = load(server.port, body, clients, max_requests[n], max_seconds)
            rows.append({"accounts": len(doc["accounts"]), "edges": len(doc["edges"]),
                         "body_mb": round(len(body) / 2**20, 2), "workers": workers, **result})
    return rows
