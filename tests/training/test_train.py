"""``ffd train`` through click's CliRunner."""

import numpy as np
import pytest
from click.testing import CliRunner

from models.estimator import FollowerClassifier
from training.cli import main
from training.train import train_model


@pytest.mark.parametrize("model", ["rgcn", "sage", "mlp"])
def test_train_writes_a_loadable_model_and_reports_metrics(graph_file, tmp_path, model):
    out = tmp_path / "model"
    result = CliRunner().invoke(main, [
        "train", "--data", str(graph_file), "--model", model, "--out", str(out),
        "--epochs", "15", "--hidden", "16", "--seed", "1", "--no-progress", "--threads", "1"])
    assert result.exit_code == 0, result.output
    assert result.output.count("epoch ") >= 1
    assert "test macro-F1" in result.output
    clf = FollowerClassifier.load(out)
    assert clf.metadata_["model"]["name"] == model
    assert clf.metadata_["training"]["seed"] == 1
    assert clf.metadata_["training"]["epochs"] == 15


def test_bad_options_and_unlabelled_data_are_clear_errors(tmp_path, graph_file):
    from detector.io import save_graph
    from training.train import load_data

    runner = CliRunner()
    result = runner.invoke(main, ["train", "--data", str(graph_file), "--out",
                                  str(tmp_path / "m"), "--dropout", "1.5"])
    assert result.exit_code == 2
    assert "dropout" in result.output
    graph = load_data(graph_file)
    graph.accounts.label[:] = -1
    unlabelled = save_graph(graph, tmp_path / "unlabelled.json")
    result = runner.invoke(main, ["train", "--data", str(unlabelled), "--out", str(tmp_path / "m")])
    assert result.exit_code == 2
    assert "no account carries a label" in result.output
    assert not (tmp_path / "m").exists()


def test_train_model_accepts_a_graph_in_memory(tmp_path, two_class_graph):
    from models.config import ModelConfig

    graph = two_class_graph
    clf = train_model(graph, ModelConfig(model="mlp", hidden=8, epochs=5), tmp_path / "m",
                      progress=False, log=lambda line: None)
    again = FollowerClassifier.load(tmp_path / "m")
    assert again.classes_ == ("genuine", "bought")
    assert np.array_equal(again.predict_proba(graph), clf.predict_proba(graph))


def test_the_cli_trains_an_evidence_ensemble(graph_file, tmp_path):
    from click.testing import CliRunner

    from models.estimator import FollowerClassifier
    from training.cli import main

    out = tmp_path / "model"
    result = CliRunner().invoke(main, ["train", "--data", str(graph_file), "--model",
                                       "evidence", "--members", "2", "--binary-weights",
                                       "--epochs", "3", "--hidden", "8", "--out", str(out),
                                       "--no-progress"])
    assert result.exit_code == 0, result.output
    clf = FollowerClassifier.load(out)
    assert clf.metadata_["model"]["arguments"]["members"] == 2
    assert clf.metadata_["training"]["class_weights"] == "binary"
