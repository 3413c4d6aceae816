"""The full-batch training loop: weighted cross-entropy, AdamW, early stopping on
validation macro-F1, a progress bar and one line per epoch.

Full batch because neighbour sampling needs pyg-lib/torch-sparse (not installable here)
and because the graphs we train on (up to ~10^5 accounts) fit in memory whole.
"""

from __future__ import annotations

import copy
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import torch
import torch.nn.functional as F
from torch import Tensor
from torch_geometric.utils import subgraph
from tqdm.auto import tqdm

from models.base import NodeClassifier
from models.config import ModelConfig


@dataclass
class FitResult:
    """What the loop learned: the best weights and how it got there."""

    state: dict[str, Tensor]
    best_epoch: int
    best_val_f1: float
    epochs_run: int
    seconds: float
    history: list[dict[str, float]] = field(default_factory=list)


def class_weights(y_train: np.ndarray, num_classes: int, binary: bool = False) -> Tensor:
    """Inverse-frequency weights ``n / (K n_c)``, so each class weighs the same in the loss.

    With ``binary``, class 0 (genuine) weighs as much as all other classes together,
    which share their half by their own frequencies: the genuine-or-not decision then
    sees equal priors, without inflating a rare kind of fake.
    """
    counts = np.bincount(y_train, minlength=num_classes).astype(np.float64)
    if binary:
        fake = counts[1:].sum()
        weights = np.full(num_classes, len(y_train) / (2 * max(fake, 1.0)))
        weights[0] = len(y_train) / (2 * max(counts[0], 1.0))
    else:
        weights = len(y_train) / (num_classes * np.maximum(counts, 1.0))
    return torch.tensor(weights, dtype=torch.float32)


def graph_balanced_weights(y: np.ndarray, groups: np.ndarray) -> Tensor:
    """Per-row weights under which, inside every graph (``groups``), the genuine rows
    weigh as much as the others together; each graph keeps its number of rows as its
    weight, and the weights average 1.

    With the "binary" class weights pooled over many simulated worlds, a trait of a
    whole world (how its collector saw it, how its platform counts) tells the loss how
    many fakes the world holds, and a model learns it as evidence. Balanced inside each
    world it carries none: only what tells accounts apart inside a world is learned.
    """
    y, groups = np.asarray(y), np.asarray(groups)
    fake = (y != 0).astype(np.int64)
    cell = groups.astype(np.int64) * 2 + fake
    counts = np.bincount(cell, minlength=2 * (int(groups.max()) + 1) if len(groups) else 0)
    size = counts[0::2] + counts[1::2]
    present = (counts[0::2] > 0).astype(np.int64) + (counts[1::2] > 0)
    weights = size[groups] / (present[groups] * counts[cell])
    return torch.tensor(weights / weights.mean() if len(weights) else weights,
                        dtype=torch.float32)


def _loss(logits: Tensor, y: Tensor, weight: Tensor | None,
          row_weight: Tensor | None) -> Tensor:
    if row_weight is None:
        return F.cross_entropy(logits, y, weight=weight)
    return (F.cross_entropy(logits, y, reduction="none") * row_weight).mean()


def macro_f1(y_true: np.ndarray, y_pred: np.ndarray, num_classes: int) -> float:
    """Unweighted mean of per-class F1 (0 for a class never seen nor predicted), as
    ``sklearn.metrics.f1_score(average="macro", zero_division=0)`` but cheap enough to
    run twice per epoch."""
    confusion = np.bincount(y_true * num_classes + y_pred, minlength=num_classes**2)
    confusion = confusion.reshape(num_classes, num_classes)
    tp = np.diag(confusion).astype(np.float64)
    denominator = confusion.sum(0) + confusion.sum(1)
    return float(np.mean(np.where(denominator > 0, 2 * tp / np.maximum(denominator, 1), 0.0)))


