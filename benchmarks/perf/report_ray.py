"""The Ray sections of docs/performance.md: ``ffd score --engine ray`` against the single
process (``ray``), and the largest graph scored here (``largest``)."""

from __future__ import annotations

from benchmarks.perf.markdown import gb as _gb
from benchmarks.perf.markdown import n as _n
from benchmarks.perf.markdown import table as _table

#: Largest Ray part's peak RSS / single-process peak, at 8 parts (issue 17).
PART_SHARE_GOAL = 0.25


def ray_section(r: dict) -> list[str]:
    if "local" not in r:  # a run of the old 2-hop engine
        return ["(measured with the 2-hop halo engine, since replaced; re-run the section)"]
    local = r["local"]
    return [
        f"{_n(r['accounts'])} accounts, {_n(r.get('edges', 0))} edges in {r['shards']}"
        f" Parquet shards, a local Ray instance with {r['cpus']} CPUs. Single-process"
        f" `ffd score` on the same graph: {local['seconds']} s, peak RSS"
        f" {_gb(local['peak_rss_mb'])} GB. Ray seconds"
        " exclude starting Ray; each part is one actor process, whose peak includes its"
        " imports (the start column below) and, from the features stage on, torch and the"
        " model (about 0.25 GB). One machine gives Ray no more cores than the single process"
        " has: the point is the memory per process.",
        "",
        "Parked runs (`--parked`) keep each part on disk between its stages and run the"
        " stages as tasks, two at a time: their \"largest part\" is the largest task"
        " process, which ran stages of many parts. Runs with `--ray-data` compute the"
        " one-hop, lockstep and creation columns on Ray Data's tasks and shuffle actors,"
        " which are no part: \"largest process\" is the largest RSS sampled every 0.2 s"
        " over every process of the run but the driver (Ray's daemons included).",
        "",
        *_table(["parts", "parts are", "seconds", "driver peak (GB)", "largest part peak (GB)",
                 "largest part / single process", "largest process (GB)",
                 "largest process / single process", "halo rows (largest part)",
                 "max abs diff vs one process"],
                [[x["partitions"], _kind(x),
                  x["seconds"], _gb(x["driver_peak_rss_mb"]),
                  _gb(x["largest_part_peak_rss_mb"]),
                  f"{x.get('largest_part_share_of_local', float('nan')):.0%}",
                  _gb(x.get("largest_process_sampled_mb", float("nan"))),
                  f"{_process_share(r, x):.0%}",
                  _n(max(p["halo"] for p in x["parts"])),
                  f"{x['max_abs_diff']:.1e}" if "max_abs_diff" in x else "-"]
                 for x in sorted(r["runs"], key=_order) if "error" not in x]),
        *[f"\n{x['partitions']} parts: failed (`{x['error'][-300:]}`)"
          for x in r["runs"] if "error" in x],
        *_ray_largest(r.get("largest")),
        "",
        *_ray_goals(r),
        "",
        "Peak RSS (GB) of the largest part after each stage (`training/partwise/worker.py`),"
        " and the least memory the machine had available during the run (all parts run on"
        " it at once):",
        "",
        *_table(["parts", "parts are", "start (imports)", "ingest", "receive", "inbound",
                 "features", "rounds", "machine available (GB)"],
                [[x["partitions"], _kind(x),
                  *[_gb(_largest(x)["peaks"].get(stage, float("nan")))
                    for stage in ("start", "ingest", "receive", "inbound", "features",
                                  "rounds")],
                  _gb(x.get("least_available_mb", float("nan")))]
                 for x in sorted(r["runs"], key=_order)
                 if "error" not in x and "peaks" in x["parts"][0]]),
    ]


def _kind(run: dict) -> str:
    if run.get("parked"):
        return "parked"
    return "actors, Ray Data" if run.get("dataset") else "actors"


def _order(run: dict) -> tuple:
    return run.get("parked", False), run.get("dataset", False), run["partitions"]


def _process_share(r: dict, run: dict) -> float:
    """The run's largest sampled process against the single process's peak."""
    return run.get("largest_process_sampled_mb", float("nan")) / r["local"]["peak_rss_mb"]


