"""``ffd evaluate``: the metrics, the printed table, the JSON report and the PNG plots."""

import json

import numpy as np
import pytest
from click.testing import CliRunner

from training.cli import main
from training.evaluate import classification_report, format_table


@pytest.fixture
def model_dir(graph_file, tmp_path):
    out = tmp_path / "model"
    result = CliRunner().invoke(main, ["train", "--data", str(graph_file), "--model", "sage",
                                       "--out", str(out), "--epochs", "20", "--hidden", "16",
                                       "--no-progress"])
    assert result.exit_code == 0, result.output
    return out


def test_evaluate_prints_the_table_and_writes_json_and_png(model_dir, unseen_file, tmp_path):
    report_dir = tmp_path / "report"
    result = CliRunner().invoke(main, ["evaluate", "--model", str(model_dir), "--data",
                                       str(unseen_file), "--report", str(report_dir)])
    assert result.exit_code == 0, result.output
    assert "macro-F1" in result.output and "confusion" in result.output
    report = json.loads((report_dir / "report.json").read_text())
    assert report["accounts"] == 60
    assert report["macro_f1"] > 0.8
    assert set(report["per_class"]) == {"genuine", "bought", "mass_follow"}
    for name in ("roc.png", "pr.png", "confusion.png", "scores.png"):
        assert (report_dir / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_a_missing_model_is_a_clear_error(unseen_file, tmp_path):
    result = CliRunner().invoke(main, ["evaluate", "--model", str(tmp_path / "none"),
                                       "--data", str(unseen_file)])
    assert result.exit_code == 2
    assert "no model directory" in result.output


def test_classification_report_figures():
    y = np.array([0, 0, 1, 1, 2, 2])
    proba = np.array([[0.9, 0.05, 0.05], [0.6, 0.3, 0.1], [0.2, 0.7, 0.1],
                      [0.5, 0.4, 0.1], [0.1, 0.1, 0.8], [0.1, 0.2, 0.7]])
    report = classification_report(y, proba, ("genuine", "bought", "mass_follow"))
    assert report["confusion"] == [[2, 0, 0], [1, 1, 0], [0, 0, 2]]
    assert report["accuracy"] == pytest.approx(5 / 6)
    assert report["per_class"]["genuine"]["precision"] == pytest.approx(2 / 3)
    assert report["per_class"]["bought"]["recall"] == pytest.approx(0.5)
    assert report["per_class"]["mass_follow"]["roc_auc"] == pytest.approx(1.0)
    assert report["macro_f1"] == pytest.approx(np.mean([0.8, 2 / 3, 1.0]))
    assert report["macro_f1_classes"] == ["genuine", "bought", "mass_follow"]
    # Genuine against the rest: 1 of 4 non-genuine called genuine, no genuine flagged.
    assert report["genuine_vs_rest"]["recall"] == pytest.approx(0.75)
    assert report["genuine_vs_rest"]["specificity"] == pytest.approx(1.0)
    assert report["genuine_vs_rest"]["balanced_accuracy"] == pytest.approx(0.875)
    assert report["genuine_vs_rest"]["roc_auc"] == pytest.approx(1.0)
    text = format_table(report)
    assert "mass_follow" in text and "no mass_follow" not in text
    assert "genuine vs the rest: balanced accuracy 0.8750" in text


def test_a_class_no_account_holds_does_not_pull_macro_f1_down():
    """A set labelling only genuine and fake (Cresci-2015, InstaFake) scored by a
    three-class model: mass followers have no support and no F1."""
    y = np.array([0, 0, 1, 1])
    proba = np.array([[0.9, 0.05, 0.05], [0.6, 0.3, 0.1], [0.2, 0.7, 0.1], [0.1, 0.1, 0.8]])
    report = classification_report(y, proba, ("genuine", "bought", "mass_follow"))
    assert report["macro_f1_classes"] == ["genuine", "bought"]
    f1 = report["per_class"]
    assert report["macro_f1"] == pytest.approx((f1["genuine"]["f1"] + f1["bought"]["f1"]) / 2)
    assert report["genuine_vs_rest"]["balanced_accuracy"] == pytest.approx(1.0)
    assert "no mass_follow account is labelled" in format_table(report)


def test_a_class_absent_from_the_data_has_no_auc():
    y = np.array([0, 0, 1])
    proba = np.array([[0.9, 0.1], [0.8, 0.2], [0.3, 0.7]])
    report = classification_report(y, proba[:, :2], ("genuine", "bought"))
    assert report["per_class"]["bought"]["roc_auc"] == 1.0
    single = classification_report(np.zeros(2, int), proba[:2], ("genuine", "bought"))
    assert single["per_class"]["genuine"]["roc_auc"] is None
