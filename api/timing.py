"""Per-request stage timings, sent back in the ``Server-Timing`` header.

``with stage("parse"): ...`` records how long a stage took; every response then carries
``Server-Timing: parse;dur=1.8, validate;dur=4.1, ..., cpu;dur=11.8, total;dur=12.0``
(milliseconds), which is how the benchmarks see where the time goes without a profiler.
``cpu`` is the CPU time the request's thread used, ``total`` the wall time: on a busy or
shared machine the gap is the time the thread waited for a core.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask, Response, g


@contextmanager
def stage(name: str) -> Iterator[None]:
    """Time the enclosed block as stage ``name`` of the current request."""
    start = time.perf_counter()
    try:
        yield
    finally:
        g.setdefault("timings", []).append((name, time.perf_counter() - start))


def _start() -> None:
    g.started = time.perf_counter()
    g.cpu_started = time.thread_time()


def _header(response: Response) -> Response:
    started = g.get("started")
    if started is None:
        return response
    parts = [f"{name};dur={seconds * 1000:.2f}" for name, seconds in g.get("timings", [])]
    parts.append(f"cpu;dur={(time.thread_time() - g.cpu_started) * 1000:.2f}")
    parts.append(f"total;dur={(time.perf_counter() - started) * 1000:.2f}")
    response.headers["Server-Timing"] = ", ".join(parts)
    return response


def init_app(app: Flask) -> None:
    app.before_request(_start)
    app.after_request(_header)
