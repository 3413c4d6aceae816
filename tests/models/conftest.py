"""Fixtures of the model tests; the graphs come from ``tiny_graphs``."""

from __future__ import annotations

import pytest

from detector.graph import AccountGraph

from .tiny_graphs import make_graph


@pytest.fixture
def graph() -> AccountGraph:
    return make_graph()


@pytest.fixture(autouse=True)
def one_thread():
    """Tiny graphs gain nothing from threads, and on a busy 2-core machine OpenMP
    spinning makes them many times slower; restore the setting afterwards."""
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)