def fit_model(model: NodeClassifier, x: Tensor, edge_index: Tensor, edge_type: Tensor,
              y: Tensor, train: Tensor, val: Tensor, config: ModelConfig, *,
              groups: Tensor | None = None, progress: bool = True,
              log: Callable[[str], object] = print) -> FitResult:
    """Train ``model`` in place on ``train`` nodes, keep the weights of the epoch with the
    best validation macro-F1 (ties: lower validation loss), stop after ``patience``
    epochs without improvement, and load those best weights back into ``model``.

    Args:
        x, edge_index, edge_type: the whole graph (``Data`` fields).
        y: class index per node (``-1`` unlabelled), long ``[N]``.
        train, val: node indices.
        groups: the graph of each node ``[N]``, for ``class_weights="per_graph"``
            (without it the data is one graph).
    """
    num_classes = model.out_channels
    per_graph = config.class_weights == "per_graph"
    weight = (class_weights(y[train].numpy(), num_classes, config.class_weights == "binary")
              if config.class_weights and not per_graph else None)
    train_weight = val_weight = None
    if per_graph:
        owner = (groups if groups is not None else torch.zeros_like(y)).numpy()
        train_weight = graph_balanced_weights(y[train].numpy(), owner[train.numpy()])
        val_weight = graph_balanced_weights(y[val].numpy(), owner[val.numpy()])
    optimiser = torch.optim.AdamW(model.parameters(), lr=config.lr,
                                  weight_decay=config.weight_decay)
    y_val = y[val].numpy()
    best = (-1.0, float("inf"))
    result = FitResult(state=copy.deepcopy(model.state_dict()), best_epoch=0,
                       best_val_f1=0.0, epochs_run=0, seconds=0.0)
    start = time.perf_counter()
    # The bar only on a terminal (``disable=None``): a log file gets the epoch lines, not
    # a carriage-return redraw per epoch (a default training wrote 0.4 MB of them).
    bar = tqdm(range(1, config.epochs + 1), desc=f"train {config.model}", unit="epoch",
               disable=None if progress else True, leave=False)
    for epoch in bar:
        tick = time.perf_counter()
        model.train()
        optimiser.zero_grad(set_to_none=True)
        logits = model(x, edge_index, edge_type)
        loss = _loss(logits[train], y[train], weight, train_weight)
        loss.backward()
        optimiser.step()
        loss = float(loss.detach())
        model.eval()
        with torch.no_grad():
            logits = model(x, edge_index, edge_type)
        val_loss = float(_loss(logits[val], y[val], weight, val_weight))
        val_f1 = macro_f1(y_val, logits[val].argmax(1).numpy(), num_classes)
        train_f1 = macro_f1(y[train].numpy(), logits[train].argmax(1).numpy(), num_classes)
        if (val_f1, -val_loss) > (best[0], -best[1]):
            best = (val_f1, val_loss)
            result.state = copy.deepcopy(model.state_dict())
            result.best_epoch, result.best_val_f1 = epoch, val_f1
        result.epochs_run = epoch
        result.history.append({"epoch": epoch, "loss": loss, "val_loss": val_loss,
                               "train_f1": train_f1, "val_f1": val_f1})
        bar.set_postfix(loss=f"{loss:.3f}", val_f1=f"{val_f1:.3f}", best=f"{best[0]:.3f}")
        line = (f"epoch {epoch:3d}/{config.epochs}  loss {loss:.4f}  "
                f"val_loss {val_loss:.4f}  train_f1 {train_f1:.4f}  val_f1 {val_f1:.4f}  "
                f"best {best[0]:.4f}@{result.best_epoch}  {time.perf_counter() - tick:.2f}s")
        with tqdm.external_write_mode():
            log(line)
        if epoch - result.best_epoch >= config.patience:
            break
    bar.close()
    result.seconds = time.perf_counter() - start
    model.load_state_dict(result.state)
    model.eval()
    return result


def fit_members(build: Callable[[int], NodeClassifier], x: Tensor, edge_index: Tensor,
                edge_type: Tensor, y: Tensor, parts: list[np.ndarray], val: np.ndarray,
                config: ModelConfig, *, groups: Tensor | None = None, progress: bool = True,
                log: Callable[[str], object] = print) -> list[tuple[NodeClassifier, FitResult]]:
    """Train one model per share of the training rows (``build(k)`` makes member ``k``).

    With several shares, each member trains on the subgraph of its own rows and the
    validation rows only (edges inside it kept, nodes renumbered): the training graphs
    are disjoint components, so nothing a member needs is lost, and an epoch costs its
    share of the graph instead of all of it. ``groups``: the graph of each node (see
    ``fit_model``).
    """
    out = []
    for k, train in enumerate(parts):
        nodes = torch.from_numpy(np.union1d(train, val)) if len(parts) > 1 else None
        if nodes is None:
            sub_x, sub_edges, sub_types, sub_y = x, edge_index, edge_type, y
            sub_train, sub_val = torch.from_numpy(train), torch.from_numpy(val)
            sub_groups = groups
        else:
            sub_edges, sub_types = subgraph(nodes, edge_index, edge_type, relabel_nodes=True,
                                            num_nodes=x.size(0))
            sub_x, sub_y = x[nodes], y[nodes]
            sub_groups = None if groups is None else groups[nodes]
            position = torch.full((x.size(0),), -1, dtype=torch.long)
            position[nodes] = torch.arange(len(nodes))
            sub_train = position[torch.from_numpy(train)]
            sub_val = position[torch.from_numpy(val)]
            log(f"member {k + 1}/{len(parts)}: {len(train):,} training accounts")
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(config.seed + 1_000 * k)
            model = build(k)
            out.append((model, fit_model(model, sub_x, sub_edges, sub_types, sub_y, sub_train,
                                         sub_val, config, groups=sub_groups,
                                         progress=progress, log=log)))
    return out