def _ray_largest(big: dict | None) -> list[str]:
    """The largest graph scored (``largest``: a ``ray_speed.measure`` result with its
    ``command``, measured once and copied into the section by hand; with a ``commit``
    when the code it measured is older than the section's)."""
    if not big:
        return []
    rows = [x for x in big["runs"] if "error" not in x]
    before = (f" (measured before the part-memory changes, at commit {big['commit']}; not"
              f" re-measured since)" if "commit" in big else "")
    return ["", f"Largest graph scored{before}: {_n(big['accounts'])} accounts,"
            f" {_n(big['edges'])}"
            f" edges (`{big['command']}`): one process {big['local']['seconds']} s, peak"
            f" {_gb(big['local']['peak_rss_mb'])} GB; "
            + "; ".join(f"{x['partitions']} parts {x['seconds']} s, driver"
                        f" {_gb(x['driver_peak_rss_mb'])} GB, largest part"
                        f" {_gb(x['largest_part_peak_rss_mb'])} GB, max abs diff"
                        f" {x['max_abs_diff']:.1e}" for x in rows) + "."]


def largest_section(r: dict) -> list[str]:
    """The largest graph scored: ``ray_speed.measure`` over a union of worlds, parked."""
    per_world = r["accounts"] // max(r.get("worlds", 1), 1)
    return [
        f"{_n(r['accounts'])} accounts, {_n(r.get('edges', 0))} edges: {r.get('worlds', 1)}"
        f" simulated worlds of {_n(per_world)} accounts side by side"
        " (`benchmarks.perf.data.union_dir`, no edge between worlds), each cut into"
        f" {r['shards']} Parquet files of accounts and as many of edges; a local Ray instance"
        f" with {r['cpus']} CPUs and a {_store_gb(r)} GB object store that spills to disk;"
        " the parts parked on disk between their stages, two stages running at a time. No process"
        " here holds the whole graph, so there is no single-process run to compare with;"
        " the parked engine's scores equal the single process's in the tests and at"
        " 1,000,000 accounts above. \"Largest process\" is the largest RSS sampled over"
        " every process of the run (the raylet's includes the object store's pages).",
        "",
        *_table(["parts", "seconds", "driver peak (GB)", "largest task process peak (GB)",
                 "largest process sampled (GB)", "least memory available (GB)",
                 "halo rows (largest part)"],
                [[x["partitions"], x["seconds"], _gb(x["driver_peak_rss_mb"]),
                  _gb(x["largest_part_peak_rss_mb"]),
                  _gb(x.get("largest_process_sampled_mb", float("nan"))),
                  _gb(x.get("least_available_mb", float("nan"))),
                  _n(max(p["halo"] for p in x["parts"]))]
                 for x in r["runs"] if "error" not in x]),
        *[f"\n{x['partitions']} parts: failed (`{x['error'][-300:]}`)"
          for x in r["runs"] if "error" in x],
    ]


def _ray_goals(r: dict) -> list[str]:
    """Issue 17's goals, checked against the run of parts as actors with the most parts
    at 8 or fewer."""
    every = [x for x in r["runs"] if "error" not in x and "max_abs_diff" in x]
    runs = [x for x in every if not x.get("parked") and not x.get("dataset")]
    if not runs:
        return []
    x = max((x for x in runs if x["partitions"] <= 8), key=lambda x: x["partitions"],
            default=runs[0])
    share = x["largest_part_share_of_local"]
    met = lambda ok: "met" if ok else "missed"  # noqa: E731
    return [
        f"Goals at {x['partitions']} parts: largest part at most 25% of the single-process"
        f" peak: {share:.0%}, {met(share <= PART_SHARE_GOAL)}; driver at most 1 GB:"
        f" {_gb(x['driver_peak_rss_mb'])} GB, {met(x['driver_peak_rss_mb'] <= 1024)};"
        f" scores equal (at most 1e-5 apart): {x['max_abs_diff']:.1e},"
        f" {met(max(y['max_abs_diff'] for y in every) <= 1e-5)} (all runs).",
        *[f"With the feature pass on Ray Data at {y['partitions']} parts: largest process"
          f" {_process_share(r, y):.0%} of the single-process peak,"
          f" {met(_process_share(r, y) <= PART_SHARE_GOAL)}; {y['seconds']} s against"
          f" {x['seconds']} s." for y in every
          if y.get("dataset") and y["partitions"] == x["partitions"]],
    ]


def _largest(run: dict) -> dict:
    return max(run["parts"], key=lambda p: p["peak_rss_mb"])


def _store_gb(r: dict) -> str:
    """The runs' object store in GB (2 GB before the runs recorded it)."""
    mb = next((x["object_store_mb"] for x in r["runs"] if "object_store_mb" in x), 2048)
    return f"{mb / 1024:g}"
