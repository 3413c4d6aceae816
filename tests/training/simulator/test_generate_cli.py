"""``ffd generate`` through click's runner."""

import numpy as np
from click.testing import CliRunner

from detector.io import load_graph
from training.cli import main


def test_generate_writes_a_json_graph_that_loads(tmp_path):
    out = tmp_path / "graph.json"
    result = CliRunner().invoke(main, ["generate", "--accounts", "400", "--seed", "2",
                                       "--difficulty", "easy", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "400 accounts" in result.output and "simulated in" in result.output
    graph = load_graph(out)
    assert graph.num_accounts == 400 and graph.has_labels()
    np.testing.assert_array_equal(np.bincount(graph.accounts.label), [280, 80, 40])


def test_generate_audit_as_columnar_directory(tmp_path):
    out = tmp_path / "audit"
    result = CliRunner().invoke(main, [
        "generate", "--accounts", "300", "--out", str(out), "--audit-of", "shop",
        "--bought-share", "0.3", "--mass-share", "0.1", "--difficulty", "hard",
    ])
    assert result.exit_code == 0, result.output
    assert (out / "accounts.parquet").exists()
    graph = load_graph(out)
    assert graph.accounts.texts["username"][graph.target] == "shop"
    assert graph.target_id == "shop"  # so /v1/targets/shop/snapshots takes the file
    assert "target shop" in result.output
    assert not np.isnan(graph.observed_at)


def test_a_target_name_that_is_already_an_id_keeps_the_simulated_id(tmp_path):
    out = tmp_path / "g.json"
    result = CliRunner().invoke(main, ["generate", "--accounts", "100", "--out", str(out),
                                       "--audit-of", "u3"])
    assert result.exit_code == 0, result.output
    graph = load_graph(out)
    assert graph.accounts.ids.tolist().count("u3") == 1
    assert graph.accounts.texts["username"][graph.target] == "u3"


def test_generate_refuses_impossible_shares(tmp_path):
    result = CliRunner().invoke(main, ["generate", "--out", str(tmp_path / "g.json"),
                                       "--bought-share", "0.8", "--mass-share", "0.4"])
    assert result.exit_code == 2
    assert "exceeds 1" in result.output
    assert not (tmp_path / "g.json").exists()
