"""Model names -> classes, and the one function that builds a model from its arguments.

The saved model stores ``(name, arguments)``; ``build_model`` rebuilds exactly that
model, so loading never needs code from the checkpoint (no pickle).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from detector.features import FEATURE_GROUPS, FEATURE_INDEX
from detector.tensors import NUM_RELATIONS
from models.base import NodeClassifier
from models.config import ModelConfig
from models.mlp import MLP
from models.rgcn import RGCN
from models.sage import SAGE

MODELS: dict[str, type[NodeClassifier]] = {"rgcn": RGCN, "sage": SAGE, "mlp": MLP}


def build_model(name: str, arguments: dict[str, Any]) -> NodeClassifier:
    """Build the model called ``name`` with its constructor ``arguments``."""
    if name not in MODELS:
        raise ValueError(f"unknown model {name!r}; known: {', '.join(MODELS)}")
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
    if config.model == "rgcn":
        position = {column: k for k, column in enumerate(columns)}
        groups = [[position[i] for i in FEATURE_GROUPS[g] if i in position]
                  for g in FEATURE_GROUPS if g in config.feature_groups]
        args["groups"] = [g for g in groups if g]  # a group whose features were all dropped
        args["num_relations"] = NUM_RELATIONS
    return args
