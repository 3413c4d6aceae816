"""``ffd audit``: the API's audit answer on the command line, as JSON or a summary."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import orjson
import pytest
from click.testing import CliRunner

from api import create_app
from detector.io import save_graph
from detector.schema import FOLLOW
from training.cli import main
from training.simulator import SimConfig, simulate


@pytest.fixture(scope="module")
def audience_file(tmp_path_factory) -> Path:
    graph = simulate(SimConfig(accounts=600, seed=4, audit_of="star"))
    return save_graph(graph, tmp_path_factory.mktemp("audit") / "star.json")


@pytest.fixture(scope="module")
def follower_list_file(tmp_path_factory) -> Path:
    """The same kind of audience as a collected list: ranks in true follow order, no
    follow times (they get estimated when read)."""
    graph = simulate(SimConfig(accounts=600, seed=5, audit_of="star",
                               behaviour={"missing_at": 0.0}))
    e = graph.edges
    rows = np.flatnonzero((e.type == FOLLOW) & (e.dst == graph.target))
    rows = rows[np.argsort(e.at[rows], kind="stable")]
    rank, at = e.rank.copy(), e.at.copy()
    rank[rows], at[rows] = np.arange(len(rows)), np.nan
    listed = replace(graph, edges=replace(e, rank=rank, at=at))
    return save_graph(listed, tmp_path_factory.mktemp("audit") / "listed.json")


def invoke(*args: str, **kwargs):
    return CliRunner().invoke(main, ["audit", *args], catch_exceptions=False, **kwargs)


def test_json_is_the_api_answer(audience_file, model_dir):
    result = invoke(str(audience_file), "--model", str(model_dir), "--json", "--limit", "7")
    assert result.exit_code == 0, result.output
    answer = orjson.loads(result.stdout)
    client = create_app({"MODEL_DIR": str(model_dir), "TESTING": True}).test_client()
    expected = client.post("/v1/audit?limit=7", data=audience_file.read_bytes(),
                           content_type="application/json").get_json()
    assert answer == expected
    assert len(answer["suspicious_followers"]) == 7 and answer["follower_map"]["by"] == "at"


def test_summary_of_a_follower_list(follower_list_file, model_dir):
    result = invoke(str(follower_list_file), "--model", str(model_dir), "--limit", "3")
    assert result.exit_code == 0, result.output
    answer = orjson.loads(invoke(str(follower_list_file), "--model", str(model_dir),
                                 "--json").stdout)
    text = result.stdout
    q = answer["quality"]
    assert f"Audience quality: {q['score']:.1f} / 100 (95% interval {q['low']:.1f}-" in text
    assert f"Campaigns: {len(answer['campaigns'])}" in text and answer["campaigns"]
    first = answer["campaigns"][0]
    assert f"ranks {first['rank_from']:,}-{first['rank_to']:,}: {first['size']:,} followers" \
        in text and "(estimated)" in text
    assert f"Follow bursts: {len(answer['bursts'])}" in text
    assert "Most suspicious followers: 3" in text
    top = answer["suspicious_followers"][0]
    assert f"  {top['id']}  " in text and top["reasons"][0] in text
    assert "were estimated from their rank" in text  # the estimated-times warning


def test_out_writes_the_file(audience_file, model_dir, tmp_path):
    out = tmp_path / "reports" / "star.json"
    result = invoke(str(audience_file), "--model", str(model_dir), "--json", "--out", str(out))
    assert result.exit_code == 0 and result.stdout == "" and "wrote" in result.stderr
    printed = invoke(str(audience_file), "--model", str(model_dir), "--json").stdout
    assert orjson.loads(out.read_bytes()) == orjson.loads(printed)
    assert not [p for p in out.parent.iterdir() if p.name.startswith(".")]  # no temp file


def test_the_default_model_dir_is_used(audience_file, model_dir, monkeypatch):
    monkeypatch.setenv("FFD_MODEL_DIR", str(model_dir))
    result = invoke(str(audience_file), "--limit", "0")
    assert result.exit_code == 0 and "Most suspicious followers: 0" in result.stdout


def test_without_a_model_it_says_how_to_get_one(audience_file, tmp_path, monkeypatch):
    monkeypatch.setenv("FFD_MODEL_DIR", str(tmp_path / "nothing"))
    result = invoke(str(audience_file))
    assert result.exit_code == 2
    assert "no model at" in result.stderr and "ffd default-model" in result.stderr


def test_a_graph_without_target_is_refused(model_dir, tmp_path):
    doc = tmp_path / "no-target.json"
    doc.write_bytes(orjson.dumps({"accounts": [{"id": "a"}, {"id": "b"}],
                                  "edges": [{"source": "a", "target": "b", "type": "follow"}]}))
    result = invoke(str(doc), "--model", str(model_dir))
    assert result.exit_code == 2 and "target: is required for an audit" in result.stderr


def test_a_data_set_name_is_read_as_ffd_validate_reads_it(audience_file, model_dir,
                                                          monkeypatch):
    from detector.io import load_graph
    from training.datasets import registry

    monkeypatch.setitem(registry.NAMED, "star-audience", lambda: load_graph(audience_file))
    by_name = invoke("star-audience", "--model", str(model_dir), "--json")
    by_path = invoke(str(audience_file), "--model", str(model_dir), "--json")
    assert by_name.exit_code == 0, by_name.output
    named, direct = orjson.loads(by_name.output), orjson.loads(by_path.output)
    assert named["target"] == direct["target"] and named["quality"] == direct["quality"]


def test_a_path_that_is_not_there_is_a_clear_error(model_dir):
    result = invoke("no-such-file.json", "--model", str(model_dir))
    assert result.exit_code == 2
    assert "no-such-file.json: no such file or directory" in result.output
