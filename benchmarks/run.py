"""``python -m benchmarks.run --scale 1m``: measure everything docs/performance.md reports.

Sections (``--only`` picks some; results of the others are kept from the last run, so a
section can be re-measured alone when the machine is quiet):

- ``simulator``: accounts/s and peak memory of the simulator.
- ``features``: our vectorised features against a networkx version, same process.
- ``scoring``: the ``ffd score`` command end to end, and its per-stage split.
- ``training``: seconds per epoch and in total (default model; a large graph).
- ``api``: audit latency and throughput against the real gunicorn server.
- ``ray``: ``ffd score --engine ray`` on this machine against single-process ``ffd
  score``: time, the driver's and the largest part's peak memory, agreement; parts as
  actors, parked, and with the feature pass on Ray Data (``--ray-data``).
- ``largest``: the largest graph scored here: several simulated worlds side by side,
  ``ffd score --engine ray --parked`` (no single process holds it).
- ``hotpath``: before/after of the hot-path work (audit of 1,000 accounts, scoring),
  the "before" being ``benchmarks.perf.baseline.BASELINE`` run in the same conditions,
  with pyinstrument profiles of the current code in docs/profiles/.

Results go to docs/performance.json; docs/performance.md is rendered from it.
"""

from __future__ import annotations

import argparse
import shlex
import sys
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import orjson

from benchmarks.perf.common import ROOT, load_average, machine

JSON_PATH = ROOT / "docs" / "performance.json"
MD_PATH = ROOT / "docs" / "performance.md"
SECTIONS = ("simulator", "features", "scoring", "training", "api", "followers", "hotpath",
            "ray", "largest")


@dataclass(frozen=True)
class Scale:
    """Sizes and repeats of one run of the harness."""

    name: str
    simulator: dict[int, int]  # accounts -> repeats of the simulator run
    features: int  # accounts of the features comparison (about 10 edges each)
    feature_repeats: int
    nx_repeats: int
    scoring: dict[int, int]  # accounts -> repeats of the ffd score run
    train_large: dict[int, int]  # accounts -> epochs of the large training runs
    default_epochs: int | None  # None: train the default model as configured
    api: list[int]  # accounts per audit
    api_requests: dict[int, int]  # most requests per audit size
    api_seconds: float  # longest load run per audit size
    api_clients: int
    api_rounds: int  # load runs per audit size (the figures are their medians)
    hotpath_score: int  # accounts of the scoring before/after
    ray: int = 100_000  # accounts of the Ray engine run
    ray_parts: tuple[int, ...] = (2, 8)  # parts of each Ray engine run, in run order
    ray_shards: int = 8  # Parquet files of accounts and of edges of its input
    ray_parked: tuple[int, ...] = (8,)  # parts of the runs with the parts parked on disk
    ray_data: tuple[int, ...] = (8,)  # parts of the runs with the feature pass on Ray Data
    # The largest graph: worlds x accounts per world, cut into parts, parked.
    largest: tuple[int, int, int] = (10_000, 3, 4)
    audit_requests: int = 30  # in-process audits per before/after measurement
    followers: int = 100_000  # followers of the imported and audited list
    api_followers: int = 30_000  # followers of the list audited through the API
    extra: dict[str, Any] = field(default_factory=dict)


SCALES = {
    "small": Scale(name="small", simulator={10_000: 3, 100_000: 1}, features=10_000,
                   feature_repeats=3, nx_repeats=1, scoring={10_000: 3, 100_000: 1},
                   train_large={100_000: 2}, default_epochs=5, api=[100, 1_000],
                   api_requests={100: 200, 1_000: 100}, api_seconds=10.0, api_clients=4,
                   api_rounds=1, hotpath_score=100_000, audit_requests=10, ray=10_000),
    "1m": Scale(name="1m", simulator={100_000: 3, 1_000_000: 1}, features=100_000,
                feature_repeats=3, nx_repeats=1,
                scoring={10_000: 3, 100_000: 3, 1_000_000: 2},
                train_large={100_000: 3, 300_000: 2, 1_000_000: 1}, default_epochs=None,
                api=[100, 1_000, 10_000],
                api_requests={100: 600, 1_000: 400, 10_000: 40}, api_seconds=20.0,
                api_clients=4, api_rounds=5, hotpath_score=1_000_000, audit_requests=30,
                ray=1_000_000, ray_parts=(8, 2, 16), ray_shards=16, followers=1_000_000,
                largest=(2_000_000, 5, 16)),
}


