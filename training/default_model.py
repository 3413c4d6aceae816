"""``ffd default-model``: make sure a usable model exists where the server looks.

If the directory holds a model that loads and verifies, nothing happens. Otherwise the
default model is trained on the embedded default data and saved atomically: many small
simulated graphs, each a random world (platform, vendor styles, lurker and premium
shares) seen through a random view (full graph, untimed edges, a follower list, bare
profiles, fields missing), so that it holds up on real data it never saw
(docs/transfer.md). Five evidence models, each trained on its own 33-34 of the 168
training worlds, are averaged (32 more worlds are held out for early stopping and
calibration). Nothing is downloaded and no real data set is trained on; it takes about
eight minutes on 2 cores.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import click

#: The embedded default data: ``training.simulator.mixture.TrainingMix`` arguments.
DEFAULT_DATA = {"graphs": 200, "accounts": 1_500, "val_graphs": 32, "seed": 20_250_601}
#: The profile ``*_missing`` flags, which the default model reads only to impute (design
#: 28): a view hides a field at a share drawn per world, independently of the label, so
#: the flags tell which collector made a world and nothing about an account, and each
#: member tied them to its own worlds' fake shares (docs/transfer-protocol.md, session
#: 17). ``time_missing`` stays read: it is about an account's edges in this graph.
BLIND_FLAGS = ("followers_missing", "following_missing", "posts_missing", "likes_missing",
               "listed_missing", "age_missing", "avatar_missing", "verified_missing",
               "private_missing", "bio_missing", "name_missing", "name_digits_missing",
               "name_text_missing")
#: ``models.config.ModelConfig`` arguments of the default model (docs/transfer-protocol.md
#: says which choice was made on which data). Left out: raw lockstep and batch counts,
#: which grow with the graph (their scale-free forms stay), lockstep that does not ask
#: whether the accounts were also created together (viral posts and starter packs bring
#: real people at once: ``lockstep_cohort`` stays), name length and likes, whose meaning
#: differs between platforms, absolute age beyond a year, and the follows an account made
#: inside the observed graph (``log_follow_out``), which count what the collector crawled
#: rather than what the account did (its profile's following count stays). Left out
#: too: the ``platform`` columns (designs 27a and 27b, which read them, were rejected on
#: Cresci-2015; docs/transfer-protocol.md, session 16), so the field is recorded and
#: carried but not read by the default model.
DEFAULT_MODEL = {
    "model": "evidence", "hidden": 32, "layers": 2, "epochs": 300, "patience": 40,
    "lr": 0.02, "dropout": 0.1, "class_weights": "binary", "seed": 0, "members": 5,
    "drop_features": ("log_creation_batch", "sync_mean", "sync_max", "like_sync_mean",
                      "name_length", "log_likes", "log_age_days", "log_posts_per_day",
                      "log_campaign_span", "lockstep_excess", "lockstep_excess_mean",
                      "log_follow_out", "platform_twitter", "platform_instagram",
                      "platform_tiktok"),
    "blind_features": BLIND_FLAGS,
}


def ensure_default_model(out: str | os.PathLike | None = None, *, force: bool = False,
                         progress: bool = True, log=click.echo, seed: int | None = None) -> Path:
    """Return the directory of a usable model, training the default one if needed.

    Args:
        out: model directory; ``models.paths.default_model_dir()`` when omitted.
        force: train even when a usable model is already there.
        seed: seed of the simulated worlds (``DEFAULT_DATA``'s when omitted): the same
            design on other worlds, to measure how much a figure owes to the draw.
    """
    from detector.errors import ModelFileError
    from models.config import ModelConfig
    from models.estimator import FollowerClassifier
    from models.paths import default_model_dir
    from training.simulator.mixture import TrainingMix, training_graphs
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
    mix = TrainingMix(**{**DEFAULT_DATA, **({} if seed is None else {"seed": seed})})
    log(f"simulating the default training data: {mix.graphs} worlds of {mix.accounts:,} "
        f"accounts (seed {mix.seed})")
    graphs = training_graphs(mix, progress=log)
    train_model(graphs, ModelConfig(**DEFAULT_MODEL), directory, progress=progress, log=log,
                source={"simulator_mix": mix.to_dict()})
    log(f"default model ready in {time.perf_counter() - start:.0f}s: {directory}")
    return directory


@click.command("default-model")
@click.option("--out", type=click.Path(file_okay=False),
              help="Model directory [default: $FFD_MODEL_DIR or var/models/default].")
@click.option("--force", is_flag=True, help="Retrain even if a usable model is there.")
@click.option("--progress/--no-progress", default=True, show_default=True)
# One thread by default: the evidence model is small and per-account, and one thread
# leaves a core free for the server or the tests.
@click.option("--threads", type=click.IntRange(min=1), default=1, show_default=True,
              help="torch threads for this run.")
def default_model_command(out: str | None, force: bool, progress: bool,
                          threads: int | None) -> None:
    """Train the default model on simulated data unless a usable one exists."""
    from training.train import set_threads

    set_threads(threads)
    ensure_default_model(out, force=force, progress=progress)
