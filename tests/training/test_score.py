"""``ffd score`` writes id, label and per-class probabilities as CSV or Parquet."""

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from models.estimator import FollowerClassifier
from training.cli import main
from training.train import load_data


@pytest.fixture
def model_dir(graph_file, tmp_path):
    out = tmp_path / "model"
    result = CliRunner().invoke(main, ["train", "--data", str(graph_file), "--model", "mlp",
                                       "--out", str(out), "--epochs", "10", "--hidden", "8",
                                       "--no-progress"])
    assert result.exit_code == 0, result.output
    return out


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_score_writes_every_account(model_dir, unseen_file, tmp_path, suffix):
    out = tmp_path / f"scores{suffix}"
    result = CliRunner().invoke(main, ["score", "--model", str(model_dir), "--data",
                                       str(unseen_file), "--out", str(out)])
    assert result.exit_code == 0, result.output
    table = pd.read_csv(out) if suffix == ".csv" else pd.read_parquet(out)
    assert list(table.columns) == ["id", "label", "p_genuine", "p_bought", "p_mass_follow"]
    graph = load_data(unseen_file)
    assert table["id"].astype(str).tolist() == graph.ids.tolist()
    proba = table[["p_genuine", "p_bought", "p_mass_follow"]].to_numpy()
    assert np.allclose(proba.sum(axis=1), 1.0, atol=1e-5)
    expected = FollowerClassifier.load(model_dir).predict(graph)
    assert table["label"].astype(str).tolist() == expected.tolist()
    assert "scored 60 accounts" in result.output


def test_an_unknown_extension_is_refused(model_dir, unseen_file, tmp_path):
    result = CliRunner().invoke(main, ["score", "--model", str(model_dir), "--data",
                                       str(unseen_file), "--out", str(tmp_path / "s.xlsx")])
    assert result.exit_code == 2
    assert ".csv" in result.output
