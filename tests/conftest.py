"""Fixtures shared by every test folder: one torch thread, and one tiny trained model
per session (the API, page and browser tests all score with it)."""

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
    """A small RGCN trained for a few epochs on a small simulated graph."""
    from models.config import ModelConfig
    from models.estimator import FollowerClassifier
    from training.simulator import SimConfig, simulate

    graph = simulate(SimConfig(accounts=400, seed=3))
    config = ModelConfig(hidden=16, epochs=8, patience=8, seed=0)
    classifier = FollowerClassifier(config).fit(graph, progress=False, log=lambda _: None)
    return classifier.save(tmp_path_factory.mktemp("model") / "tiny")
