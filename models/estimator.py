"""``FollowerClassifier``: features + normalisation + GNN + temperature, behind the
scikit-learn surface (``fit``, ``predict_proba``, ``predict``) plus ``save``/``load``.

The CLI, the API and the benchmarks all go through this class, so an account is scored
the same way everywhere. What only training or the full forward pass needs (scikit-learn,
``torch_geometric``, the fitting loop) is imported where it is used: a process that loads
a model to score layer by layer (a Ray part) does without them.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import torch

from detector.drivers import Attribution, Attributor
from detector.errors import DetectorError, ModelFileError
from detector.features import (
    FEATURE_INDEX,
    FEATURE_NAMES,
    FEATURE_SCHEMA_VERSION,
    SKIPPABLE,
    compute_features,
)
from detector.graph import AccountGraph, union
from detector.schema import LABELS
from models.artifact import read_model_dir, write_model_dir
from models.attribution import fake_logit_attributions
from models.base import NodeClassifier
from models.calibration import expected_calibration_error, fit_temperature, softmax
from models.config import ModelConfig
from models.ensemble import EvidenceEnsemble
from models.evidence import EvidenceGNN, logits
from models.prep import (
    Normaliser,
    data_fingerprint,
    graph_of_rows,
    library_versions,
    member_shares,
    split_indices,
)
from models.registry import (
    blind_columns,
    build_model,
    feature_columns,
    model_arguments,
    null_context,
    unknown_columns,
)


@dataclass
class Outputs:
    """A model's raw outputs on one graph (``z``, ``z0``, ``t``: evidence models only)."""

    scores: np.ndarray  # [N, C] class logits
    z: np.ndarray | None = None  # [N] "not genuine" logit
    z0: np.ndarray | None = None  # [N] its part before the neighbourhood and the floor
    t: np.ndarray | None = None  # [N] bought (low) or mass follower (high)

    def proba(self, temperature: float) -> np.ndarray:
        """Calibrated probabilities: the logits over ``temperature``, or for an evidence
        model ``z`` over it (the split of the fakes into kinds is not rescaled)."""
        if self.z is None:
            return softmax(self.scores, temperature)
        t = None if self.t is None else torch.from_numpy(self.t)
        return softmax(logits(torch.from_numpy(self.z / temperature), t).numpy())


@dataclass
class Verdicts:
    """What ``FollowerClassifier.score`` says about every account of a graph."""

    proba: np.ndarray  # [N, C] calibrated probabilities, columns in classes_ order
    uncertain: np.ndarray  # [N] bool: too little observed, or odds too even
    attribute: Attributor | None  # what moved each score (evidence models), for reasons


#: A verdict whose probability of "not genuine" lies within this of 0.5 is uncertain.
UNCERTAIN_BAND = 0.15
#: Profile signals whose presence counts as evidence (``thin_evidence``).
_EVIDENCE_FLAGS = ("followers_missing", "following_missing", "posts_missing", "age_missing",
                   "avatar_missing")


