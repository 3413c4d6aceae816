"""Typed training configuration: one dataclass, one comment per default.

The CLI maps its options onto these fields one to one, the saved model stores them in
its metadata, and ``ModelConfig.from_dict`` refuses unknown keys so a typo in a
configuration never silently falls back to a default.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Any

from detector.features import FEATURE_NAMES, FEATURES

#: Architectures ``models.registry`` can build.
MODEL_NAMES = ("evidence", "rgcn", "sage", "mlp")
#: Feature groups of ``detector.features.FEATURES``.
FEATURE_GROUP_NAMES = ("profile", "flags", "graph", "time")


@dataclass
class ModelConfig:
    """What to build and how to train it."""

    # "evidence" (monotone profile + context evidence over follows, models/evidence.py),
    # "rgcn" (relational GNN), "sage" (homogeneous GNN) or "mlp" (graph-blind)
    model: str = "rgcn"
    hidden: int = 64  # width of every hidden layer
    layers: int = 2  # graph convolutions (or hidden linear blocks for the MLP)
    dropout: float = 0.2  # dropout after the input encoder and each block
    epochs: int = 300  # upper bound; early stopping usually ends sooner
    lr: float = 0.01  # AdamW learning rate
    weight_decay: float = 5e-4  # AdamW weight decay
    patience: int = 40  # epochs without a better validation macro-F1 before stopping
    seed: int = 0  # seeds the split (when the data carries none) and the initial weights
    val_fraction: float = 0.15  # share of labelled accounts for validation (no split given)
    test_fraction: float = 0.15  # share of labelled accounts held out for testing
    # Weight the loss by inverse class frequency on train: True (each class alike),
    # "binary" (genuine against all non-genuine alike: P(genuine) = 0.5 is then the
    # balanced-accuracy decision, however rare the mass followers), "per_graph" ("binary"
    # inside each training graph, so that a trait of a whole simulated world cannot
    # stand for its share of fakes; models.fitting.graph_balanced_weights) or False.
    class_weights: bool | str = True
    calibrate: bool = True  # fit a temperature on validation so probabilities are honest
    clip: float = 8.0  # clip standardised features to +-clip: unseen graphs have outliers
    # Feature groups fed to the model; ("profile", "flags") makes a strictly graph-blind MLP.
    feature_groups: tuple[str, ...] = FEATURE_GROUP_NAMES
    # Feature names left out of those groups, e.g. one that extrapolates badly when the
    # data drifts (see docs/benchmarks.md); () keeps every feature of the groups.
    drop_features: tuple[str, ...] = ()
    # Selected ``*_missing`` flags the network does not read: they still mark which values
    # are unknown (imputed at the training mean, ``models.prep.Normaliser``) but reach
    # the network as 0. A flag set for a whole column says what a data set publishes,
    # not what an account is (docs/transfer-protocol.md, session 17).
    blind_features: tuple[str, ...] = ()
    steps: int = 2  # propagation rounds over follows (the evidence model only)
    # Evidence models averaged, each trained on its own share of the training graphs
    # (models/ensemble.py); 1: a single model.
    members: int = 1

    def __post_init__(self) -> None:
        self.feature_groups = tuple(self.feature_groups)  # a JSON list comes back as a list
        self.drop_features = tuple(self.drop_features)
        unknown_features = sorted(set(self.drop_features) - set(FEATURE_NAMES))
        if unknown_features:
            raise ValueError(f"drop_features names unknown features: {', '.join(unknown_features)}")
        kept = [f for f in FEATURES if f.group in self.feature_groups
                and f.name not in self.drop_features]
        if not kept:
            raise ValueError("drop_features leaves no feature of the selected groups")
        self.blind_features = tuple(self.blind_features)
        flags = {f.name for f in kept if f.name.endswith("_missing")}
        stray = sorted(set(self.blind_features) - flags)
        if stray:
            raise ValueError(f"blind_features must name selected *_missing flags, got "
                             f"{', '.join(stray)}")
        unknown = sorted(set(self.feature_groups) - set(FEATURE_GROUP_NAMES))
        if unknown or not self.feature_groups:
            raise ValueError(f"feature_groups must be a non-empty subset of "
                             f"{', '.join(FEATURE_GROUP_NAMES)}, got {self.feature_groups}")
        if self.model not in MODEL_NAMES:
            raise ValueError(f"model must be one of {', '.join(MODEL_NAMES)}, got {self.model!r}")
        if self.class_weights not in (True, False, "binary", "per_graph"):
            raise ValueError(f"class_weights must be true, false, 'binary' or 'per_graph', "
                             f"got {self.class_weights!r}")
        if self.members < 1 or (self.members > 1 and self.model != "evidence"):
            raise ValueError(f"members must be 1, or more for the evidence model, got "
                             f"{self.members} for {self.model!r}")
        if self.steps < 0:
            raise ValueError(f"steps must be at least 0, got {self.steps}")
        for name in ("hidden", "layers", "epochs", "patience"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be at least 1, got {getattr(self, name)}")
        if not 0.0 <= self.dropout < 1.0:
            raise ValueError(f"dropout must be in [0, 1), got {self.dropout}")
        if self.lr <= 0 or self.weight_decay < 0 or self.clip <= 0:
            raise ValueError("lr and clip must be positive and weight_decay non-negative")
        held_out = self.val_fraction + self.test_fraction
        if not (0 < self.val_fraction < 1 and 0 <= self.test_fraction < 1 and held_out < 1):
            raise ValueError(
                f"val_fraction ({self.val_fraction}) and test_fraction ({self.test_fraction}) "
                "must be shares that leave accounts to train on"
            )

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, values: dict[str, Any]) -> ModelConfig:
        """Build from a mapping; unknown keys are an error, missing keys take defaults."""
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(values) - known)
        if unknown:
            raise ValueError(f"unknown ModelConfig keys: {', '.join(unknown)}")
        return cls(**values)
