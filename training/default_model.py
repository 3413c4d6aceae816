"""``ffd default-model``: make sure a usable model exists where the server looks.

If the directory holds a model that loads and verifies, nothing happens. Otherwise the
default model is trained on the embedded default data (the simulator at a fixed seed:
nothing is downloaded) and saved atomically; this takes under 3 minutes on 2 cores.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import click

#: The embedded default data: ``training.simulator.SimConfig`` arguments.
DEFAULT_DATA = {"accounts": 10_000, "seed": 20_250_601, "difficulty": "realistic"}
#: ``models.config.ModelConfig`` arguments of the default model. Validation macro-F1
#: plateaus within ~45 epochs on this data; the caps keep training under 3 minutes.
DEFAULT_MODEL = {"model": "rgcn", "hidden": 64, "layers": 2, "epochs": 90, "patience": 15,
                 "seed": 0}


def ensure_default_model(out: str | os.PathLike | None = None, *, force: bool = False,
                         progress: bool = True, log=click.echo) -> Path:
    """Return the directory of a usable model, training the default one if needed.

    Args:
        out: model directory; ``models.paths.default_model_dir()`` when omitted.
        force: train even when a usable model is already there.
    """
    from detector.errors import ModelFileError
    from models.config import ModelConfig
    from models.estimator import FollowerClassifier
    from models.paths import default_model_dir
    from training.simulator import SimConfig, simulate
    from training.train import train_model

    directory = Path(out) if out is not None else default_model_dir()
    if not force and directory.exists():
        try:
            existing = FollowerClassifier.load(directory)
        except ModelFileError as exc:
            log(f"{directory} holds no usable model ({exc}); training the default model")
        else:
            log(f"model ready: {directory} ({existing.metadata_.get('version')}, "
                f"classes {', '.join(existing.classes_)})")
            return directory
    start = time.perf_counter()
    log(f"simulating the default training data {DEFAULT_DATA}")
    graph = simulate(SimConfig(**DEFAULT_DATA), progress=log)
    train_model(graph, ModelConfig(**DEFAULT_MODEL), directory, progress=progress, log=log)
    log(f"default model ready in {time.perf_counter() - start:.0f}s: {directory}")
    return directory


@click.command("default-model")
@click.option("--out", type=click.Path(file_okay=False),
              help="Model directory [default: $FFD_MODEL_DIR or var/models/default].")
@click.option("--force", is_flag=True, help="Retrain even if a usable model is there.")
@click.option("--progress/--no-progress", default=True, show_default=True)
# One thread by default: with PyG's RGCNConv two threads measured 177 s wall / 77 s CPU
# against 38 s / 14 s for one (2 cores, load ~7). With the sparse pass (models/relconv.py)
# one thread takes about 15 s wall / 15 s CPU and two 13 s / 19 s: one leaves a core free.
@click.option("--threads", type=click.IntRange(min=1), default=1, show_default=True,
              help="torch threads for this run.")
def default_model_command(out: str | None, force: bool, progress: bool,
                          threads: int | None) -> None:
    """Train the default model on simulated data unless a usable one exists."""
    from training.train import set_threads

    set_threads(threads)
    ensure_default_model(out, force=force, progress=progress)
