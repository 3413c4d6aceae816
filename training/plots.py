"""PNG plots of an evaluation: ROC and precision-recall curves (one per class, one vs
rest), the confusion matrix, and per-class score histograms. Drawn with matplotlib's
Agg backend (files only, no display needed)."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from sklearn.metrics import precision_recall_curve, roc_curve  # noqa: E402


def write_plots(out: Path, y: np.ndarray, proba: np.ndarray, classes: tuple[str, ...],
                confusion: list[list[int]]) -> list[Path]:
    """Write ``roc.png``, ``pr.png``, ``confusion.png`` and ``scores.png`` into ``out``."""
    paths = [_curves(out / "roc.png", y, proba, classes, "roc"),
             _curves(out / "pr.png", y, proba, classes, "pr"),
             _confusion(out / "confusion.png", np.asarray(confusion), classes),
             _histograms(out / "scores.png", y, proba, classes)]
    return paths


def _curves(path: Path, y: np.ndarray, proba: np.ndarray, classes, kind: str) -> Path:
    fig, ax = plt.subplots(figsize=(5.5, 5))
    for c, name in enumerate(classes):
        positive = y == c
        if not 0 < positive.sum() < len(y):
            continue
        if kind == "roc":
            fpr, tpr, _ = roc_curve(positive, proba[:, c])
            ax.plot(fpr, tpr, label=name)
        else:
            precision, recall, _ = precision_recall_curve(positive, proba[:, c])
            ax.plot(recall, precision, label=name)
    if kind == "roc":
        ax.plot([0, 1], [0, 1], color="grey", linestyle=":", linewidth=1)
        ax.set(xlabel="false positive rate", ylabel="true positive rate",
               title="ROC (one class vs rest)")
    else:
        ax.set(xlabel="recall", ylabel="precision", title="Precision-recall (one vs rest)")
    ax.set(xlim=(0, 1), ylim=(0, 1.02))
    ax.legend(loc="lower right" if kind == "roc" else "lower left")
    return _save(fig, path)


def _confusion(path: Path, matrix: np.ndarray, classes) -> Path:
    fig, ax = plt.subplots(figsize=(5, 4.5))
    shares = matrix / np.maximum(matrix.sum(axis=1, keepdims=True), 1)
    ax.imshow(shares, cmap="Blues", vmin=0, vmax=1)
    for i in range(len(classes)):
        for j in range(len(classes)):
            ax.text(j, i, f"{matrix[i, j]:,}\n{shares[i, j]:.1%}", ha="center", va="center",
                    color="white" if shares[i, j] > 0.5 else "black", fontsize=9)
    ticks = range(len(classes))
    ax.set_xticks(ticks, classes)
    ax.set_yticks(ticks, classes)
    ax.set(xlabel="predicted", ylabel="true", title="Confusion matrix")
    return _save(fig, path)


def _histograms(path: Path, y: np.ndarray, proba: np.ndarray, classes) -> Path:
    fig, axes = plt.subplots(1, len(classes), figsize=(4 * len(classes), 3.5), squeeze=False)
    bins = np.linspace(0, 1, 26)
    for c, (ax, name) in enumerate(zip(axes[0], classes, strict=True)):
        for t, true_name in enumerate(classes):
            scores = proba[y == t, c]
            if len(scores):
                ax.hist(scores, bins=bins, alpha=0.55, label=f"true {true_name}", log=True)
        ax.set(title=f"P({name})", xlabel="probability", ylabel="accounts (log)")
        ax.legend(fontsize=8)
    return _save(fig, path)


def _save(fig, path: Path) -> Path:
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
