"""The model registry: names resolve to classes on demand, and loading a model to score
does not import what only training or the baselines need."""

import subprocess
import sys

import pytest
import torch

from models.base import NodeClassifier
from models.config import ModelConfig
from models.ensemble import EvidenceEnsemble
from models.evidence import EvidenceGNN
from models.registry import MODELS, build_model, model_arguments, model_class


@pytest.mark.parametrize("name", list(MODELS))
def test_every_name_resolves_to_a_model_class(name):
    cls = model_class(name)
    assert isinstance(cls, type) and issubclass(cls, torch.nn.Module)
    model = build_model(name, model_arguments(ModelConfig(model=name, hidden=8), 3))
    assert type(model) is cls
    assert isinstance(model, NodeClassifier | EvidenceGNN)


def test_an_evidence_model_with_members_is_an_ensemble():
    config = ModelConfig(model="evidence", hidden=8, members=2)
    assert isinstance(build_model("evidence", model_arguments(config, 3)), EvidenceEnsemble)


def test_an_unknown_name_is_refused_naming_the_known_ones():
    with pytest.raises(ValueError, match="unknown model 'gat'.*evidence, rgcn, sage, mlp"):
        model_class("gat")


def test_loading_the_scoring_path_imports_neither_sklearn_nor_torch_geometric():
    code = ("import sys, models.estimator, models.registry, training.partwise.worker; "
            "models.registry.model_class('evidence'); "
            "print(sorted(m for m in ('sklearn', 'torch_geometric') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "[]"
