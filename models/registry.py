"""Model names -> classes, and the one function that builds a model from its arguments.

The saved model stores ``(name, arguments)``; ``build_model`` rebuilds exactly that
model, so loading never needs code from the checkpoint (no pickle).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from detector.features import FEATURE_GROUPS, FEATURE_INDEX, FEATURE_NAMES, FEATURES
from detector.tensors import NUM_RELATIONS
from models.base import NodeClassifier
from models.config import ModelConfig
from models.ensemble import EvidenceEnsemble
from models.evidence import EvidenceGNN
from models.mlp import MLP
from models.rgcn import RGCN
from models.sage import SAGE

MODELS: dict[str, type[NodeClassifier] | type[EvidenceGNN]] = {
    "evidence": EvidenceGNN, "rgcn": RGCN, "sage": SAGE, "mlp": MLP}
#: Any model the registry builds.
Model = NodeClassifier | EvidenceGNN | EvidenceEnsemble
#: Feature groups the evidence model reads as profile (the rest is context).
PROFILE_GROUPS = ("profile", "flags")


def build_model(name: str, arguments: dict[str, Any]) -> Model:
    """Build the model called ``name`` with its constructor ``arguments`` (an evidence
    model with ``members`` is an ``EvidenceEnsemble``)."""
    if name not in MODELS:
        raise ValueError(f"unknown model {name!r}; known: {', '.join(MODELS)}")
    if name == "evidence" and "members" in arguments:
        return EvidenceEnsemble(**arguments)
    return MODELS[name](**arguments)


def feature_columns(config: ModelConfig) -> np.ndarray:
    """Indices into ``FEATURE_NAMES`` of the groups ``config`` selects, in table order,
    without ``config.drop_features``."""
    dropped = {FEATURE_INDEX[name] for name in config.drop_features}
    return np.asarray(sorted(i for g in config.feature_groups for i in FEATURE_GROUPS[g]
                             if i not in dropped), dtype=np.int64)


def model_arguments(config: ModelConfig, num_classes: int) -> dict[str, Any]:
    """Constructor arguments for ``config.model`` on the selected feature columns."""
    columns = feature_columns(config).tolist()
    args: dict[str, Any] = {
        "in_channels": len(columns),
        "hidden_channels": config.hidden,
        "out_channels": num_classes,
        "num_layers": config.layers,
        "dropout": config.dropout,
    }
    if config.model == "evidence":
        profile = [k for k, column in enumerate(columns)
                   if FEATURES[column].group in PROFILE_GROUPS]
        args["profile"] = profile
        args["monotone"] = [FEATURES[column].sign for column in columns]
        args["steps"] = config.steps
        if config.members > 1:
            args["members"] = config.members
    if config.model == "rgcn":
        position = {column: k for k, column in enumerate(columns)}
        groups = [[position[i] for i in FEATURE_GROUPS[g] if i in position]
                  for g in FEATURE_GROUPS if g in config.feature_groups]
        args["groups"] = [g for g in groups if g]  # a group whose features were all dropped
        args["num_relations"] = NUM_RELATIONS
    return args


def unknown_columns(columns: np.ndarray) -> tuple[tuple[int, tuple[int, ...]], ...]:
    """``Normaliser`` pairs, in positions of ``columns``: each selected feature whose
    ``unknown_when`` flags are all selected too, with those flags' positions."""
    position = {int(c): k for k, c in enumerate(columns)}
    out = []
    for k, column in enumerate(columns):
        flags = [position.get(FEATURE_INDEX[f]) for f in FEATURES[column].unknown_when]
        if flags and None not in flags:
            out.append((k, tuple(flags)))
    return tuple(out)


def null_context(columns: np.ndarray) -> np.ndarray:
    """The raw selected features of an account seen without any edge: all 0 but
    ``isolated`` (the evidence model's "nothing observed" context row)."""
    row = np.zeros(len(FEATURE_NAMES), np.float32)
    row[FEATURE_INDEX["isolated"]] = 1.0
    return row[columns]
