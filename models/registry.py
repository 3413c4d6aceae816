"""Model names -> classes, and the one function that builds a model from its arguments.

The saved model stores ``(name, arguments)``; ``build_model`` rebuilds exactly that
model, so loading never needs code from the checkpoint (no pickle).

A model's class is named as ``"module:Class"`` and imported when it is first built: a
process that only scores with the evidence model (a Ray part, the API) never imports
the baselines' layers (``torch_geometric.nn``).
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

import numpy as np

from detector.features import FEATURE_GROUPS, FEATURE_INDEX, FEATURE_NAMES, FEATURES
from models.config import ModelConfig

if TYPE_CHECKING:
    from models.base import NodeClassifier
    from models.ensemble import EvidenceEnsemble
    from models.evidence import EvidenceGNN

    #: Any model the registry builds.
    Model = NodeClassifier | EvidenceGNN | EvidenceEnsemble

#: Every model by name, as ``"module:Class"`` (``model_class`` imports it).
MODELS: dict[str, str] = {
    "evidence": "models.evidence:EvidenceGNN", "rgcn": "models.rgcn:RGCN",
    "sage": "models.sage:SAGE", "mlp": "models.mlp:MLP"}
#: What an evidence model with ``members`` is built as.
ENSEMBLE = "models.ensemble:EvidenceEnsemble"
#: Feature groups the evidence model reads as profile (the rest is context).
PROFILE_GROUPS = ("profile", "flags")


def model_class(name: str) -> type:
    """The class of the model called ``name``, imported on first use."""
    if name not in MODELS:
        raise ValueError(f"unknown model {name!r}; known: {', '.join(MODELS)}")
    return _resolve(MODELS[name])


def _resolve(spec: str) -> type:
    module, _, attribute = spec.partition(":")
    return getattr(import_module(module), attribute)


def build_model(name: str, arguments: dict[str, Any]) -> Model:
    """Build the model called ``name`` with its constructor ``arguments`` (an evidence
    model with ``members`` is an ``EvidenceEnsemble``)."""
    cls = model_class(name)
    if name == "evidence" and "members" in arguments:
        return _resolve(ENSEMBLE)(**arguments)
    return cls(**arguments)


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
        from detector.tensors import NUM_RELATIONS  # torch_geometric: only when asked

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


def blind_columns(config: ModelConfig, columns: np.ndarray) -> tuple[int, ...]:
    """``Normaliser`` blind positions in ``columns``: ``config.blind_features``."""
    blind = {FEATURE_INDEX[name] for name in config.blind_features}
    return tuple(k for k, c in enumerate(columns.tolist()) if c in blind)


def null_context(columns: np.ndarray) -> np.ndarray:
    """The raw selected features of an account seen without any edge: all 0 but
    ``isolated`` (the evidence model's "nothing observed" context row)."""
    row = np.zeros(len(FEATURE_NAMES), np.float32)
    row[FEATURE_INDEX["isolated"]] = 1.0
    return row[columns]