def thin_evidence(features: np.ndarray) -> np.ndarray:
    """Accounts the data say too little about: at most one of followers, following,
    posts, creation date and avatar known, and no edge in the graph."""
    known = sum(features[:, FEATURE_INDEX[name]] < 0.5 for name in _EVIDENCE_FLAGS)
    return (known <= 1) & (features[:, FEATURE_INDEX["isolated"]] > 0.5)


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
    def fit(self, graph: AccountGraph | Sequence[AccountGraph], *, progress: bool = True,
            log=print, source: dict | None = None) -> FollowerClassifier:
        """Train on the labelled accounts of ``graph``; returns ``self``.

        ``graph`` may be a list of graphs (the default model's many simulated worlds):
        features are computed per graph (creation batches and lockstep never mix two
        graphs) and the graphs are trained on as one disjoint union.

        Uses the split the data carries (``accounts.split``), else a stratified split.
        ``source`` (JSON-safe) is recorded in the metadata's ``data`` entry.
        """
        from detector.tensors import to_data
        from models.fitting import FitResult, fit_members

        config = self.config or ModelConfig()
        graphs = [graph] if isinstance(graph, AccountGraph) else list(graph)
        if not graphs:
            raise DetectorError("training needs at least one graph")
        whole = union(graphs) if len(graphs) > 1 else graphs[0]
        label = whole.accounts.label.astype(np.int64)
        present = sorted(set(label[label >= 0].tolist()))
        if len(present) < 2:
            raise DetectorError(f"training needs at least two classes, the data has {len(present)}")
        self.classes_ = tuple(LABELS[c] for c in present)
        local = np.full(len(LABELS) + 1, -1, np.int64)
        local[present] = np.arange(len(present))
        y = local[label]  # -1 (unlabelled) maps through the last slot to -1
        split = split_indices(whole, config.val_fraction, config.test_fraction, config.seed)
        self.columns_ = feature_columns(config)
        features = np.concatenate([compute_features(g) for g in graphs])[:, self.columns_]
        self.normaliser_ = Normaliser.fit(features[split.train], config.clip,
                                          unknown_columns(self.columns_),
                                          blind_columns(config, self.columns_))
        data = to_data(whole, self.normaliser_.transform(features))
        log(f"{whole.summary()} in {len(graphs)} graph(s); classes {', '.join(self.classes_)}; "
            f"split ({split.source}) {split.sizes()}; {torch.get_num_threads()} threads")
        arguments = model_arguments(config, len(present))

        one = {key: value for key, value in arguments.items() if key != "members"}

        def build(k: int):
            member = build_model(config.model, one)
            self._set_null(member)
            return member

        fitted = fit_members(build, data.x, data.edge_index, data.edge_type,
                             torch.from_numpy(y),
                             member_shares(graphs, split.train, config.members, config.seed),
                             split.val, config, groups=torch.from_numpy(graph_of_rows(graphs)),
                             progress=progress, log=log)
        members, results = [m for m, _ in fitted], [r for _, r in fitted]
        self.model_ = members[0] if len(members) == 1 else EvidenceEnsemble.of(members)
        self.model_.eval()
        result = FitResult(state={}, best_epoch=max(r.best_epoch for r in results),
                           best_val_f1=max(r.best_val_f1 for r in results),
                           epochs_run=sum(r.epochs_run for r in results),
                           seconds=sum(r.seconds for r in results))
        out = self._outputs(data)
        self.temperature_ = self._fit_temperature(out, y, split.val) if config.calibrate else 1.0
        metrics = self._metrics(out, y, split)
        metrics.update(best_epoch=result.best_epoch, epochs_run=result.epochs_run,
                       train_seconds=round(result.seconds, 2))
        log(f"done: best epoch {result.best_epoch}, val macro-F1 {metrics['val']['macro_f1']:.4f}, "
            f"temperature {self.temperature_:.3f}, {result.seconds:.1f}s")
        self.metadata_ = self._describe(config, whole, split, metrics)
        self.metadata_["data"].update(graphs=len(graphs), **({"source": source} if source else {}))
        return self

    def _set_null(self, model) -> None:
        """Give an evidence model its "nothing observed" context row (normalised)."""
        if isinstance(model, EvidenceGNN):
            null = self.normaliser_.transform(null_context(self.columns_)[None, :])[0]
            model.context_null.copy_(torch.from_numpy(null[model.context_index.numpy()]))

    def _fit_temperature(self, out: Outputs, y: np.ndarray, val: np.ndarray) -> float:
        """The temperature minimising validation NLL. An evidence model's temperature
        scales only the "not genuine" logit ``z``, fitted on genuine against the rest, so
        that P(genuine) stays a function of ``z`` alone (and monotone where ``z`` is)."""
        if out.z is None or "genuine" not in self.classes_:
            return fit_temperature(out.scores[val], y[val])
        z = out.z[val]
        fake = (y[val] != self.classes_.index("genuine")).astype(np.int64)
        return fit_temperature(np.stack([np.zeros_like(z), z], axis=1), fake)

    def _metrics(self, outputs: Outputs, y: np.ndarray, split) -> dict[str, Any]:
        from sklearn.metrics import precision_recall_fscore_support

        from models.fitting import macro_f1

        out: dict[str, Any] = {"split": split.sizes(), "split_source": split.source,
                               "temperature": self.temperature_}
        raw_all, calibrated_all = outputs.proba(1.0), outputs.proba(self.temperature_)
        for name, index in (("val", split.val), ("test", split.test)):
            if len(index) == 0:
                out[name] = None
                continue
            raw, calibrated = raw_all[index], calibrated_all[index]
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
            from sklearn.exceptions import NotFittedError

            raise NotFittedError("this FollowerClassifier is not fitted; call fit() or load()")

    def _outputs(self, data) -> Outputs:
        """One forward pass over ``data`` (a ``Data`` or ``detector.tensors.Tensors``): the
        class logits, and for evidence models ``z``, ``z0``, ``t``."""
        with torch.inference_mode():
            if isinstance(self.model_, EvidenceGNN | EvidenceEnsemble):
                z, z0, t = (None if v is None else v.double()
                            for v in self.model_.parts(data.x, data.edge_index, data.edge_type))
                return Outputs(logits(z, t).numpy(), z.numpy(), z0.numpy(),
                               None if t is None else t.numpy())
            scores = self.model_(data.x, data.edge_index, data.edge_type).double().numpy()
            return Outputs(scores)

    def score(self, graph: AccountGraph, features: np.ndarray | None = None) -> Verdicts:
        """Probabilities, uncertainty flags and (evidence models) the attributor, from one
        forward pass.

        Args:
            graph: any graph (the model is inductive: it need not be the training graph).
            features: ``compute_features(graph)`` when the caller already has it.
        """
        self._check_fitted()
        if features is None:
            features = self.features(graph)
        if features.shape != (graph.num_accounts, len(FEATURE_NAMES)):
            raise ValueError(f"features must have shape ({graph.num_accounts}, "
                             f"{len(FEATURE_NAMES)}), got {features.shape}")
        if graph.num_accounts == 0:
            return Verdicts(np.zeros((0, len(self.classes_))), np.zeros(0, bool), None)
        from detector.tensors import to_tensors

        data = to_tensors(graph, self.normaliser_.transform(features[:, self.columns_]),
                          self.model_.relations)
        out = self._outputs(data)
        attribute = None if out.z is None else self._attributor(data.x, out.z - out.z0)
        proba = out.proba(self.temperature_)
        return Verdicts(proba, self.uncertain(features, proba), attribute)

    def features(self, graph: AccountGraph) -> np.ndarray:
        """``compute_features(graph)`` as this model reads it: without the costly columns
        it does not read, on as many threads as torch uses (one in each API worker)."""
        self._check_fitted()
        return compute_features(graph, skip=self.unread_features(),
                                threads=torch.get_num_threads())

    def unread_features(self) -> frozenset[str]:
        """The costly feature columns (``detector.features.SKIPPABLE``) this model does not
        read: ``compute_features(graph, skip=...)`` leaves them at 0 for it."""
        self._check_fitted()
        return SKIPPABLE.difference(FEATURE_NAMES[i] for i in self.columns_)

    def predict_proba(self, graph: AccountGraph, features: np.ndarray | None = None) -> np.ndarray:
        """Calibrated class probabilities, ``[num_accounts, len(classes_)]``, rows sum to 1
        (``score(graph, features).proba``)."""
        return self.score(graph, features).proba

    def _attributor(self, x: torch.Tensor, added: np.ndarray) -> Attributor:
        """How much each input moved the "not genuine" logit of given rows
        (``models.attribution``); ``added`` is what the neighbourhood and the floor added."""
        model, columns = self.model_, self.columns_

        def attribute(rows: np.ndarray) -> Attribution:
            rows = np.asarray(rows, dtype=np.int64)
            inputs = np.zeros((len(rows), len(FEATURE_NAMES)))
            inputs[:, columns] = fake_logit_attributions(model, x, rows)
            return Attribution(inputs, added[rows])

        return attribute

    def uncertain(self, features: np.ndarray, proba: np.ndarray) -> np.ndarray:
        """Per account, whether the verdict should not be trusted: too little was
        observed (``thin_evidence``) or the probability of "not genuine" lies within
        ``UNCERTAIN_BAND`` of even odds."""
        self._check_fitted()
        if "genuine" not in self.classes_:
            return thin_evidence(features)
        fake = 1.0 - proba[:, self.classes_.index("genuine")]
        return thin_evidence(features) | (np.abs(fake - 0.5) < UNCERTAIN_BAND)

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
        if normaliser.blind != blind_columns(config, columns):
            raise ModelFileError(f"{meta_file}: the normalisation's blind columns do not "
                                 f"match blind_features {list(config.blind_features)}")
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
