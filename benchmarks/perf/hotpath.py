"""Before/after of the hot-path work: the same measurements against the baseline commit
(``benchmarks.perf.baseline``) and the current tree, back to back, so both see the same
machine load. Profiles (pyinstrument, text) of the current code go to docs/profiles/.
"""

from __future__ import annotations

import statistics
import sys
from pathlib import Path
from typing import Any

from benchmarks.perf.baseline import BASELINE, baseline_tree
from benchmarks.perf.common import CACHE, ROOT, ChildError, measured_command
from benchmarks.perf.score_speed import STAGES, staged

PROFILES = ROOT / "docs" / "profiles"
#: The audit the API goal is stated for: 1,000 accounts, about 10,000 edges.
AUDIT_ACCOUNTS = 1_000
#: Alternating before/after rounds of the in-process audit measurement.
AUDIT_ROUNDS = 3


def audit_stages(root: Path, model: Path, document: Path, requests: int,
                 profile: Path | None = None) -> dict[str, Any]:
    args = [sys.executable, str(STAGES), "audit", str(root), str(model), str(document),
            str(requests)]
    if profile is not None:
        args += ["--profile", str(profile)]
    result = measured_command(args)
    return {**result.value, "peak_rss_mb": round(result.peak_rss_mb, 1)}


def measure(model: Path, score_accounts: int, audit_requests: int) -> dict[str, Any]:
    """Audit (in-process, 1,000 accounts) and scoring stages, before and after."""
    from benchmarks.perf.data import audit_document, graph_dir

    document, data = audit_document(AUDIT_ACCOUNTS), graph_dir(score_accounts)
    old = baseline_tree(BASELINE)
    out = {"baseline": BASELINE}
    runs = {
        "audit": lambda root, prof: audit_stages(root, model, document, audit_requests, prof),
        "score": lambda root, prof: staged(root, model, data,
                                           CACHE / "scores" / "hotpath.parquet", prof),
    }
    names = {"audit": f"audit-{AUDIT_ACCOUNTS}", "score": f"score-{score_accounts}"}
    for kind, run in runs.items():
        rounds = AUDIT_ROUNDS if kind == "audit" else 1
        befores, afters = [], []
        for i in range(rounds):  # alternate, so a change in load hits both sides alike
            try:
                befores.append(run(old, None))
            except ChildError as exc:  # e.g. the old code cannot read today's model
                befores.append({"error": str(exc)[-600:]})
            last = i == rounds - 1
            afters.append(run(ROOT, PROFILES / f"{names[kind]}.txt" if last else None))
        out[kind] = {"before": _pool(befores), "after": _pool(afters)}
    return out


def _pool(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """One result from alternating rounds: per-stage median and minimum over all requests."""
    if len(runs) == 1 or any("error" in r for r in runs):
        return runs[0]
    samples: dict[str, list[float]] = {}
    for r in runs:
        for stage, values in r.pop("samples_ms").items():
            samples.setdefault(stage, []).extend(values)
    pooled = dict(runs[-1])
    pooled.update(requests=sum(r["requests"] for r in runs), rounds=len(runs),
                  stages_ms={k: round(statistics.median(v), 2) for k, v in samples.items()},
                  stages_min_ms={k: round(min(v), 2) for k, v in samples.items()})
    return pooled
