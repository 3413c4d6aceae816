"""``ffd train``: load a labelled graph, fit a ``FollowerClassifier``, save it atomically.

The options map one to one onto ``models.config.ModelConfig``; ``train_model`` is the
importable function behind the command.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from detector.graph import AccountGraph
    from models.config import ModelConfig
    from models.estimator import FollowerClassifier


def load_data(data: str | os.PathLike, edges: str | os.PathLike | None = None) -> AccountGraph:
    """The one way training, evaluation and scoring read a graph: a data-set name
    (``cresci-2015``), a TwiBot-22 directory, or any form ``detector.io.load_graph``
    reads (JSON, columnar directory, CSV pair)."""
    from training.datasets.registry import load_any

    return load_any(data, edges)


def train_model(data: str | os.PathLike | AccountGraph | list[AccountGraph],
                config: ModelConfig, out: str | os.PathLike, *, progress: bool = True,
                log=click.echo, source: dict | None = None) -> FollowerClassifier:
    """Train on ``data`` (a path/name, a graph already in memory, or a list of graphs
    trained on as one) and save to ``out``; ``source`` says in the model's metadata where
    the data came from."""
    from detector.errors import DetectorError
    from detector.graph import AccountGraph
    from models.estimator import FollowerClassifier

    if isinstance(data, list):
        graph = data
        labelled = any(g.has_labels() for g in data)
    else:
        graph = data if isinstance(data, AccountGraph) else load_data(data)
        labelled = graph.has_labels()
    if not labelled:
        name = str(data) if isinstance(data, (str, os.PathLike)) else "the graph"
        raise DetectorError(f"{name}: no account carries a label; training needs labels")
    classifier = FollowerClassifier(config).fit(graph, progress=progress, log=log,
                                                source=source)
    path = classifier.save(out)
    log(f"saved {classifier.metadata_['version']} to {path}")
    log(summary(classifier.metadata_["metrics"]))
    return classifier


def set_threads(threads: int | None) -> None:
    """Set torch's thread count for this process (commands only; the library never does).
    On a busy machine one thread is often faster than two fighting for the cores."""
    if threads:
        import torch

        torch.set_num_threads(threads)


def summary(metrics: dict) -> str:
    """One line per held-out part: macro-F1, accuracy and calibration error."""
    lines = []
    for part in ("val", "test"):
        m = metrics.get(part)
        if m:
            lines.append(f"{part:<4} macro-F1 {m['macro_f1']:.4f}  accuracy {m['accuracy']:.4f}  "
                         f"ECE {m['ece_before']:.4f} -> {m['ece_after']:.4f} after temperature "
                         f"({m['accounts']:,} accounts)")
    return "\n".join(lines)


@click.command("train")
@click.option("--data", required=True, help="Labelled graph: a file, directory or data-set name.")
@click.option("--edges", type=click.Path(exists=True),
              help="Edges CSV when --data is an accounts CSV.")
@click.option("--model", type=click.Choice(["evidence", "rgcn", "sage", "mlp"]), default="rgcn",
              show_default=True, help="Architecture (evidence: the default model's kind).")
@click.option("--members", type=click.IntRange(min=1), default=1, show_default=True,
              help="Evidence models averaged (each on its own share of the data).")
@click.option("--out", required=True, type=click.Path(file_okay=False),
              help="Model directory to write (replaced atomically).")
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--epochs", type=int, default=300, show_default=True)
@click.option("--hidden", type=int, default=64, show_default=True)
@click.option("--layers", type=int, default=2, show_default=True)
@click.option("--dropout", type=float, default=0.2, show_default=True)
@click.option("--lr", type=float, default=0.01, show_default=True)
@click.option("--weight-decay", type=float, default=5e-4, show_default=True)
@click.option("--patience", type=int, default=40, show_default=True)
@click.option("--val-fraction", type=float, default=0.15, show_default=True,
              help="Used only when the data carries no split.")
@click.option("--test-fraction", type=float, default=0.15, show_default=True,
              help="Used only when the data carries no split.")
@click.option("--feature-groups", default="profile,flags,graph,time", show_default=True,
              callback=lambda ctx, param, value: tuple(v.strip() for v in value.split(",")),
              help="Comma-separated feature groups; profile,flags is graph-blind.")
@click.option("--no-class-weights", is_flag=True, help="Plain cross-entropy.")
@click.option("--binary-weights", is_flag=True,
              help="Weigh genuine against all non-genuine alike (the default model's loss).")
@click.option("--no-calibrate", is_flag=True, help="Skip temperature scaling.")
@click.option("--progress/--no-progress", default=True, show_default=True)
@click.option("--threads", type=click.IntRange(min=1),
              help="torch threads for this run [default: torch's own choice].")
def train_command(data: str, edges: str | None, out: str, progress: bool,
                  no_class_weights: bool, binary_weights: bool, no_calibrate: bool,
                  threads: int | None, **options) -> None:
    """Train a model on a labelled graph and save it to --out."""
    from models.config import ModelConfig

    set_threads(threads)

    try:
        weights = "binary" if binary_weights else not no_class_weights
        config = ModelConfig(class_weights=weights, calibrate=not no_calibrate, **options)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None
    graph = load_data(data, edges)
    train_model(graph, config, out, progress=progress)
    click.echo(f"model: {Path(out)}")
