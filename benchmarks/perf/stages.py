"""Per-stage timings of the two hot paths, runnable against any checkout of the project.

    python benchmarks/perf/stages.py score ROOT MODEL GRAPH_DIR OUT [--profile FILE]
    python benchmarks/perf/stages.py audit ROOT MODEL DOCUMENT REQUESTS [--profile FILE]
    python benchmarks/perf/stages.py floor ROOT GRAPH_DIR

``ROOT`` is the source tree to import (``detector``, ``models``, ``api``): the current
one, or an older commit unpacked by ``benchmarks.perf.baseline`` to measure "before".
So this file imports nothing from ``benchmarks`` and only long-standing project APIs.

- ``score``: the ``ffd score`` path split into read (Parquet), validate (contract checks,
  ``graph_from_frames``), features (skipping the columns the model does not read, as
  ``FollowerClassifier.predict_proba`` does), model (normalise, tensors, forward pass)
  and write.
- ``audit``: ``POST /v1/audit`` through Flask's test client, in-process (one torch thread,
  as in a gunicorn worker); the stages are the server's own ``Server-Timing`` header.

- ``floor``: the model-pass floor of issue 17: a plain two-layer PyG ``SAGEConv`` forward
  (45 -> 64 -> 3, full batch, best of 3) over the graph's follow edges, random inputs.

The result is one line ``@@result {json}``; ``--profile`` also writes a pyinstrument
profile (text) of the run.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from contextlib import contextmanager
from pathlib import Path


def _emit(value: object) -> None:
    print("@@result " + json.dumps(value), flush=True)


@contextmanager
def _profiled(path: str | None):
    try:
        from pyinstrument import Profiler
    except ImportError:  # optional: pip install '.[bench]'
        path = None
    if path is None:
        yield
        return

    profiler = Profiler(interval=0.002)
    profiler.start()
    try:
        yield
    finally:
        profiler.stop()
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        Path(path).write_text(profiler.output_text(unicode=False, color=False, show_all=False))


def score(model: str, graph_dir: str, out: str, profile: str | None) -> dict:
    import numpy as np
    import pandas as pd

    from detector.features import compute_features
    from detector.frames import graph_from_frames
    from detector.validate import parse_timestamp
    from models.estimator import FollowerClassifier

    times: dict[str, float] = {}
    classifier = FollowerClassifier.load(model)
    path = Path(graph_dir)
    with _profiled(profile):
        clock = time.perf_counter()
        meta = json.loads((path / "graph.json").read_text())
        accounts = pd.read_parquet(path / "accounts.parquet")
        edges = pd.read_parquet(path / "edges.parquet")
        times["read"] = time.perf_counter() - clock

        clock = time.perf_counter()
        observed = parse_timestamp(meta.get("observed_at"))
        graph = graph_from_frames(accounts, edges, meta.get("target"),
                                  float("nan") if observed is None else observed)
        del accounts, edges
        times["validate"] = time.perf_counter() - clock

        clock = time.perf_counter()
        # As ``ffd score`` computes them: ``FollowerClassifier.features`` (without the
        # costly columns the model does not read, on torch's threads); older trees
        # without it skip what ``unread_features`` names, or compute them all.
        if hasattr(classifier, "features"):
            x = classifier.features(graph)
        elif hasattr(classifier, "unread_features"):
            x = compute_features(graph, skip=classifier.unread_features())
        else:
            x = compute_features(graph)
        times["features"] = time.perf_counter() - clock

        clock = time.perf_counter()
        proba = classifier.predict_proba(graph, features=x)
        times["model"] = time.perf_counter() - clock

        clock = time.perf_counter()
        classes = list(classifier.classes_)
        table = pd.DataFrame({"id": graph.ids.astype(str), "label": pd.Categorical.from_codes(
            proba.argmax(axis=1), categories=classes)})
        for c, name in enumerate(classes):
            table[f"p_{name}"] = proba[:, c]
        table.to_parquet(out, index=False)
        times["write"] = time.perf_counter() - clock
    return {"accounts": graph.num_accounts, "edges": graph.num_edges,
            "stages": {k: round(v, 3) for k, v in times.items()},
            "total": round(sum(times.values()), 3),
            "checksum": float(np.round(proba[:, 0].sum(), 3))}


def audit(model: str, document: str, requests: int, profile: str | None) -> dict:
    import torch

    torch.set_num_threads(1)  # as in each gunicorn worker (api.serve.limit_threads)
    from api.app import DEFAULTS, create_app

    app = create_app({**DEFAULTS, "MODEL_DIR": model, "MAX_BODY_BYTES": 200 * 2**20})
    client = app.test_client()
    body = Path(document).read_bytes()
    timings: dict[str, list[float]] = {}
    wall = []
    for i in range(requests + 2):  # two warm-up requests
        with _profiled(profile if i == requests + 1 else None):
            clock = time.perf_counter()
            response = client.post("/v1/audit?limit=20", data=body,
                                   content_type="application/json")
            elapsed = time.perf_counter() - clock
        if response.status_code != 200:
            raise SystemExit(f"audit answered {response.status_code}: {response.data[:500]!r}")
        if i < 2:
            continue
        wall.append(elapsed * 1000)
        for part in response.headers.get("Server-Timing", "").split(","):
            name, _, dur = part.strip().partition(";dur=")
            if dur:
                timings.setdefault(name, []).append(float(dur))
    doc = json.loads(body)
    return {"accounts": len(doc["accounts"]), "edges": len(doc.get("edges", [])),
            "requests": requests, "body_bytes": len(body),
            "stages_ms": {k: round(statistics.median(v), 2) for k, v in timings.items()},
            "stages_min_ms": {k: round(min(v), 2) for k, v in timings.items()},
            "samples_ms": {k: [round(x, 2) for x in v] for k, v in timings.items()},
            "wall_ms_p50": round(statistics.median(wall), 2)}


def floor(graph_dir: str, repeats: int = 3) -> dict:
    """Seconds of a bare 2-layer SAGE forward over the follow edges (best of ``repeats``)."""
    import numpy as np
    import pandas as pd
    import torch
    from torch_geometric.nn import SAGEConv

    path = Path(graph_dir)
    accounts = pd.read_parquet(path / "accounts.parquet", columns=["id"])["id"]
    edges = pd.read_parquet(path / "edges.parquet", columns=["source", "target", "type"])
    edges = edges[edges["type"] == "follow"]
    index = pd.Index(accounts)
    edge_index = torch.from_numpy(np.stack([index.get_indexer(edges["source"]),
                                            index.get_indexer(edges["target"])]))
    n = len(accounts)
    del accounts, edges, index
    torch.manual_seed(0)
    x = torch.randn(n, 45)
    first, second = SAGEConv(45, 64), SAGEConv(64, 3)
    runs = []
    with torch.inference_mode():
        for _ in range(repeats):
            clock = time.perf_counter()
            second(first(x, edge_index).relu(), edge_index)
            runs.append(time.perf_counter() - clock)
    return {"accounts": n, "follow_edges": int(edge_index.size(1)),
            "seconds": round(min(runs), 3), "runs": [round(r, 3) for r in runs],
            "threads": torch.get_num_threads()}


def main(argv: list[str]) -> None:
    profile = None
    if "--profile" in argv:
        at = argv.index("--profile")
        profile = argv[at + 1]
        argv = argv[:at] + argv[at + 2:]
    kind, root, *rest = argv
    sys.path.insert(0, str(Path(root).resolve()))
    if kind == "score":
        _emit(score(rest[0], rest[1], rest[2], profile))
    elif kind == "audit":
        _emit(audit(rest[0], rest[1], int(rest[2]), profile))
    elif kind == "floor":
        _emit(floor(rest[0]))
    else:
        raise SystemExit(f"unknown kind {kind!r}: score, audit or floor")


if __name__ == "__main__":
    main(sys.argv[1:])
