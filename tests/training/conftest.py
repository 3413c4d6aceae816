"""Graph files for the CLI tests, built from the tiny graphs of tests/models; a small
evidence model and a local Ray instance for the partitioned engine's tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from detector.io import save_graph
from models.config import ModelConfig
from models.estimator import FollowerClassifier

from ..models.tiny_graphs import make_graph


@pytest.fixture
def graph_file(tmp_path) -> Path:
    return save_graph(make_graph(90, seed=0), tmp_path / "train.json")


@pytest.fixture
def unseen_file(tmp_path) -> Path:
    return save_graph(make_graph(60, seed=5), tmp_path / "unseen.json")


@pytest.fixture
def two_class_graph():
    return make_graph(60, classes=("genuine", "bought"))


@pytest.fixture(scope="session")
def evidence_dir(tmp_path_factory):
    """A 2-member evidence ensemble (the default model's kind) trained for a few epochs."""
    config = ModelConfig(model="evidence", hidden=8, layers=2, epochs=4, patience=4,
                         members=2)
    out = tmp_path_factory.mktemp("evidence")
    FollowerClassifier(config).fit(make_graph(90, seed=0), progress=False,
                                   log=lambda _m: None).save(out)
    return out


@pytest.fixture(scope="module")
def local_ray():
    """A local Ray instance whose workers import this checkout's code, as
    ``training.ray_score.score_shards_ray`` arranges it."""
    ray = pytest.importorskip("ray", reason="ray is an optional extra: pip install .[scale]")
    from training.partwise.memory import WORKER_ENV
    from training.ray_score import ROOT

    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False,
             runtime_env={"env_vars": {"PYTHONPATH": str(ROOT), **WORKER_ENV}})
    yield ray
    ray.shutdown()
