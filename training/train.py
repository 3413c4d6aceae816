"""``ffd train``: load a labelled graph, fit a ``FollowerClassifier``, save it atomically;
or, with ``--labels``, fine-tune the live model on the analysts' labels in the store.

The options map one to one onto ``models.config.ModelConfig`` (``--data``) and onto
``training.retrain.RetrainConfig`` (``--labels``); ``train_model`` and
``training.retrain.retrain_from_labels`` are the importable functions behind them.
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


#: The options only ``--labels`` reads (``training.retrain_command.run_retrain``).
_RETRAIN_OPTIONS = ("database", "base", "holdout", "min_holdout", "min_gain", "sim_graphs",
                    "sim_accounts", "tune_epochs", "tune_lr", "label_weight", "promote",
                    "server", "admin_key")


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


_LABELS_HELP = """Train a model on a labelled graph (--data) and save it to --out.

\b
With --labels, fine-tune the live model on the analysts' labels in the store instead:
  - each labelled account's features come from the newest stored snapshot graph it
    is in (labels of accounts in none are counted and left out);
  - --holdout of each class's labels (seeded by --seed, stratified) is held out; too
    few held-out labels (--min-holdout) or a single class is an error;
  - the live model (the store's live version, else --base or the default model) is
    fine-tuned on the other labels with --sim-graphs simulated worlds mixed in;
  - candidate and live model are compared on the held-out labels (per class, balanced
    accuracy, counts); the candidate is saved (--out, default var/models/labels-...)
    with the comparison in its metrics;
  - --promote makes it live only if its balanced accuracy is higher (ties keep the
    live model), by asking the server (--server, admin key) to reload it; the server
    records it as the live version (GET /v1/models; POST /v1/admin/rollback undoes it).
    Exit status 1 when it is not better, 2 on errors.
"""


@click.command("train", help=_LABELS_HELP)
@click.option("--data", help="Labelled graph: a file, directory or data-set name.")
@click.option("--edges", type=click.Path(exists=True),
              help="Edges CSV when --data is an accounts CSV.")
@click.option("--model", type=click.Choice(["evidence", "rgcn", "sage", "mlp"]), default="rgcn",
              show_default=True, help="Architecture (evidence: the default model's kind).")
@click.option("--members", type=click.IntRange(min=1), default=1, show_default=True,
              help="Evidence models averaged (each on its own share of the data).")
@click.option("--out", type=click.Path(file_okay=False),
              help="Model directory to write (replaced atomically); with --labels "
                   "[default: var/models/labels-<time>-<id>].")
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
@click.option("--labels", "from_labels", is_flag=True,
              help="Fine-tune the live model on the store's labels (see above).")
@click.option("--database", metavar="URL",
              help="[--labels] SQLAlchemy URL [default: $FFD_DATABASE_URL or "
                   "sqlite:///var/ffd.sqlite3, the server's].")
@click.option("--base", type=click.Path(file_okay=False),
              help="[--labels] Model to start from [default: the store's live version, "
                   "else $FFD_MODEL_DIR or var/models/default].")
@click.option("--holdout", type=float, default=0.3, show_default=True,
              help="[--labels] Share of each class's labels held out for the comparison.")
@click.option("--min-holdout", type=click.IntRange(min=2), default=10, show_default=True,
              help="[--labels] Fewest held-out labels for a meaningful comparison.")
@click.option("--min-gain", type=float, default=0.0, show_default=True,
              help="[--labels] Balanced accuracy the candidate must gain over the live model.")
@click.option("--sim-graphs", type=click.IntRange(min=0), default=24,
              show_default=True,
              help="[--labels] Simulated worlds mixed in so the model does not forget "
                   "(an eighth, at least one, refits the temperature; 0: none).")
@click.option("--sim-accounts", type=click.IntRange(min=50), default=500,
              show_default=True,
              help="[--labels] Accounts per simulated world.")
@click.option("--tune-epochs", type=click.IntRange(min=1), default=60, show_default=True,
              help="[--labels] Fine-tuning steps from the live weights.")
@click.option("--tune-lr", type=float, default=0.003, show_default=True,
              help="[--labels] Fine-tuning learning rate.")
@click.option("--label-weight", type=float, default=1.0, show_default=True,
              help="[--labels] Weight of the labels' loss against the simulated accounts'.")
@click.option("--promote", is_flag=True,
              help="[--labels] Make the candidate live if it is better (asks --server).")
@click.option("--server", default="http://127.0.0.1:8000", show_default=True,
              help="[--promote] The running server to reload.")
@click.option("--admin-key", envvar="FFD_ADMIN_KEY", show_envvar=True,
              help="[--promote] A key with the admin role.")
def train_command(data: str | None, edges: str | None, out: str | None, progress: bool,
                  no_class_weights: bool, binary_weights: bool, no_calibrate: bool,
                  threads: int | None, from_labels: bool, **options) -> None:
    from models.config import ModelConfig

    set_threads(threads)
    labels_options = {key: options.pop(key) for key in _RETRAIN_OPTIONS}
    if from_labels:
        if data is not None:
            raise click.UsageError("--labels trains on the store's labels: drop --data")
        from training.retrain_command import run_retrain

        run_retrain(out=out, progress=progress, seed=options["seed"], **labels_options)
        return
    if labels_options["promote"]:
        raise click.UsageError("--promote goes with --labels")
    if data is None or out is None:
        raise click.UsageError("give --data and --out (or --labels to train on the store's "
                               "labels)")

    try:
        weights = "binary" if binary_weights else not no_class_weights
        config = ModelConfig(class_weights=weights, calibrate=not no_calibrate, **options)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None
    graph = load_data(data, edges)
    train_model(graph, config, out, progress=progress)
    click.echo(f"model: {Path(out)}")
