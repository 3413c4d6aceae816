"""Fine-tuning a trained ``FollowerClassifier`` on analysts' labels, with simulated
graphs mixed in so that it does not forget what it knew.

The candidate starts from the base model's weights and keeps its feature columns,
normalisation and classes, so that on the first step it scores exactly as the base
does. Each full-batch step minimises

.. math::
    L = L_\\text{sim} + w \\, L_\\text{labels}

with :math:`L_\\text{sim}` the class-weighted cross-entropy of the simulated training
accounts (weighted as the base model was trained: ``ModelConfig.class_weights``),
:math:`L_\\text{labels}` that of the labelled accounts with each class weighing the same
(analysts label what they looked at, not a sample), and :math:`w` =
``FineTuneConfig.label_weight``. No early stopping: the labels held out for the
comparison must not choose the epoch, and the simulated validation graphs only refit
the temperature.
"""

from __future__ import annotations

import copy
import time
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime

import numpy as np
import torch
import torch.nn.functional as F

from detector.errors import DetectorError
from detector.features import compute_features
from detector.graph import AccountGraph, union
from detector.schema import LABELS, SPLIT_CODE
from detector.tensors import to_data
from models.estimator import FollowerClassifier
from models.fitting import class_weights
from models.prep import data_fingerprint


@dataclass(frozen=True)
class FineTuneConfig:
    """How far to move from the base model."""

    epochs: int = 60  # full-batch AdamW steps from the base weights
    lr: float = 0.003  # learning rate (the default model trained at 0.02)
    weight_decay: float = 5e-4  # AdamW weight decay
    label_weight: float = 1.0  # the labels' loss against the simulated accounts' (1: equal)
    seed: int = 0  # seeds dropout
    calibrate: bool = True  # refit the temperature on the simulated validation graphs

    def __post_init__(self) -> None:
        if self.epochs < 1 or self.lr <= 0 or self.label_weight < 0:
            raise ValueError(f"epochs must be >= 1, lr > 0 and label_weight >= 0, got {self}")

    def to_dict(self) -> dict:
        return asdict(self)


def _targets(graphs: list[AccountGraph], classes: tuple[str, ...]) -> np.ndarray:
    """Class index (in ``classes``) of every account of the stacked graphs, -1 unlabelled.

    Raises:
        DetectorError: an account carries a label the model has no class for.
    """
    label = np.concatenate([g.accounts.label for g in graphs]).astype(np.int64)
    local = np.full(len(LABELS) + 1, -1, np.int64)
    local[[LABELS.index(c) for c in classes]] = np.arange(len(classes))
    y = local[label]
    foreign = sorted({LABELS[c] for c in label[(label >= 0) & (y < 0)].tolist()})
    if foreign:
        raise DetectorError(f"labels {', '.join(foreign)} are not classes of the base model "
                            f"({', '.join(classes)})")
    return y


