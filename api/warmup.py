"""Warm a worker up before it takes traffic.

The first request a fresh gunicorn worker answered took about 280 ms against a p50 of
31 ms (40 sequential 1,000-account predictions, issue "Trust on real data"): the first
pass through torch, numpy, msgspec and the scoring code pays for lazy imports, kernel
set-up and allocator growth. ``warm_up`` runs that first pass on a shipped example, in
the worker, before gunicorn hands it a connection: the typed reader, the features, the
model, the reasons, the audit and the JSON encoder, exactly as a request runs them.
Nothing is sent anywhere, and nothing is stored.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path

import orjson
from flask import Flask

from api.audit import audit_body
from api.model import EXTENSION
from api.scoring import account_records, score
from detector.io import parse_json
from detector.typed import build, decode
from detector.validate import parse_graph

log = logging.getLogger(__name__)
#: The example scored at start: a 1,000-follower audience, the size the API is tuned for.
WARM_UP_EXAMPLE = Path(__file__).parent / "examples" / "audit-clean.json"


def warm_up(app: Flask, example: Path = WARM_UP_EXAMPLE) -> float | None:
    """Score ``example`` once through the request path; returns the seconds it took,
    or ``None`` when the app has no model to warm up (it answers 503 anyway) or its
    ``WARM_UP`` setting is off (``FFD_WARM_UP=false``)."""
    loaded = app.extensions[EXTENSION].current
    if loaded is None or not app.config.get("WARM_UP", True):
        return None
    start = time.perf_counter()
    data = example.read_bytes()
    typed = decode(data)
    graph = build(typed) if typed is not None else None
    if graph is None:
        graph = parse_graph(parse_json(data))
    with app.app_context():
        body, _ = audit_body(graph, loaded, 20)
        records = account_records(score(graph, loaded))
        orjson.dumps([body, records], option=orjson.OPT_SERIALIZE_NUMPY)
    seconds = time.perf_counter() - start
    log.info("worker warmed up in %.0f ms on %s", 1000 * seconds, example.name)
    return seconds
