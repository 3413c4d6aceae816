"""End-to-end batch scoring: the real ``ffd score`` command on community graphs of
increasing size (about 10 edges per account), plus the per-stage split of the same path.

Each run is a fresh process: the wall time includes interpreter start and imports, as a
user of the command sees it, and the peak resident memory is that of the command alone.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from benchmarks.perf.common import CACHE, ROOT, measured_command, median

STAGES = ROOT / "benchmarks" / "perf" / "stages.py"


def ffd_score(model: Path, data: Path, out: Path) -> dict[str, float]:
    """One ``ffd score`` run: seconds and peak RSS (MB)."""
    ffd = Path(sys.executable).with_name("ffd")
    result = measured_command([str(ffd), "score", "--model", str(model), "--data", str(data),
                               "--out", str(out)])
    return {"seconds": result.seconds, "peak_rss_mb": result.peak_rss_mb}


def staged(root: Path, model: Path, data: Path, out: Path,
           profile: Path | None = None) -> dict[str, Any]:
    """The per-stage split (``benchmarks/perf/stages.py score``) against source ``root``."""
    out.parent.mkdir(parents=True, exist_ok=True)
    args = [sys.executable, str(STAGES), "score", str(root), str(model), str(data), str(out)]
    if profile is not None:
        args += ["--profile", str(profile)]
    result = measured_command(args)
    return {**result.value, "peak_rss_mb": round(result.peak_rss_mb, 1)}


def sage_floor(data: Path) -> dict[str, Any]:
    """The model-pass floor on the same graph (``benchmarks/perf/stages.py floor``)."""
    result = measured_command([sys.executable, str(STAGES), "floor", str(ROOT), str(data)])
    return {**result.value, "peak_rss_mb": round(result.peak_rss_mb, 1)}


def measure(sizes: dict[int, int], model: Path) -> list[dict[str, Any]]:
    """Median ``ffd score`` time and peak RSS per size (size -> repeats), with one staged
    run each and, in the same run, the SAGE floor: ``ratio`` is the median command time
    over the floor's best forward pass (issue 17 asks for at most 3 at 1M accounts)."""
    from benchmarks.perf.data import graph_dir

    rows = []
    out_dir = CACHE / "scores"
    out_dir.mkdir(parents=True, exist_ok=True)
    for accounts, repeats in sizes.items():
        data = graph_dir(accounts)
        out = out_dir / f"scores-{accounts}.parquet"
        runs = [ffd_score(model, data, out) for _ in range(repeats)]
        split = staged(ROOT, model, data, out_dir / f"staged-{accounts}.parquet")
        bare = sage_floor(data)
        seconds = median([r["seconds"] for r in runs])
        rows.append({
            "accounts": accounts,
            "edges": split["edges"],
            "repeats": repeats,
            "seconds": round(seconds, 2),
            "runs": [round(r["seconds"], 2) for r in runs],
            "peak_rss_mb": round(median([r["peak_rss_mb"] for r in runs]), 1),
            "stages": split["stages"],
            "staged_peak_rss_mb": split["peak_rss_mb"],
            "floor_seconds": bare["seconds"],
            "floor_runs": bare["runs"],
            "ratio": round(seconds / bare["seconds"], 2),
        })
    return rows