def fine_tune(base: FollowerClassifier, labelled: list[AccountGraph],
              simulated: list[AccountGraph], config: FineTuneConfig | None = None, *,
              log: Callable[[str], object] = print) -> FollowerClassifier:
    """A new classifier: ``base`` trained further on ``labelled`` (graphs whose labelled
    accounts are the analysts' training labels) and ``simulated`` (labelled simulator
    graphs; accounts with ``split`` "val" only refit the temperature).

    ``base`` is not changed.
    """
    config = config or FineTuneConfig()
    base._check_fitted()
    graphs = list(labelled) + list(simulated)
    n_labelled = sum(g.num_accounts for g in labelled)
    y = _targets(graphs, base.classes_)
    rows = np.arange(len(y))
    split = np.concatenate([g.accounts.split for g in graphs])
    from_labels = (rows < n_labelled) & (y >= 0)
    sim_train = (rows >= n_labelled) & (y >= 0) & (split != SPLIT_CODE["val"])
    sim_val = np.flatnonzero((rows >= n_labelled) & (y >= 0) & (split == SPLIT_CODE["val"]))
    if not from_labels.any():
        raise DetectorError("no labelled account to fine-tune on")
    features = np.concatenate([compute_features(g) for g in graphs])[:, base.columns_]
    whole = union(graphs) if len(graphs) > 1 else graphs[0]
    data = to_data(whole, base.normaliser_.transform(features))
    k = len(base.classes_)
    binary = base.config is not None and base.config.class_weights == "binary"
    label_rows, sim_rows = np.flatnonzero(from_labels), np.flatnonzero(sim_train)
    # (rows, their class weights): the labels first, then the simulated accounts if any.
    parts = [(torch.from_numpy(label_rows), class_weights(y[label_rows], k))]
    if len(sim_rows):
        parts.append((torch.from_numpy(sim_rows), class_weights(y[sim_rows], k, binary)))
    target = torch.from_numpy(y)

    model = copy.deepcopy(base.model_)
    optimiser = torch.optim.AdamW(model.parameters(), lr=config.lr,
                                  weight_decay=config.weight_decay)
    start = time.perf_counter()
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(config.seed)
        model.train()
        for epoch in range(1, config.epochs + 1):
            optimiser.zero_grad(set_to_none=True)
            logits = model(data.x, data.edge_index, data.edge_type)
            losses = [F.cross_entropy(logits[index], target[index], weight=weight)
                      for index, weight in parts]
            loss = config.label_weight * losses[0] + sum(losses[1:])
            loss.backward()
            optimiser.step()
            if epoch == 1 or epoch % 20 == 0 or epoch == config.epochs:
                log(f"fine-tune epoch {epoch}/{config.epochs}  loss {float(loss.detach()):.4f}  "
                    f"(labels {float(losses[0].detach()):.4f})")
    model.eval()
    tuned = _like(base, model)
    out = tuned._outputs(data)
    if config.calibrate and len(sim_val):
        tuned.temperature_ = tuned._fit_temperature(out, y, sim_val)
    seconds = time.perf_counter() - start
    log(f"fine-tuned in {seconds:.1f}s on {int(from_labels.sum()):,} labelled and "
        f"{int(sim_train.sum()):,} simulated accounts; temperature {tuned.temperature_:.3f}")
    tuned.metadata_ = _describe(base, tuned, whole, config, {
        "labelled_accounts": int(from_labels.sum()), "simulated_accounts": int(sim_train.sum()),
        "labelled_graphs": len(labelled), "simulated_graphs": len(simulated),
        "seconds": round(seconds, 2)})
    return tuned


def _like(base: FollowerClassifier, model: torch.nn.Module) -> FollowerClassifier:
    """A classifier with ``base``'s columns, normalisation, classes and temperature and
    ``model``'s weights."""
    tuned = FollowerClassifier(base.config)
    tuned.columns_, tuned.normaliser_ = base.columns_, base.normaliser_
    tuned.classes_, tuned.temperature_ = base.classes_, base.temperature_
    tuned.model_ = model
    return tuned


def _describe(base: FollowerClassifier, tuned: FollowerClassifier, whole: AccountGraph,
              config: FineTuneConfig, counts: dict) -> dict:
    """``base``'s metadata with a new identity, the temperature, data and lineage."""
    now = datetime.now(UTC)
    meta = copy.deepcopy(base.metadata_)
    for key in ("format", "files", "metadata_sha256"):
        meta.pop(key, None)
    name = meta.get("model", {}).get("name", "model")
    meta.update(id=uuid.uuid4().hex, version=f"{name}-labels-{now:%Y%m%d-%H%M%S}",
                created_at=now.strftime("%Y-%m-%dT%H:%M:%SZ"),
                temperature=tuned.temperature_, data=data_fingerprint(whole),
                metrics={"base": base.metadata_.get("metrics")},
                parent={"id": base.metadata_.get("id"), "version": base.metadata_.get("version"),
                        "metadata_sha256": base.metadata_.get("metadata_sha256")},
                fine_tuning={**config.to_dict(), **counts})
    return meta
