"""Fixtures of the model tests; the graphs come from ``tiny_graphs``."""

from __future__ import annotations

import pytest

from detector.graph import AccountGraph

from .tiny_graphs import make_graph


@pytest.fixture
def graph() -> AccountGraph:
    return make_graph()


