"""Fine-tuning starts from the base model (same columns, normalisation, classes and,
before any step, the same scores), never changes it, and refuses what it cannot learn."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
import torch

from detector.errors import DetectorError
from detector.validate import parse_graph
from models.estimator import FollowerClassifier
from models.finetune import FineTuneConfig, fine_tune
from tests.api.conftest import audit_document


def labelled(mark: str | None):
    graph = parse_graph(audit_document(20, 20, labels=True))
    label = graph.accounts.label.copy()
    if mark is None:
        label[:] = -1
    return dataclasses.replace(graph, accounts=dataclasses.replace(graph.accounts, label=label))


def test_a_vanishing_step_scores_as_the_base_and_the_base_is_untouched(model_dir):
    base = FollowerClassifier.load(model_dir)
    before = {k: v.clone() for k, v in base.model_.state_dict().items()}
    graph = labelled("genuine")
    tuned = fine_tune(base, [graph], [], FineTuneConfig(epochs=1, lr=1e-12, calibrate=False),
                      log=lambda _: None)
    assert tuned.classes_ == base.classes_ and tuned.normaliser_ is base.normaliser_
    np.testing.assert_allclose(tuned.predict_proba(graph), base.predict_proba(graph), atol=1e-6)
    assert all(torch.equal(v, base.model_.state_dict()[k]) for k, v in before.items())
    assert tuned.metadata_["parent"]["id"] == base.metadata_["id"] != tuned.metadata_["id"]
    assert tuned.metadata_["fine_tuning"]["labelled_accounts"] == 41  # with the target


def test_without_labels_there_is_nothing_to_fine_tune(model_dir):
    base = FollowerClassifier.load(model_dir)
    with pytest.raises(DetectorError, match="no labelled account"):
        fine_tune(base, [labelled(None)], [], log=lambda _: None)


def test_the_config_refuses_nonsense():
    with pytest.raises(ValueError, match="epochs must be >= 1"):
        FineTuneConfig(epochs=0)
