"""The social-graph simulator: labelled account graphs for training (docs/simulator.md)."""

from training.simulator.config import BEHAVIOURS, Behaviour, SimConfig
from training.simulator.core import simulate

__all__ = ["BEHAVIOURS", "Behaviour", "SimConfig", "simulate"]
