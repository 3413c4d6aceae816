"""``ffd score``: the offline path for large graphs. Scores every account of a graph
file and writes ``id, label, p_<class>...`` as CSV or Parquet (chosen by extension).

Everything is vectorised: one feature pass, one forward pass, one table write.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import click

#: Output formats by file extension.
SUFFIXES = (".csv", ".parquet", ".pq")


def score_graph(model_dir: str | os.PathLike, data: str | os.PathLike,
                out: str | os.PathLike):
    """Score ``data`` with the saved model and write the table to ``out``.

    Returns:
        The written table (a ``pandas.DataFrame``).
    """
    import pandas as pd

    from detector.errors import DetectorError
    from models.estimator import FollowerClassifier
    from training.train import load_data

    out = Path(out)
    if out.suffix.lower() not in SUFFIXES:
        raise DetectorError(f"{out}: the output must end in {', '.join(SUFFIXES)}")
    classifier = FollowerClassifier.load(model_dir)
    graph = load_data(data)
    proba = classifier.predict_proba(graph)
    table = pd.DataFrame({"id": graph.ids.astype(str),
                          "label": pd.Categorical.from_codes(proba.argmax(axis=1),
                                                             categories=list(classifier.classes_))})
    for c, name in enumerate(classifier.classes_):
        table[f"p_{name}"] = proba[:, c]
    _write(table, out)
    return table


def _write(table, out: Path) -> None:
    """Write to a temporary file beside ``out`` and rename it into place."""
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.", suffix=out.suffix)
    os.close(fd)
    try:
        if out.suffix.lower() == ".csv":
            table.to_csv(tmp, index=False, float_format="%.6g")
        else:
            table.to_parquet(tmp, index=False)
        os.replace(tmp, out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@click.command("score")
@click.option("--model", "model_dir", required=True, type=click.Path(),
              help="Saved model directory.")
@click.option("--data", required=True, help="Graph to score: a file, directory or data-set name.")
@click.option("--out", required=True, type=click.Path(dir_okay=False),
              help="Output table: .csv or .parquet.")
@click.option("--engine", type=click.Choice(["local", "ray"]), default="local", show_default=True,
              help="ray: score graph partitions as Ray tasks (pip install .[scale]).")
@click.option("--address", default=None,
              help="Ray cluster address (--engine ray) [default: start a local Ray instance].")
@click.option("--partitions", type=click.IntRange(1), default=None,
              help="Graph partitions (--engine ray) [default: one per CPU of the cluster].")
def score_command(model_dir: str, data: str, out: str, engine: str, address: str | None,
                  partitions: int | None) -> None:
    """Score every account of a graph; write id, label and class probabilities."""
    if engine == "ray":
        from training.ray_score import RayConfig, score_graph_ray

        table = score_graph_ray(model_dir, data, out, RayConfig(address, partitions),
                                log=click.echo)
    else:
        table = score_graph(model_dir, data, out)
    counts = table["label"].value_counts()
    shares = ", ".join(f"{name} {counts.get(name, 0):,}" for name in table["label"].cat.categories)
    click.echo(f"scored {len(table):,} accounts ({shares}) -> {out}")
