"""Fixtures shared by every test folder: one torch thread, and one tiny trained model of
the default kind per session (the API, page and browser tests all score with it)."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def one_thread():
    """Tiny graphs gain nothing from threads, and on a busy 2-core machine OpenMP
    spinning makes them many times slower; restore the setting afterwards."""
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


@pytest.fixture(scope="session")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny model of the default kind (an ensemble of two evidence models, the default
    model's features) trained for a few epochs on four small simulated worlds."""
    from models.config import ModelConfig
    from models.estimator import FollowerClassifier
    from training.default_model import DEFAULT_MODEL
    from training.simulator.mixture import TrainingMix, training_graphs

    graphs = training_graphs(TrainingMix(graphs=4, accounts=200, val_graphs=1, seed=3))
    config = ModelConfig(**{**DEFAULT_MODEL, "hidden": 16, "epochs": 8, "patience": 8,
                            "members": 2})
    classifier = FollowerClassifier(config).fit(graphs, progress=False, log=lambda _: None)
    return classifier.save(tmp_path_factory.mktemp("model") / "tiny")
