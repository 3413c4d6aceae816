"""The audit's arrival timeline: the whole history plus a finer ``recent`` window."""

from __future__ import annotations

import numpy as np

from detector.audit import AuditConfig, audit
from detector.validate import parse_graph

DAY = 86_400
T0 = 1_717_200_000  # 2024-06-01T00:00:00Z
CLASSES = ("genuine", "bought", "mass_follow")


def iso(seconds: float) -> str:
    return np.datetime_as_string(np.datetime64(int(seconds), "s")) + "Z"


def graph_with_follows(days_ago: list[float]):
    """Target ``t`` followed by one account per entry of ``days_ago`` (before T0)."""
    accounts = [{"id": "t"}] + [{"id": f"f{i}"} for i in range(len(days_ago))]
    edges = [{"source": f"f{i}", "target": "t", "type": "follow", "at": iso(T0 - d * DAY)}
             for i, d in enumerate(days_ago)]
    return parse_graph({"format": "account-graph/1", "target": "t", "accounts": accounts,
                        "edges": edges})


def run(graph, **config):
    proba = np.tile([0.7, 0.2, 0.1], (graph.num_accounts, 1))
    return audit(graph, proba, CLASSES, AuditConfig(**config)).to_dict()["timeline"]


def test_recent_window_is_finer_and_counts_only_recent_follows():
    # ten years of one follow a month, then 30 follows within a day 103 days ago
    history = [3_650 - 30 * k for k in range(120)]
    burst = [103 + k / 100 for k in range(30)]  # inside one epoch-aligned week
    timeline = run(graph_with_follows(history + burst))
    recent = timeline["recent"]
    assert recent["days"] == 365.0
    assert timeline["bin_seconds"] == 365 * DAY
    assert recent["bin_seconds"] == 7 * DAY
    assert sum(timeline["follows"]) == 150
    latest = min(history + burst)
    in_window = sum(d <= latest + 365 for d in history + burst)
    assert in_window < 150
    assert sum(recent["follows"]) == in_window
    assert max(recent["follows"]) == 30  # the burst fills one weekly bin
    assert len(recent["expected_suspicious"]) == len(recent["follows"])
    expected_week = recent["expected_suspicious"][recent["follows"].index(30)]
    assert expected_week == 0.3 * 30


def test_recent_days_is_configurable():
    timeline = run(graph_with_follows([1, 2, 40, 50]), timeline_recent_days=10.0)
    assert timeline["recent"]["days"] == 10.0
    assert sum(timeline["recent"]["follows"]) == 2
    assert sum(timeline["follows"]) == 4


def test_untimed_follows_leave_both_timelines_empty():
    graph = parse_graph({"format": "account-graph/1", "target": "t",
                         "accounts": [{"id": "t"}, {"id": "a"}],
                         "edges": [{"source": "a", "target": "t", "type": "follow"}]})
    timeline = run(graph)
    assert timeline["follows"] == [] and timeline["start"] is None
    assert timeline["recent"]["follows"] == [] and timeline["recent"]["bin_seconds"] is None