def run_section(name: str, scale: Scale) -> Any:
    """Measure one section and return its JSON-ready result."""
    from benchmarks.perf import api_speed, feature_speed, score_speed, sim_speed, train_speed
    from benchmarks.perf.data import model_dir

    if name == "simulator":
        return sim_speed.measure(scale.simulator)
    if name == "features":
        return feature_speed.measure(scale.features, scale.feature_repeats, scale.nx_repeats)
    if name == "scoring":
        return score_speed.measure(scale.scoring, model_dir())
    if name == "training":
        return {"default": train_speed.measure(None, scale.default_epochs),
                "large": [train_speed.measure(n, epochs)
                          for n, epochs in scale.train_large.items()]}
    if name == "api":
        return api_speed.measure(model_dir(), scale.api, scale.api_clients, scale.api_requests,
                                 scale.api_seconds, rounds=scale.api_rounds)
    if name == "followers":
        from benchmarks.perf import follower_list

        return follower_list.measure(model_dir(), scale.followers, scale.api_followers)
    if name == "hotpath":
        from benchmarks.perf.hotpath import measure

        return measure(model_dir(), scale.hotpath_score, scale.audit_requests)
    if name == "ray":
        from benchmarks.perf import ray_speed

        return ray_speed.measure(scale.ray, str(model_dir()), list(scale.ray_parts),
                                 scale.ray_shards, parked=scale.ray_parked,
                                 dataset_parts=scale.ray_data)
    if name == "largest":
        from benchmarks.perf import ray_speed

        accounts, worlds, parts = scale.largest
        return ray_speed.measure(accounts, str(model_dir()), [], 16, parked=(parts,),
                                 worlds=worlds)
    raise ValueError(f"unknown section {name!r}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", choices=sorted(SCALES), default="small")
    parser.add_argument("--only", nargs="+", choices=SECTIONS, default=list(SECTIONS))
    parser.add_argument("--fresh", action="store_true",
                        help="Forget results of sections not measured in this run.")
    args = parser.parse_args(argv)
    scale = SCALES[args.scale]
    command = "python -m benchmarks.run " + shlex.join(argv if argv is not None else sys.argv[1:])
    report = {} if args.fresh or not JSON_PATH.exists() else orjson.loads(JSON_PATH.read_bytes())
    report.setdefault("sections", {})
    report["machine"] = machine()
    for name in args.only:
        before = load_average()
        print(f"[{_now()}] {name} (scale {scale.name}; load average {before})", flush=True)
        start = time.perf_counter()
        result = run_section(name, scale)
        report["sections"][name] = {
            "scale": scale.name,
            "measured_at": _now(),
            "seconds": round(time.perf_counter() - start, 1),
            "load_before": before,
            "load_after": load_average(),
            "command": command,
            "commit": machine()["commit"],
            "cpu": machine()["cpu"],  # machines differ between sessions
            "result": result,
        }
        _save(report)  # a crash later keeps what was measured
        print(orjson.dumps(result, option=orjson.OPT_INDENT_2).decode(), flush=True)
    report["generated_at"] = _now()
    _save(report)
    print(f"wrote {JSON_PATH.relative_to(ROOT)} and {MD_PATH.relative_to(ROOT)}")
    return 0


def _save(report: dict) -> None:
    from benchmarks.perf.report import render

    JSON_PATH.parent.mkdir(parents=True, exist_ok=True)
    JSON_PATH.write_bytes(orjson.dumps(report, option=orjson.OPT_INDENT_2) + b"\n")
    MD_PATH.write_text(render(report))


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


if __name__ == "__main__":
    sys.exit(main())
