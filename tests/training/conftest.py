"""Graph files for the CLI tests, built from the tiny graphs of tests/models."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

from detector.io import save_graph

from ..models.tiny_graphs import make_graph


@pytest.fixture(autouse=True)
def one_thread():
    """Tiny graphs gain nothing from threads (see tests/models/conftest.py)."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


@pytest.fixture
def graph_file(tmp_path) -> Path:
    return save_graph(make_graph(90, seed=0), tmp_path / "train.json")


@pytest.fixture
def unseen_file(tmp_path) -> Path:
    return save_graph(make_graph(60, seed=5), tmp_path / "unseen.json")


@pytest.fixture
def two_class_graph():
    return make_graph(60, classes=("genuine", "bought"))
