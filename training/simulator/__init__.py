"""The social-graph simulator: labelled account graphs for training (docs/simulator.md)."""

from training.simulator.config import BEHAVIOURS, Behaviour, SimConfig
from training.simulator.core import ROLES, simulate, simulate_roles

__all__ = ["BEHAVIOURS", "ROLES", "Behaviour", "SimConfig", "simulate", "simulate_roles"]
