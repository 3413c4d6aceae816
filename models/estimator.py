"""``FollowerClassifier``: features + normalisation + GNN + temperature, behind the
scikit-learn surface (``fit``, ``predict_proba``, ``predict``) plus ``save``/``load``.

The CLI, the API and the benchmarks all go through this class, so an account is scored
the same way everywhere.
"""

from __future__ import annotations

import os
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import torch
from sklearn.exceptions import NotFittedError
from sklearn.metrics import precision_recall_fscore_support

from detector.errors import DetectorError, ModelFileError
from detector.features import FEATURE_NAMES, FEATURE_SCHEMA_VERSION, compute_features
from detector.graph import AccountGraph
from detector.schema import LABELS
from detector.tensors import to_data
from models.artifact import read_model_dir, write_model_dir
from models.base import NodeClassifier
from models.calibration import expected_calibration_error, fit_temperature, softmax
from models.config import ModelConfig
from models.fitting import fit_model, macro_f1
from models.prep import Normaliser, data_fingerprint, library_versions, split_indices
from models.registry import build_model, feature_columns, model_arguments


class FollowerClassifier:
    """Classifies every account of a graph as genuine, bought or mass follower.

    Args:
        config: what to build and how to train; ``ModelConfig()`` when omitted.

    Attributes (after ``fit`` or ``load``):
        classes_: class names, a subset of ``LABELS`` in ``LABELS`` order.
        model_: the trained ``NodeClassifier``.
        normaliser_: feature standardisation learned on the training accounts.
        temperature_: the calibration temperature fitted on validation.
        metadata_: everything ``model.json`` records (see docs/models.md).
    """

    def __init__(self, config: ModelConfig | None = None) -> None:
        self.config = config

    # ------------------------------------------------------------------ training
    def fit(self, graph: AccountGraph, *, progress: bool = True, log=print) -> FollowerClassifier:
        """Train on the labelled accounts of ``graph``; returns ``self``.

        Uses the split the data carries (``accounts.split``), else a stratified split.
        """
        config = self.config or ModelConfig()
        label = graph.accounts.label.astype(np.int64)
        present = sorted(set(label[label >= 0].tolist()))
        if len(present) < 2:
            raise DetectorError(f"training needs at least two classes, the data has {len(present)}")
        self.classes_ = tuple(LABELS[c] for c in present)
        local = np.full(len(LABELS) + 1, -1, np.int64)
        local[present] = np.arange(len(present))
        y = local[label]  # -1 (unlabelled) maps through the last slot to -1
        split = split_indices(graph, config.val_fraction, config.test_fraction, config.seed)
        self.columns_ = feature_columns(config)
        features = compute_features(graph)[:, self.columns_]
        self.normaliser_ = Normaliser.fit(features[split.train], config.clip)
        data = to_data(graph, self.normaliser_.transform(features))
        log(f"{graph.summary()}; classes {', '.join(self.classes_)}; "
            f"split ({split.source}) {split.sizes()}; {torch.get_num_threads()} threads")
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(config.seed)
            self.model_ = build_model(config.model, model_arguments(config, len(present)))
            result = fit_model(
                self.model_, data.x, data.edge_index, data.edge_type, torch.from_numpy(y),
                torch.from_numpy(split.train), torch.from_numpy(split.val), config,
                progress=progress, log=log,
            )
        logits = self._logits(data)
        self.temperature_ = (fit_temperature(logits[split.val], y[split.val])
                             if config.calibrate else 1.0)
        metrics = self._metrics(logits, y, split)
        metrics.update(best_epoch=result.best_epoch, epochs_run=result.epochs_run,
                       train_seconds=round(result.seconds, 2))
        log(f"done: best epoch {result.best_epoch}, val macro-F1 {metrics['val']['macro_f1']:.4f}, "
            f"temperature {self.temperature_:.3f}, {result.seconds:.1f}s")
        self.metadata_ = self._describe(config, graph, split, metrics)
        return self

    def _metrics(self, logits: np.ndarray, y: np.ndarray, split) -> dict[str, Any]:
        out: dict[str, Any] = {"split": split.sizes(), "split_source": split.source,
                               "temperature": self.temperature_}
        for name, index in (("val", split.val), ("test", split.test)):
            if len(index) == 0:
                out[name] = None
                continue
            raw, calibrated = softmax(logits[index]), softmax(logits[index], self.temperature_)
            pred = calibrated.argmax(1)
            p, r, f, n = precision_recall_fscore_support(
                y[index], pred, labels=list(range(len(self.classes_))), zero_division=0)
            out[name] = {
                "accounts": int(len(index)),
                "macro_f1": macro_f1(y[index], pred, len(self.classes_)),
                "accuracy": float((pred == y[index]).mean()),
                "ece_before": expected_calibration_error(raw, y[index]),
                "ece_after": expected_calibration_error(calibrated, y[index]),
                "per_class": {c: {"precision": float(p[k]), "recall": float(r[k]),
                                  "f1": float(f[k]), "support": int(n[k])}
                              for k, c in enumerate(self.classes_)},
            }
        return out

    def _describe(self, config: ModelConfig, graph: AccountGraph, split, metrics) -> dict:
        now = datetime.now(UTC)
        return {
            "id": uuid.uuid4().hex,
            # Human-readable name of this training run, shown by the API.
            "version": f"{config.model}-{now:%Y%m%d-%H%M%S}",
            "created_at": now.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "model": {"name": config.model, "arguments": self.model_.arguments(),
                      "repr": repr(self.model_)},
            "classes": list(self.classes_),
            "feature_schema_version": FEATURE_SCHEMA_VERSION,
            "feature_names": list(FEATURE_NAMES),
            "normalisation": self.normaliser_.to_dict(),
            "temperature": self.temperature_,
            "training": config.to_dict(),
            "data": data_fingerprint(graph),
            "metrics": metrics,
            "libraries": library_versions(),
        }

    # ------------------------------------------------------------------ inference
    def _check_fitted(self) -> None:
        if not hasattr(self, "model_"):
            raise NotFittedError("this FollowerClassifier is not fitted; call fit() or load()")

    def _logits(self, data) -> np.ndarray:
        with torch.inference_mode():
            return self.model_(data.x, data.edge_index, data.edge_type).double().numpy()

    def predict_proba(self, graph: AccountGraph, features: np.ndarray | None = None) -> np.ndarray:
        """Calibrated class probabilities, ``[num_accounts, len(classes_)]``, rows sum to 1.

        Args:
            graph: any graph (the model is inductive: it need not be the training graph).
            features: ``compute_features(graph)`` when the caller already has it.
        """
        self._check_fitted()
        if features is None:
            features = compute_features(graph)
        if features.shape != (graph.num_accounts, len(FEATURE_NAMES)):
            raise ValueError(f"features must have shape ({graph.num_accounts}, "
                             f"{len(FEATURE_NAMES)}), got {features.shape}")
        if graph.num_accounts == 0:
            return np.zeros((0, len(self.classes_)))
        data = to_data(graph, self.normaliser_.transform(features[:, self.columns_]))
        return softmax(self._logits(data), self.temperature_)

    def predict(self, graph: AccountGraph, features: np.ndarray | None = None) -> np.ndarray:
        """The most probable class name of every account (object array of ``str``)."""
        proba = self.predict_proba(graph, features)
        return np.asarray(self.classes_, dtype=object)[proba.argmax(axis=1)]

    # ------------------------------------------------------------------ persistence
    def save(self, directory: str | os.PathLike) -> Path:
        """Write the model directory atomically (see ``models.artifact``)."""
        self._check_fitted()
        return write_model_dir(directory, self.model_.state_dict(), self.metadata_)

    @classmethod
    def load(cls, directory: str | os.PathLike) -> FollowerClassifier:
        """Rebuild the saved model exactly; refuses anything it cannot verify.

        Raises:
            ModelFileError: naming the missing, corrupt or mismatched file.
        """
        metadata, tensors = read_model_dir(directory)
        meta_file = Path(directory) / "model.json"
        try:
            config = ModelConfig.from_dict(metadata["training"])
            model: NodeClassifier = build_model(metadata["model"]["name"],
                                                metadata["model"]["arguments"])
            model.load_state_dict(tensors, strict=True)
            normaliser = Normaliser.from_dict(metadata["normalisation"])
            classes = tuple(metadata["classes"])
        except (KeyError, TypeError, ValueError, RuntimeError) as exc:
            raise ModelFileError(
                f"{meta_file}: does not describe the saved weights ({exc})") from None
        if not set(classes) <= set(LABELS) or len(classes) != model.out_channels:
            raise ModelFileError(f"{meta_file}: classes {classes} do not fit the model")
        columns = feature_columns(config)
        if normaliser.mean.shape != columns.shape or model.in_channels != len(columns):
            raise ModelFileError(f"{meta_file}: normalisation or model width does not match "
                                 f"the {len(columns)} selected features")
        model.eval()
        self = cls(config)
        self.columns_ = columns
        self.model_, self.normaliser_, self.classes_ = model, normaliser, classes
        self.temperature_ = float(metadata["temperature"])
        self.metadata_ = metadata
        return self

    def __repr__(self) -> str:
        inner = repr(self.model_) if hasattr(self, "model_") else "unfitted"
        return f"FollowerClassifier({inner})"
