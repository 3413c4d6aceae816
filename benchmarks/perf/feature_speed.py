"""Feature extraction, ours (``detector.features``) against the straightforward networkx
version (``benchmarks.nx_features``), side by side in one process on the same graph.

Both must give the same numbers (``np.allclose``); the ratio is reported twice: for the
feature computation alone, and with the networkx graph's construction included (which a
networkx pipeline has to pay as well).
"""

from __future__ import annotations

import sys
import time
from typing import Any

from benchmarks.perf.common import emit, median, python_child


def measure(accounts: int, repeats: int, nx_repeats: int) -> dict[str, Any]:
    """Run the comparison in one child on the cached graph of ``accounts`` accounts."""
    from benchmarks.perf.data import graph_dir

    path = graph_dir(accounts)
    result = python_child("feature_speed", str(path), str(repeats), str(nx_repeats))
    return {**result.value, "peak_rss_mb": round(result.peak_rss_mb, 1)}


def _child(path: str, repeats: int, nx_repeats: int) -> None:
    import numpy as np

    from benchmarks.nx_features import nx_features, to_networkx
    from detector.features import FEATURE_NAMES, compute_features
    from detector.io import load_graph

    graph = load_graph(path)
    ours, x = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        x = compute_features(graph)
        ours.append(time.perf_counter() - start)
    build, theirs, y = [], [], None
    for _ in range(nx_repeats):
        start = time.perf_counter()
        g = to_networkx(graph)
        build.append(time.perf_counter() - start)
        start = time.perf_counter()
        y = nx_features(g)
        theirs.append(time.perf_counter() - start)
        del g
    close = np.isclose(x, y, rtol=1e-5, atol=1e-6)
    t_ours, t_nx, t_build = median(ours), median(theirs), median(build)
    emit({
        "accounts": graph.num_accounts,
        "edges": graph.num_edges,
        "features": len(FEATURE_NAMES),
        "ours_seconds": round(t_ours, 3),
        "ours_runs": [round(t, 3) for t in ours],
        "networkx_seconds": round(t_nx, 3),
        "networkx_build_seconds": round(t_build, 3),
        "ratio": round(t_nx / t_ours, 1),
        "ratio_with_build": round((t_nx + t_build) / t_ours, 1),
        "allclose": bool(close.all()),
        "max_abs_diff": float(np.abs(x.astype(np.float64) - y).max()),
        "mismatched_features": [FEATURE_NAMES[j] for j in np.flatnonzero(~close.all(axis=0))],
    })


if __name__ == "__main__":
    _child(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]))
