"""Holding analysts' labels out, and judging two models on them.

**The split** is per class (stratified) and seeded: within each class the accounts are
ordered by the SHA-256 of ``"<seed>:<account id>"`` and the first
``round(fraction x n)`` are held out (at least one and at most ``n - 1`` of a class
with two labels or more; a class with a single label trains). The same labels and seed
give the same split on any machine, and since an account's place in the order depends
on nothing else, a label added later moves few accounts across the cut.

**Too few labels** is an error, not a silent pass: the comparison needs at least
``min_holdout`` held-out labels of at least two classes, and the error says how many
there are and how many to add.

**Better** means a higher balanced accuracy (the mean recall of the classes among the
held-out labels, so a class of few labels counts as much as a class of many) by more
than ``min_gain``; a tie keeps the live model.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import asdict, dataclass

import numpy as np

from detector.errors import DetectorError
from detector.schema import LABELS


class TooFewLabels(DetectorError):
    """Not enough labels to hold out a meaningful comparison."""


@dataclass(frozen=True)
class HoldoutConfig:
    """Which labels are held out, and what counts as better."""

    fraction: float = 0.3  # share of each class's labels held out for the comparison
    min_holdout: int = 10  # fewest held-out labels for a comparison that means something
    seed: int = 0  # orders the accounts within each class (see the module docstring)
    min_gain: float = 0.0  # the candidate's balanced accuracy must exceed the live one's by more

    def __post_init__(self) -> None:
        if not 0.0 < self.fraction < 1.0:
            raise ValueError(f"holdout fraction must lie in (0, 1), got {self.fraction}")
        if self.min_holdout < 2:
            raise ValueError(f"min_holdout must be at least 2, got {self.min_holdout}")

    def to_dict(self) -> dict:
        return asdict(self)


def _rank(seed: int, account: str) -> bytes:
    return hashlib.sha256(f"{seed}:{account}".encode()).digest()


def split_labels(labels: dict[str, str], config: HoldoutConfig
                 ) -> tuple[dict[str, str], dict[str, str]]:
    """``(train, held_out)``: disjoint, together ``labels``.

    Raises:
        TooFewLabels: fewer than ``min_holdout`` held-out labels, or fewer than two classes
            among them.
    """
    train, held = {}, {}
    for name in LABELS:
        accounts = sorted((a for a, c in labels.items() if c == name),
                          key=lambda a: _rank(config.seed, a))
        n = len(accounts)
        k = 0 if n < 2 else min(max(round(config.fraction * n), 1), n - 1)
        held.update((a, name) for a in accounts[:k])
        train.update((a, name) for a in accounts[k:])
    counts = {c: n for c in LABELS if (n := sum(v == c for v in labels.values()))}
    shown = ", ".join(f"{n} {c}" for c, n in counts.items()) or "none"
    if len(held) < config.min_holdout:
        needed = math.ceil(config.min_holdout / config.fraction)
        raise TooFewLabels(
            f"too few labels to hold any meaningful part out: {len(labels)} usable labels "
            f"({shown}) leave {len(held)} held out at fraction {config.fraction:g}, and "
            f"comparing the candidate with the live model needs at least "
            f"{config.min_holdout}; label about {needed} accounts (two classes or more), or "
            f"lower --min-holdout")
    if len(set(held.values())) < 2:
        raise TooFewLabels(
            f"the held-out labels are all {next(iter(held.values()))!r} ({shown}): comparing "
            f"models needs at least two classes with two labels or more each")
    return train, held


def holdout_metrics(truth: list[str], predicted: list[str], classes: tuple[str, ...]
                    ) -> dict:
    """Counts, accuracy, balanced accuracy, macro-F1, per-class precision, recall, F1 and
    support, and the confusion (``{true: {predicted: n}}``) of ``predicted`` against
    ``truth`` (class names). Balanced accuracy and macro-F1 average over the classes
    present in ``truth``."""
    names = [c for c in LABELS if c in set(truth) | set(predicted) | set(classes)]
    t, p = np.array(truth, dtype=object), np.array(predicted, dtype=object)
    per_class, recalls, f1s = {}, [], []
    for name in names:
        tp = int(((t == name) & (p == name)).sum())
        support, guessed = int((t == name).sum()), int((p == name).sum())
        precision = tp / guessed if guessed else 0.0
        recall = tp / support if support else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        per_class[name] = {"precision": round(precision, 4), "recall": round(recall, 4),
                           "f1": round(f1, 4), "support": support, "predicted": guessed}
        if support:
            recalls.append(recall)
            f1s.append(f1)
    return {
        "accounts": len(truth),
        "counts": {c: per_class[c]["support"] for c in names if per_class[c]["support"]},
        "accuracy": round(float((t == p).mean()) if len(t) else 0.0, 4),
        "balanced_accuracy": round(float(np.mean(recalls)) if recalls else 0.0, 4),
        "macro_f1": round(float(np.mean(f1s)) if f1s else 0.0, 4),
        "per_class": per_class,
        "confusion": {a: {b: int(((t == a) & (p == b)).sum()) for b in names}
                      for a in names if (t == a).any()},
    }


def is_better(candidate: dict, live: dict, min_gain: float = 0.0) -> bool:
    """Whether ``candidate``'s balanced accuracy beats ``live``'s by more than
    ``min_gain`` (``holdout_metrics`` results; a tie keeps the live model)."""
    return candidate["balanced_accuracy"] > live["balanced_accuracy"] + min_gain
