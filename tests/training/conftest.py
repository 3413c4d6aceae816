"""Graph files for the CLI tests, built from the tiny graphs of tests/models."""

from __future__ import annotations

from pathlib import Path

import pytest

from detector.io import save_graph

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
