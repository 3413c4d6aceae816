"""benchmarks.labels: what a retrained candidate forgot, measured on unseen worlds."""

from __future__ import annotations

import numpy as np
import pytest

from benchmarks.labels import UNSEEN_WORLDS, on_worlds
from models.estimator import FollowerClassifier
from training.default_model import DEFAULT_DATA
from training.retrain import SIM_SEED
from training.simulator.mixture import TrainingMix, training_graphs


def test_the_unseen_worlds_are_drawn_by_neither_the_default_model_nor_a_retraining():
    assert UNSEEN_WORLDS["seed"] not in {DEFAULT_DATA["seed"], SIM_SEED}


def test_every_labelled_account_counts_whatever_its_split(model_dir):
    model = FollowerClassifier.load(model_dir)
    graphs = training_graphs(TrainingMix(graphs=2, accounts=150, val_graphs=1, seed=11))
    got = on_worlds(model, graphs)
    truth = np.concatenate([g.accounts.label for g in graphs])
    predicted = np.concatenate([model.predict(g) for g in graphs])[truth >= 0]
    truth = truth[truth >= 0]
    assert got["accounts"] == len(truth)
    fake, flagged = truth > 0, predicted != "genuine"
    assert got["flag_balanced_accuracy"] == pytest.approx(
        0.5 * (flagged[fake].mean() + (~flagged[~fake]).mean()), abs=1e-4)
