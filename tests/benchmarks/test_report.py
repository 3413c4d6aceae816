"""docs/performance.md is rendered from the JSON, goals checked against the figures."""

from __future__ import annotations

from benchmarks.perf.report import render

MACHINE = {"cpu": "Test CPU", "cores": 2, "memory_gb": 8.0, "os": "Linux", "python": "3.11",
           "libraries": {"numpy": "2.0", "ray": None}, "commit": "abc1234", "dirty": False}


def section(result: object) -> dict:
    return {"scale": "small", "measured_at": "2026-01-01T00:00:00Z", "seconds": 1.0,
            "load_before": [0.5, 0.4, 0.3], "load_after": [1.0, 0.5, 0.3],
            "command": "python -m benchmarks.run --scale small", "result": result}


def test_goals_are_judged_from_the_numbers():
    features = {"accounts": 100, "edges": 1000, "features": 45, "ours_seconds": 0.1,
                "ours_runs": [0.1], "networkx_seconds": 1.5, "networkx_build_seconds": 0.5,
                "ratio": 15.0, "ratio_with_build": 20.0, "allclose": True, "max_abs_diff": 0.0,
                "mismatched_features": [], "peak_rss_mb": 512.0}
    api = [{"accounts": 1000, "edges": 10000, "body_mb": 1.0, "workers": 2, "clients": 4,
            "requests": 100, "errors": 0, "seconds": 2.0, "req_per_s": 50.0,
            "client_p50_ms": 40.0, "client_p99_ms": 90.0, "server_p50_ms": 25.0,
            "server_p99_ms": 120.0, "server_cpu_p50_ms": 24.0,
            "rounds": [{"server_p50_ms": 25.0}, {"server_p50_ms": 31.5}, {"server_p50_ms": 24.2}]}]
    text = render({"machine": MACHINE, "generated_at": "2026-01-01T00:00:00Z",
                   "sections": {"features": section(features), "api": section(api)}})
    assert "**15.0x**" in text and "goal >= 20x: **missed**" in text
    assert "p50 <= 30 ms (met)" in text and "p99 <= 100 ms (**missed**)" in text
    assert ">= 40 req/s (met)" in text
    assert "| 24.0 | 40.0 | 90.0 | 25.0, 31.5, 24.2 |" in text and "in 3 rounds" in text
    assert "load average before 0.50 / 0.40 / 0.30" in text
    assert "numpy 2.0" in text and "ray" not in text.split("Python 3.11")[1].split("\n")[0]


def test_sections_not_measured_are_left_out():
    text = render({"machine": MACHINE, "sections": {}})
    assert text.startswith("# Performance")
    assert "## " not in text


def _ray_run(parts: int, parked: bool, diff: float) -> dict:
    return {"partitions": parts, "parked": parked, "dataset": False, "seconds": 50.0,
            "accounts": 1000, "edges": 11000, "driver_peak_rss_mb": 230.0,
            "largest_part_peak_rss_mb": 900.0 if parked else 1000.0,
            "largest_part_share_of_local": 0.2, "max_abs_diff": diff,
            "least_available_mb": 12_000.0, "largest_process_sampled_mb": 1500.0,
            "parts": [{"accounts": 500, "halo": 300, "peak_rss_mb": 900.0,
                       "peaks": {"start": 190.0}}]}


def test_parked_runs_are_told_apart_and_counted_in_the_equality_goal():
    ray = {"accounts": 1000, "edges": 11000, "shards": 4, "cpus": 2,
           "local": {"seconds": 40.0, "peak_rss_mb": 5000.0},
           "runs": [_ray_run(8, False, 1e-7), _ray_run(8, True, 2e-5)]}
    largest = {"accounts": 6000, "edges": 66000, "shards": 4, "cpus": 2, "worlds": 3,
               "runs": [_ray_run(4, True, 0.0),
                        {"partitions": 8, "parked": True, "error": "out of memory"}]}
    text = render({"machine": MACHINE, "sections": {"ray": section(ray),
                                                    "largest": section(largest)}})
    ray_text, largest_text = text.split("## The largest graph")
    assert "| 8 | actors | 50.0 |" in ray_text and "| 8 | parked | 50.0 |" in ray_text
    # The goals take the actors' run; equality counts every run, the parked one too.
    assert "scores equal (at most 1e-5 apart): 1.0e-07, missed (all runs)" in ray_text
    assert "3 simulated worlds of 2,000 accounts" in largest_text
    assert "| 4 | 50.0 | 0.22 | 0.88 | 1.46 | 11.72 | 300 |" in largest_text
    assert "8 parts: failed (`out of memory`)" in largest_text


def test_each_section_names_the_machine_it_was_measured_on():
    # Sessions run on different machines; the header names only the latest run's.
    old = section([])
    new = {**section([]), "commit": "def5678", "cpu": "Other CPU"}
    text = render({"machine": MACHINE, "sections": {"simulator": old, "api": new}})
    assert "- Machine of the latest run: Test CPU" in text
    assert "at commit def5678, on Other CPU." in text
    simulator = text.split("## Simulator")[1].split("##")[0]
    assert "on Other CPU" not in simulator and "Test CPU" not in simulator


def test_ray_data_runs_are_judged_by_their_largest_process():
    data = {**_ray_run(8, False, 1e-7), "dataset": True, "seconds": 150.0,
            "largest_process_sampled_mb": 1500.0}
    ray = {"accounts": 1000, "edges": 11000, "shards": 4, "cpus": 2,
           "local": {"seconds": 40.0, "peak_rss_mb": 5000.0},
           "runs": [_ray_run(8, False, 1e-7), data]}
    text = render({"machine": MACHINE, "sections": {"ray": section(ray)}})
    assert "| 8 | actors | 50.0 | 0.22 | 0.98 | 20% | 1.46 | 30% |" in text
    assert "| 8 | actors, Ray Data | 150.0 | 0.22 | 0.98 | 20% | 1.46 | 30% |" in text
    # The goals take the actors' run; the Ray Data run is judged on its largest process.
    assert "largest part at most 25% of the single-process peak: 20%, met" in text
    assert ("With the feature pass on Ray Data at 8 parts: largest process 30% of the"
            " single-process peak, missed; 150.0 s against 50.0 s.") in text
