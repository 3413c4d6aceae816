"""``load_any``: one entry point dispatching names, TwiBot directories and graph files."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import orjson
import pytest

from detector.errors import DetectorError
from detector.schema import EDGE_TYPES, LABEL_CODE, SPLIT_CODE
from training.datasets import load_any
from training.datasets.cresci import cresci_dir

FIXTURE = Path(__file__).parent / "fixtures" / "twibot"


def test_twibot_directory():
    graph = load_any(FIXTURE)
    assert graph.ids.tolist() == ["u1", "u2", "u3", "u4", "u5"]
    assert graph.has_labels()


def test_csv_pair_directory_and_files(tmp_path):
    (tmp_path / "accounts.csv").write_text(
        "id,followers_count,following_count,has_avatar,created_at,label,split\n"
        "a,120,80,true,2015-01-01T00:00:00Z,genuine,train\n"
        "b,1,1900,false,2024-05-01T00:00:00Z,bought,val\n"
        "c,,,,,,\n"
    )
    (tmp_path / "edges.csv").write_text(
        "source,target,type,at,weight\n"
        "b,a,follow,2024-05-02T10:00:00Z,\n"
        "c,a,like,,3\n"
    )
    for graph in (load_any(tmp_path), load_any(tmp_path / "accounts.csv", tmp_path / "edges.csv")):
        assert graph.ids.tolist() == ["a", "b", "c"]
        assert graph.accounts.label.tolist() == [LABEL_CODE["genuine"], LABEL_CODE["bought"], -1]
        assert graph.accounts.split.tolist() == [SPLIT_CODE["train"], SPLIT_CODE["val"], -1]
        assert np.isnan(graph.accounts.counts["followers_count"][2])
        assert [EDGE_TYPES[t] for t in graph.edges.type] == ["follow", "like"]
        assert graph.edges.weight.tolist() == [1, 3]


def test_json_document(tmp_path):
    doc = {"format": "account-graph/1", "accounts": [{"id": "x"}, {"id": "y"}],
           "edges": [{"source": "x", "target": "y", "type": "follow"}]}
    (tmp_path / "g.json").write_bytes(orjson.dumps(doc))
    assert load_any(tmp_path / "g.json").num_edges == 1


def test_named_data_set_under_the_data_root(tmp_path, monkeypatch):
    # A TwiBot folder placed under $FFD_DATA_DIR is found by its name.
    (tmp_path / "mini-twibot").symlink_to(FIXTURE, target_is_directory=True)
    monkeypatch.setenv("FFD_DATA_DIR", str(tmp_path))
    assert load_any("mini-twibot").num_accounts == 5


def test_unknown_name(tmp_path, monkeypatch):
    monkeypatch.setenv("FFD_DATA_DIR", str(tmp_path))
    with pytest.raises(DetectorError, match="no such file"):
        load_any("no-such-data-set")


@pytest.mark.realdata
def test_cresci_by_name_and_path():
    if not (cresci_dir() / "accounts.csv").is_file():
        pytest.skip(f"Cresci-2015 not found at {cresci_dir()}")
    assert load_any("cresci-2015").num_accounts == 5_301
    assert load_any(cresci_dir()).num_accounts == 5_301


def test_ffd_validate_reads_a_twibot_directory():
    from click.testing import CliRunner

    from training.cli import main

    result = CliRunner().invoke(main, ["validate", str(FIXTURE)])
    assert result.exit_code == 0, result.output
    assert "ok: account-graph/1: 5 accounts, 7 edges" in result.output
    assert "1 edges to accounts outside the node file dropped" in result.output


def test_ffd_validate_reads_a_data_set_name_and_says_when_nothing_is_there(monkeypatch):
    from click.testing import CliRunner

    from training.cli import main
    from training.datasets import registry

    monkeypatch.setitem(registry.NAMED, "tiny-twibot", lambda: load_any(FIXTURE))
    result = CliRunner().invoke(main, ["validate", "tiny-twibot"])
    assert result.exit_code == 0, result.output
    assert "ok: account-graph/1: 5 accounts, 7 edges" in result.output
    missing = CliRunner().invoke(main, ["validate", "no-such-set"])
    assert missing.exit_code == 2
    assert "no-such-set: no such file or directory" in missing.output
