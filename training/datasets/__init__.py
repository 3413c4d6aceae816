"""Real data sets and exchange formats converted into the ``account-graph/1`` contract."""

from training.datasets.cresci import load_cresci
from training.datasets.registry import NAMED, load_any
from training.datasets.shared import DATA_ENV, data_root
from training.datasets.twibot import load_twibot

__all__ = ["DATA_ENV", "NAMED", "data_root", "load_any", "load_cresci", "load_twibot"]
