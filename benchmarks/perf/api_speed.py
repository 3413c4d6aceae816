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
                status, *_ = request(self.port, "GET", "/readyz", None)
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
            timeout: float = 120) -> tuple[int, float, float | None, float | None]:
    """One request: (status, client seconds, server ``total`` ms, server ``cpu`` ms); the
    last two None when the response has no ``Server-Timing``."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    start = time.perf_counter()
    try:
        headers = {"Content-Type": "application/json"} if body is not None else {}
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        response.read()
        elapsed = time.perf_counter() - start
        header = response.getheader("Server-Timing")
        return (response.status, elapsed, _server_timing(header, "total"),
                _server_timing(header, "cpu"))
    finally:
        conn.close()


def _server_timing(header: str | None, metric: str) -> float | None:
    for part in (header or "").split(","):
        name, _, dur = part.strip().partition(";dur=")
        if name == metric and dur:
            return float(dur)
    return None


def load(port: int, body: bytes, clients: int, max_requests: int,
         max_seconds: float, warmup: int = 4) -> dict[str, Any]:
    """Post ``body`` to ``/v1/audit`` from ``clients`` threads; latency and throughput."""
    for _ in range(warmup):
        request(port, "POST", "/v1/audit", body)
    lock = threading.Lock()
    done: list[tuple[int, float, float | None, float | None]] = []
    stop_at = time.perf_counter() + max_seconds

    def client() -> None:
        while time.perf_counter() < stop_at:
            with lock:
                if len(done) >= max_requests:
                    return
                done.append((0, 0.0, None, None))  # reserve a slot
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
    cpu_ms = np.array([d[3] for d in ok if d[3] is not None])
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
        "server_cpu_p50_ms": pct(cpu_ms, 50),
    }


#: Figures of a load run summarised over rounds by their median.
FIGURES = ("req_per_s", "client_p50_ms", "client_p99_ms", "server_p50_ms", "server_p99_ms",
           "server_cpu_p50_ms")


def measure(model: Path, sizes: list[int], clients: int, max_requests: dict[int, int],
            max_seconds: float, workers: int = 2, rounds: int = 3) -> list[dict[str, Any]]:
    """``rounds`` load runs per audit size against one server, the sizes in turn each
    round, so that a slow spell of this shared machine falls on every size alike. Each
    row holds the median over its rounds of every figure, and each round's own figures."""
    import orjson

    from benchmarks.perf.data import audit_document

    bodies = {n: audit_document(n).read_bytes() for n in sizes}
    runs: dict[int, list[dict[str, Any]]] = {n: [] for n in sizes}
    with Server(model, workers) as server:
        for _ in range(rounds):
            for n in sizes:
                runs[n].append(load(server.port, bodies[n], clients, max_requests[n],
                                    max_seconds))
    rows = []
    for n in sizes:
        doc = orjson.loads(bodies[n])
        median = {key: _median([run[key] for run in runs[n]]) for key in FIGURES}
        rows.append({
            "accounts": len(doc["accounts"]), "edges": len(doc["edges"]),
            "body_mb": round(len(bodies[n]) / 2**20, 2), "workers": workers,
            "clients": clients, "requests": sum(run["requests"] for run in runs[n]),
            "errors": sum(run["errors"] for run in runs[n]),
            "seconds": round(sum(run["seconds"] for run in runs[n]), 2),
            **median,
            "rounds": [{key: run[key] for key in FIGURES} for run in runs[n]],
        })
    return rows


def _median(values: list[float | None]) -> float | None:
    known = [v for v in values if v is not None]
    return round(float(np.median(known)), 1) if known else None
