"""The data users actually have, at scale: a follower list imported and audited.

1. ``ffd import twitter-v1`` of a synthetic list of ``followers`` ids (``followers/ids``
   pages, newest first) with one v1.1 user object each (``benchmarks.importers``), into
   a Parquet directory; then ``ffd audit`` of it with the default model. Each command runs
   in a fresh child process that reports its own peak RSS (``ru_maxrss``), so its wall
   time and peak memory are its own, interpreter and imports included. The audit
   estimates follow times from the order, scans for campaigns and draws the follower
   map, as for any collected list.
2. ``POST /v1/audit`` of a simulated ``api_followers``-follower audience seen as its
   follower list (ranks, no times), in process through Flask's test client, best and
   median of ``repeats``.

Issue 16's budget: import + audit of 1,000,000 followers <= 60 s and <= 8 GB on 2 cores;
a 30,000-follower audit through the API <= 2 s.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks.perf.common import ROOT

#: Runs one ``ffd`` command in this child and reports its own peak RSS (bytes on Linux:
#: kilobytes) after it returns, so no other process's peak is mixed in.
_CHILD = ("import json, resource, sys, time\n"
          "from training.cli import main\n"
          "start = time.perf_counter()\n"
          "main(sys.argv[1:], standalone_mode=False)\n"
          "print(json.dumps({'seconds': time.perf_counter() - start, 'peak_kb': "
          "resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}), file=sys.stderr)\n")


def _child(argv: list[str]) -> dict[str, float]:
    """Run ``ffd ARGV`` in a fresh child; its wall seconds (start included) and peak RSS."""
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", _CHILD, *argv], check=True, cwd=ROOT,
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    own = json.loads(done.stderr.strip().splitlines()[-1])
    return {"seconds": round(time.perf_counter() - start, 1),
            "command_seconds": round(own["seconds"], 1),
            "peak_mb": round(own["peak_kb"] / 1024)}


def import_and_audit(model: Path, followers: int) -> dict[str, Any]:
    from benchmarks.importers import write_inputs

    with tempfile.TemporaryDirectory(prefix="ffd-followers-") as tmp:
        directory = Path(tmp)
        inputs = write_inputs(directory, followers, seed=0, lean=False)
        pages = [arg for page in inputs["pages"] for arg in ("--follower-ids", page)]
        graph = directory / "graph"
        imported = _child(["import", "twitter-v1", "--users", inputs["users"], *pages,
                           "--target", inputs["target"], "--out", str(graph)])
        audited = _child(["audit", str(graph), "--model", str(model), "--json",
                          "--out", str(directory / "audit.json")])
        answer = json.loads((directory / "audit.json").read_text())
    return {"followers": followers, "users_mb": inputs["users_mb"], "import": imported,
            "audit": audited, "total_seconds": round(imported["seconds"] + audited["seconds"], 1),
            "campaigns": len(answer["campaigns"]),
            "map_points": (answer.get("follower_map") or {}).get("shown")}


def api_audit(model: Path, followers: int, repeats: int = 5) -> dict[str, Any]:
    import orjson
    import torch

    from api.app import create_app
    from detector.io import graph_to_document
    from training.simulator import SimConfig, simulate
    from training.simulator.view import View, observe

    torch.set_num_threads(1)
    audience = simulate(SimConfig(accounts=followers + 1, seed=3, audit_of="star"))
    seen = observe(audience, View("follower_list"), np.random.default_rng(0))
    doc = graph_to_document(seen)
    body = orjson.dumps(doc)
    client = create_app({"MODEL_DIR": str(model), "TESTING": True}).test_client()
    seconds = []
    for _ in range(repeats):
        start = time.perf_counter()
        response = client.post("/v1/audit", data=body, content_type="application/json")
        seconds.append(time.perf_counter() - start)
        if response.status_code != 200:
            raise RuntimeError(f"audit answered {response.status_code}: {response.data[:300]}")
    answer = response.get_json()
    return {"followers": followers, "body_mb": round(len(body) / 2**20, 1),
            "best_s": round(min(seconds), 2), "median_s": round(float(np.median(seconds)), 2),
            "response_mb": round(len(response.data) / 2**20, 2),
            "campaigns": len(answer["campaigns"]), "server_timing": response.headers.get(
                "Server-Timing")}


def measure(model: Path, followers: int, api_followers: int) -> dict[str, Any]:
    return {"api": api_audit(model, api_followers),
            "import_audit": import_and_audit(model, followers)}
