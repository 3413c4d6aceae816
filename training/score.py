"""``ffd score``: the offline path for large graphs. Scores every account of a graph
file and writes ``id, label, p_<class>...`` as CSV or Parquet (chosen by extension).

Everything is vectorised: one feature pass, one forward pass, one table write.
``--engine ray`` runs the partitioned engine instead (``training.ray_score``).
"""

from __future__ import annotations

import os
from pathlib import Path

import click

from training.tables import SUFFIXES, score_table, write_table


def score_graph(model_dir: str | os.PathLike, data: str | os.PathLike,
                out: str | os.PathLike):
    """Score ``data`` with the saved model and write the table to ``out``.

    Returns:
        The written table (a ``pandas.DataFrame``).
    """
    from detector.errors import DetectorError
    from models.estimator import FollowerClassifier
    from training.train import load_data

    out = Path(out)
    if out.suffix.lower() not in SUFFIXES:
        raise DetectorError(f"{out}: the output must end in {', '.join(SUFFIXES)}")
    classifier = FollowerClassifier.load(model_dir)
    graph = load_data(data)
    table = score_table(graph.ids, classifier.predict_proba(graph), list(classifier.classes_))
    write_table(table, out)
    return table


@click.command("score")
@click.option("--model", "model_dir", required=True, type=click.Path(),
              help="Saved model directory.")
@click.option("--data", required=True, help="Graph to score: a file, directory or data-set name.")
@click.option("--out", required=True, type=click.Path(),
              help="Output table: .csv or .parquet; with --engine ray also a directory "
                   "(one Parquet file per part).")
@click.option("--engine", type=click.Choice(["local", "ray"]), default="local", show_default=True,
              help="ray: score the graph part by part as Ray actors (pip install .[scale]).")
@click.option("--address", default=None,
              help="Ray cluster address (--engine ray) [default: start a local Ray instance].")
@click.option("--partitions", type=click.IntRange(1), default=None,
              help="Graph partitions (--engine ray) [default: one per CPU of the cluster].")
@click.option("--ray-data", is_flag=True,
              help="With --engine ray: the feature pass's group-bys and joins on Ray Data.")
@click.option("--parked", is_flag=True,
              help="With --engine ray: keep each part on disk between its stages, so that "
                   "only the running parts are in memory (graphs larger than the machine).")
def score_command(model_dir: str, data: str, out: str, engine: str, address: str | None,
                  partitions: int | None, ray_data: bool, parked: bool) -> None:
    """Score every account of a graph; write id, label and class probabilities."""
    ray_only = [name for name, value in (("--address", address), ("--partitions", partitions),
                                         ("--ray-data", ray_data), ("--parked", parked))
                if value]
    if engine != "ray" and ray_only:
        raise click.UsageError(f"{', '.join(ray_only)} only apply with --engine ray")
    if engine == "ray":
        from training.ray_score import RayConfig, score_graph_ray

        config = RayConfig(address, partitions, dataset=ray_data, parked=parked)
        result = score_graph_ray(model_dir, data, out, config, log=click.echo)
        counts: dict = {}
        for part in result["parts"]:
            for name, count in part["labels"].items():
                counts[name] = counts.get(name, 0) + count
        shares = ", ".join(f"{name} {count:,}" for name, count in counts.items())
        click.echo(f"scored {result['accounts']:,} accounts ({shares}) in "
                   f"{result['partitions']} parts -> {out}")
        return
    table = score_graph(model_dir, data, out)
    counts = table["label"].value_counts()
    shares = ", ".join(f"{name} {counts.get(name, 0):,}" for name in table["label"].cat.categories)
    click.echo(f"scored {len(table):,} accounts ({shares}) -> {out}")
