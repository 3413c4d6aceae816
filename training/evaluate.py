"""Evaluation of a saved model on a labelled graph: metrics, a printed table, a JSON
report and PNG plots (``training.plots``). ``ffd evaluate`` is a thin wrapper over
``evaluate_model``; the benchmarks call ``classification_report`` directly.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import click
import numpy as np
import orjson

from detector.errors import DetectorError
from detector.schema import LABELS


def classification_report(y_true: np.ndarray, proba: np.ndarray,
                          classes: tuple[str, ...]) -> dict[str, Any]:
    """Every figure ``ffd evaluate`` reports, JSON-safe.

    Args:
        y_true: class index into ``classes`` per account.
        proba: ``[N, len(classes)]`` calibrated probabilities.
        classes: class names, in the model's order.

    Returns:
        ``accounts``, ``accuracy``, ``macro_f1`` (over ``macro_f1_classes``, the classes
        the data holds: a class with no account, such as mass followers in a set that
        labels only genuine and fake, would count as F1 0), ``genuine_vs_rest`` (any
        verdict but genuine as positive: balanced accuracy, recall, specificity,
        ROC-AUC of 1 - P(genuine), as docs/transfer.md reports; ``None`` without both
        sides), ``ece``, ``per_class`` (precision, recall, F1, support, ROC-AUC, PR-AUC;
        AUCs ``None`` when a class is absent or alone) and ``confusion`` (rows true,
        columns predicted).
    """
    from sklearn.metrics import (
        average_precision_score,
        confusion_matrix,
        precision_recall_fscore_support,
        roc_auc_score,
    )

    from models.calibration import expected_calibration_error

    k = len(classes)
    pred = proba.argmax(axis=1)
    p, r, f, n = precision_recall_fscore_support(y_true, pred, labels=list(range(k)),
                                                 zero_division=0)
    per_class = {}
    for c, name in enumerate(classes):
        positive = y_true == c
        both = 0 < positive.sum() < len(positive)
        per_class[name] = {
            "precision": float(p[c]), "recall": float(r[c]), "f1": float(f[c]),
            "support": int(n[c]),
            "roc_auc": float(roc_auc_score(positive, proba[:, c])) if both else None,
            "pr_auc": float(average_precision_score(positive, proba[:, c])) if both else None,
        }
    present = [c for c in range(k) if n[c] > 0]
    return {
        "accounts": int(len(y_true)),
        "classes": list(classes),
        "accuracy": float((pred == y_true).mean()) if len(y_true) else float("nan"),
        "macro_f1": float(np.mean(f[present])) if present else float("nan"),
        "macro_f1_classes": [classes[c] for c in present],
        "genuine_vs_rest": _genuine_vs_rest(y_true, proba, pred, classes),
        "ece": expected_calibration_error(proba, y_true),
        "per_class": per_class,
        "confusion": confusion_matrix(y_true, pred, labels=list(range(k))).tolist(),
    }


def _genuine_vs_rest(y_true: np.ndarray, proba: np.ndarray, pred: np.ndarray,
                     classes: tuple[str, ...]) -> dict[str, float] | None:
    from sklearn.metrics import roc_auc_score

    if "genuine" not in classes:
        return None
    g = classes.index("genuine")
    positive, flagged = y_true != g, pred != g
    if positive.all() or not positive.any():
        return None
    recall, specificity = float(flagged[positive].mean()), float(1 - flagged[~positive].mean())
    return {"balanced_accuracy": (recall + specificity) / 2, "recall": recall,
            "specificity": specificity,
            "roc_auc": float(roc_auc_score(positive, 1 - proba[:, g]))}


def labelled_targets(graph, classes: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray]:
    """``(rows, y)``: the accounts whose label is one of the model's classes, and their
    class index in ``classes``. Accounts of a class the model does not know are left
    out (a two-class model cannot be scored on a third class)."""
    code_to_local = np.full(len(LABELS) + 1, -1, np.int64)
    for i, name in enumerate(classes):
        code_to_local[LABELS.index(name)] = i
    y = code_to_local[graph.accounts.label.astype(np.int64)]
    rows = np.flatnonzero(y >= 0)
    return rows, y[rows]


def format_table(report: dict[str, Any]) -> str:
    """The report as fixed-width text: per-class rows, totals, the confusion matrix."""
    classes = report["classes"]
    columns = ("precision", "recall", "f1", "roc_auc", "pr_auc")
    fmt = lambda v: f"{'-':>9}" if v is None else f"{v:>9.4f}"  # noqa: E731
    lines = [f"{'class':<12}" + "".join(f"{c:>9}" for c in columns) + f"{'support':>10}"]
    for name in classes:
        c = report["per_class"][name]
        lines.append(f"{name:<12}" + "".join(fmt(c[k]) for k in columns)
                     + f"{c['support']:>10,}")
    lines.append(f"macro-F1 {report['macro_f1']:.4f}   accuracy {report['accuracy']:.4f}   "
                 f"ECE {report['ece']:.4f}   accounts {report['accounts']:,}")
    absent = [n for n in classes if n not in report["macro_f1_classes"]]
    if absent:
        lines.append(f"(macro-F1 over the classes the data holds: no {', '.join(absent)} "
                     f"account is labelled)")
    binary = report["genuine_vs_rest"]
    if binary is not None:
        lines.append(f"genuine vs the rest: balanced accuracy {binary['balanced_accuracy']:.4f}"
                     f"   recall {binary['recall']:.4f}   specificity "
                     f"{binary['specificity']:.4f}   ROC-AUC {binary['roc_auc']:.4f}")
    width = max(len(n) for n in classes) + 2
    lines.append("")
    lines.append("confusion (rows: true, columns: predicted)")
    lines.append(" " * width + "".join(f"{n:>{width}}" for n in classes))
    for name, row in zip(classes, report["confusion"], strict=True):
        lines.append(f"{name:<{width}}" + "".join(f"{v:>{width},}" for v in row))
    return "\n".join(lines)


def evaluate_model(model_dir: str | os.PathLike, data: str | os.PathLike,
                   report_dir: str | os.PathLike | None = None) -> dict[str, Any]:
    """Score every labelled account of ``data`` with the saved model; write the JSON
    report and the plots to ``report_dir`` when given."""
    from models.estimator import FollowerClassifier
    from training.train import load_data

    classifier = FollowerClassifier.load(model_dir)
    graph = load_data(data)
    rows, y = labelled_targets(graph, classifier.classes_)
    if len(rows) == 0:
        raise DetectorError(f"{data}: no account carries a label the model knows "
                            f"({', '.join(classifier.classes_)})")
    proba = classifier.predict_proba(graph)[rows]
    report = classification_report(y, proba, classifier.classes_)
    report["model"] = {"directory": str(model_dir), "id": classifier.metadata_["id"]}
    report["data"] = {"path": str(data), "summary": graph.summary()}
    if report_dir is not None:
        from training.plots import write_plots

        out = Path(report_dir)
        out.mkdir(parents=True, exist_ok=True)
        report["plots"] = [p.name for p in write_plots(out, y, proba, classifier.classes_,
                                                       report["confusion"])]
        (out / "report.json").write_bytes(orjson.dumps(report, option=orjson.OPT_INDENT_2))
    return report


@click.command("evaluate")
@click.option("--model", "model_dir", required=True, type=click.Path(),
              help="Saved model directory.")
@click.option("--data", required=True, help="Labelled graph: a file, directory or data-set name.")
@click.option("--report", "report_dir", type=click.Path(file_okay=False),
              help="Write report.json and PNG plots here.")
def evaluate_command(model_dir: str, data: str, report_dir: str | None) -> None:
    """Evaluate a saved model on a labelled graph: table, JSON report, plots."""
    report = evaluate_model(model_dir, data, report_dir)
    click.echo(format_table(report))
    if report_dir:
        click.echo(f"report: {Path(report_dir) / 'report.json'} "
                   f"(+ {len(report['plots'])} plots)")
