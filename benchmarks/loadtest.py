"""Bounded load test of the real server: ``ffd serve`` (gunicorn) on 127.0.0.1, concurrent
clients sending a mix of valid audits, invalid requests and oversized bodies, for a
fixed time; then a report of requests, status codes, 5xx, dropped connections, latency
and the resident memory of the server's processes (master + workers).

    .venv/bin/python -m benchmarks.loadtest                      # 8 clients, 60 s
    .venv/bin/python -m benchmarks.loadtest --seconds 10 --json var/bench/load.json

Each client sends one request at a time on a new connection (gunicorn's sync workers
close it after the response). The mix, per request: 60% audits of the two shipped
examples (400 and 1,000 accounts), 30% invalid (malformed JSON 400, an invalid graph
422, a wrong content type 415), 10% bodies over the server's size limit (413). Every
kind has one expected status; anything else is counted as unexpected. Memory is the
sum of RSS over the server's processes, sampled every 0.5 s; growth compares the mean
of the first 10 s of load with the mean of the last 10 s (after a short warm-up that
sends every kind of request once per worker).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import psutil

from benchmarks.server import ServerProcess

EXAMPLES = Path(__file__).resolve().parents[1] / "api" / "examples"
BODY_LIMIT = 2 * 1024 * 1024  # the server's FFD_MAX_BODY_BYTES during the test


@dataclass
class LoadConfig:
    """What to run."""

    clients: int = 8  # concurrent client threads
    seconds: float = 60.0  # length of the measured load
    workers: int = 2  # gunicorn workers
    model: str | None = None  # model directory; None: $FFD_MODEL_DIR or var/models/default
    seed: int = 0  # request mix
    window: float = 10.0  # seconds averaged for the memory at start and at end


@dataclass
class LoadReport:
    """What was measured."""

    config: dict
    requests: int = 0
    per_second: float = 0.0
    statuses: dict[str, int] = field(default_factory=dict)
    by_kind: dict[str, dict[str, int]] = field(default_factory=dict)
    server_errors: int = 0  # 5xx answers
    dropped: int = 0  # connections that failed without an HTTP answer
    unexpected: int = 0  # answers with another status than the kind's expected one
    latency_ms: dict[str, float] = field(default_factory=dict)  # every request
    audit_latency_ms: dict[str, float] = field(default_factory=dict)  # valid audits only
    audit_server_ms: dict[str, float] = field(default_factory=dict)  # same, inside the app
    memory_mb_start: float = 0.0
    memory_mb_end: float = 0.0
    memory_growth: float = 0.0  # (end - start) / start
    errors: list[str] = field(default_factory=list)  # first few dropped-connection errors


def request_kinds() -> dict[str, tuple[float, int, str, bytes]]:
    """``kind -> (share, expected status, content type, body)``."""
    clean = (EXAMPLES / "audit-clean.json").read_bytes()
    doc = json.loads(clean)
    doc["edges"].append({"source": "nobody", "target": doc["target"], "type": "follow"})
    doc["accounts"][3]["followers_count"] = -5
    return {
        "audit-clean": (0.35, 200, "application/json", clean),
        "audit-influencer": (0.25, 200, "application/json",
                             (EXAMPLES / "audit-influencer.json").read_bytes()),
        "malformed-json": (0.10, 400, "application/json", clean[: len(clean) // 2]),
        "invalid-graph": (0.10, 422, "application/json", json.dumps(doc).encode()),
        "wrong-type": (0.10, 415, "text/csv", b"id,followers_count\nu1,3\n"),
        "oversized": (0.10, 413, "application/json", b" " * (BODY_LIMIT + 64 * 1024)),
    }


def send(port: int, content_type: str, body: bytes,
         timeout: float = 60.0) -> tuple[int, float, float | None]:
    """POST an audit: ``(status, client seconds, server seconds)``, the last from the
    ``total`` of the ``Server-Timing`` header. Raises on a dropped connection."""
    start = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        try:
            conn.request("POST", "/v1/audit?limit=5", body=body,
                         headers={"Content-Type": content_type})
            response = conn.getresponse()
        except (BrokenPipeError, ConnectionResetError):
            # A body over the limit is refused (413) before it is read, and the server
            # closes the connection after answering (RFC 9112, 9.6): a client still
            # sending then gets a broken pipe, but the answer is there to read. A body
            # of 20 MB always ends so; one just over 2 MB rarely, when the client sends
            # slowly. A connection that never answered still raises below.
            response = http.client.HTTPResponse(conn.sock, method="POST")
            response.begin()
        response.read()
        seconds = time.perf_counter() - start
        timing = response.getheader("Server-Timing") or ""
        total = [part for part in timing.split(", ") if part.startswith("total;dur=")]
        return response.status, seconds, float(total[0][10:]) / 1000 if total else None
    finally:
        conn.close()


def server_rss(pid: int) -> int:
    """Resident bytes of a process and all its descendants."""
    try:
        root = psutil.Process(pid)
        procs = [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return 0
    total = 0
    for proc in procs:
        try:
            total += proc.memory_info().rss
        except psutil.NoSuchProcess:
            pass
    return total


def _percentiles(values: list[float]) -> dict[str, float]:
    if not values:
        return {}
    ms = np.asarray(values) * 1000
    return {"p50": round(float(np.percentile(ms, 50)), 1),
            "p99": round(float(np.percentile(ms, 99)), 1),
            "max": round(float(ms.max()), 1)}


def run_load(config: LoadConfig, server: ServerProcess) -> LoadReport:
    """Drive ``server`` for ``config.seconds`` and measure (the server must be ready)."""
    kinds = request_kinds()
    names = list(kinds)
    shares = [kinds[k][0] for k in names]
    for name in names * config.workers:  # warm-up: every kind through every worker
        send(server.port, kinds[name][2], kinds[name][3])
    results: list[tuple[str, int | None, float, float | None]] = []
    errors: list[str] = []
    samples: list[tuple[float, int]] = []
    lock, stop = threading.Lock(), threading.Event()

    def client(seed: int) -> None:
        rng = random.Random(seed)
        while not stop.is_set():
            name = rng.choices(names, shares)[0]
            _, _, content_type, body = kinds[name]
            try:
                status, seconds, inside = send(server.port, content_type, body)
            except (OSError, http.client.HTTPException) as exc:
                status, seconds, inside = None, 0.0, None
                with lock:
                    errors.append(f"{name}: {type(exc).__name__}: {exc}")
            with lock:
                results.append((name, status, seconds, inside))

    def sample() -> None:
        while not stop.is_set():
            samples.append((time.monotonic(), server_rss(server.pid)))
            stop.wait(0.5)

    threads = [threading.Thread(target=client, args=(config.seed * 1000 + i,))
               for i in range(config.clients)]
    threads.append(threading.Thread(target=sample))
    start = time.monotonic()
    for thread in threads:
        thread.start()
    stop.wait(config.seconds)
    stop.set()
    for thread in threads:
        thread.join(120)
    elapsed = time.monotonic() - start
    return _report(config, kinds, results, errors, samples, start, elapsed)


def _report(config, kinds, results, errors, samples, start, elapsed) -> LoadReport:
    report = LoadReport(config=asdict(config), requests=len(results),
                        per_second=round(len(results) / elapsed, 1), errors=errors[:5])
    for name, status, _, _ in results:
        shown = str(status) if status is not None else "dropped"
        report.statuses[shown] = report.statuses.get(shown, 0) + 1
        per_kind = report.by_kind.setdefault(name, {})
        per_kind[shown] = per_kind.get(shown, 0) + 1
        report.dropped += status is None
        report.server_errors += status is not None and status >= 500
        report.unexpected += status is not None and status != kinds[name][1]
    report.latency_ms = _percentiles([s for _, status, s, _ in results if status is not None])
    report.audit_latency_ms = _percentiles([s for _, status, s, _ in results if status == 200])
    report.audit_server_ms = _percentiles([t for _, status, _, t in results
                                           if status == 200 and t is not None])
    first = [rss for t, rss in samples if t - start <= config.window]
    last = [rss for t, rss in samples if t - start >= elapsed - config.window]
    if first and last:
        report.memory_mb_start = round(float(np.mean(first)) / 2**20, 1)
        report.memory_mb_end = round(float(np.mean(last)) / 2**20, 1)
        report.memory_growth = round(report.memory_mb_end / report.memory_mb_start - 1, 4)
    return report


def summary(report: LoadReport) -> str:
    """The report in a few lines."""
    c = report.config
    return "\n".join([
        f"{report.requests:,} requests in {c['seconds']:.0f} s from {c['clients']} clients "
        f"({report.per_second} req/s) against {c['workers']} gunicorn workers",
        f"statuses {dict(sorted(report.statuses.items()))}; 5xx {report.server_errors}, "
        f"dropped connections {report.dropped}, unexpected statuses {report.unexpected}",
        f"latency (client side, every request) {report.latency_ms}; "
        f"valid audits {report.audit_latency_ms}, of which inside the app "
        f"{report.audit_server_ms}",
        f"server RSS (master + workers) {report.memory_mb_start} MiB over the first "
        f"{c['window']:.0f} s -> {report.memory_mb_end} MiB over the last "
        f"({100 * report.memory_growth:+.1f}%)",
    ])


def main(argv: list[str] | None = None) -> LoadReport:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    for name, default in asdict(LoadConfig()).items():
        parser.add_argument(f"--{name}", type=type(default) if default is not None else str,
                            default=default)
    parser.add_argument("--json", help="also write the report to this file")
    args = vars(parser.parse_args(argv))
    out = args.pop("json")
    config = LoadConfig(**args)
    env = {"FFD_MAX_BODY_BYTES": str(BODY_LIMIT)}
    with ServerProcess(config.model, workers=config.workers, env=env) as server:
        report = run_load(config, server)
    print(summary(report))
    if out:
        Path(out).parent.mkdir(parents=True, exist_ok=True)
        Path(out).write_text(json.dumps(asdict(report), indent=2) + "\n")
    return report


if __name__ == "__main__":
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    main()
