"""Small simulated graphs shared by the simulator tests (each takes well under a second)."""

from __future__ import annotations

import pytest

from training.simulator import SimConfig, simulate


@pytest.fixture(scope="session")
def realistic():
    return simulate(SimConfig(accounts=6_000, seed=3))


@pytest.fixture(scope="session")
def audit_graph():
    return simulate(SimConfig(accounts=3_000, seed=4, audit_of="influencer",
                              bought_share=0.25, mass_share=0.15))
