"""The importer benchmark's synthetic inputs import as they should (a small size)."""

from __future__ import annotations

import json

import numpy as np

from benchmarks.importers import PAGE, run_child, write_inputs
from detector.io import load_graph


def test_inputs_are_a_valid_twitter_v1_export(tmp_path):
    inputs = write_inputs(tmp_path, PAGE + 7, seed=3, lean=False)
    assert len(inputs["pages"]) == 2
    assert all(int(t) > 2**53 for t in [inputs["target"]])
    row = run_child(inputs, str(tmp_path / "graph"))
    assert row["exit_code"] == 0, row["output"]
    graph = load_graph(tmp_path / "graph")
    assert graph.num_accounts == PAGE + 8 and graph.num_edges == PAGE + 7
    assert graph.target_id == inputs["target"]
    first = json.loads((tmp_path / "users.jsonl").read_text().splitlines()[1])
    assert graph.accounts.ids[np.flatnonzero(graph.ids == first["id_str"])].tolist() == [
        first["id_str"]]
