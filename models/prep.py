"""Everything between a labelled graph and the training loop: the split, feature
normalisation learned on the training accounts, and the data fingerprint.

The split's scikit-learn import waits for the split: a process that only loads a model
(``Normaliser``) does not pay for it."""

from __future__ import annotations

import hashlib
import platform
from dataclasses import dataclass
from importlib import metadata as importlib_metadata
from typing import ClassVar

import numpy as np

from detector.errors import DetectorError
from detector.graph import AccountGraph
from detector.schema import SPLIT_CODE


@dataclass(frozen=True)
class Split:
    """Node indices of each part; ``source`` says whether the data carried it."""

    train: np.ndarray
    val: np.ndarray
    test: np.ndarray
    source: str  # "data" or "stratified"

    def sizes(self) -> dict[str, int]:
        return {"train": len(self.train), "val": len(self.val), "test": len(self.test)}


def split_indices(graph: AccountGraph, val_fraction: float, test_fraction: float,
                  seed: int) -> Split:
    """The data's own split when it carries one, else a stratified random split.

    Only labelled accounts take part. With a split in the data, labelled accounts that
    carry none are left out of training (they are neither validated nor tested on).
    """
    label, given = graph.accounts.label, graph.accounts.split
    labelled = np.flatnonzero(label >= 0)
    if (given[labelled] >= 0).any():
        parts = {name: labelled[given[labelled] == code] for name, code in SPLIT_CODE.items()}
        if len(parts["train"]) == 0 or len(parts["val"]) == 0:
            raise DetectorError("the data carries a split but no 'train' or no 'val' accounts")
        return Split(parts["train"], parts["val"], parts["test"], "data")
    if len(labelled) < 10:
        raise DetectorError(f"need at least 10 labelled accounts to train, got {len(labelled)}")
    rest, test = _cut(labelled, label[labelled], test_fraction, seed)
    train, val = _cut(rest, label[rest], val_fraction / (1.0 - test_fraction), seed + 1)
    return Split(np.sort(train), np.sort(val), np.sort(test), "stratified")


def graph_of_rows(graphs: list[AccountGraph]) -> np.ndarray:
    """The graph of each row of ``detector.graph.union(graphs)``, which stacks them in
    order."""
    return np.repeat(np.arange(len(graphs)), [g.num_accounts for g in graphs])


def member_shares(graphs: list[AccountGraph], train: np.ndarray, members: int,
                  seed: int) -> list[np.ndarray]:
    """The training rows of each ensemble member (one member: all of ``train``).

    With several graphs (rows stacked in order, as ``detector.graph.union`` stacks them)
    each member gets whole graphs, a disjoint share of those with training rows: it
    learns from its own worlds. With one graph, the training rows are shared out.
    """
    if members == 1:
        return [train]
    owner = graph_of_rows(graphs)[train]
    units = np.unique(owner) if len(graphs) > 1 else np.arange(len(train))
    if len(units) < members:
        raise DetectorError(f"{members} ensemble members need at least {members} training "
                            f"graphs (or accounts), got {len(units)}")
    shares = np.array_split(np.random.default_rng(seed).permutation(units), members)
    key = owner if len(graphs) > 1 else np.arange(len(train))
    return [np.sort(train[np.isin(key, share)]) for share in shares]


def _cut(index: np.ndarray, y: np.ndarray, fraction: float, seed: int):
    if fraction <= 0:
        return index, index[:0]
    from sklearn.model_selection import train_test_split  # training only: a scorer skips it

    # Stratify when every class can appear on both sides; tiny data sets cannot.
    stratify = y if np.bincount(y)[np.unique(y)].min() >= 2 else None
    try:
        return train_test_split(index, test_size=fraction, random_state=seed, stratify=stratify)
    except ValueError:
        return train_test_split(index, test_size=fraction, random_state=seed)


@dataclass(frozen=True)
class Normaliser:
    """Standardisation with statistics of the training accounts, then clipping.

    Clipping at ``±clip`` standard deviations keeps an account from an unseen graph with
    an extreme count from driving the network far outside what it was trained on.

    ``unknown`` pairs a column with the flag columns that mark its value as not
    observed (``detector.features.Feature.unknown_when``): its statistics come from the
    rows where it is known, and an unknown value becomes the mean (0 after
    standardisation) instead of the raw 0, which for a count would read as "none".

    ``blind`` columns (flags the network does not read) do their part in ``unknown`` and
    then leave the transform as 0.
    """

    #: Rows per block of ``transform`` (a class constant, not a field).
    BLOCK: ClassVar[int] = 16_384

    mean: np.ndarray
    std: np.ndarray
    clip: float
    unknown: tuple[tuple[int, tuple[int, ...]], ...] = ()
    blind: tuple[int, ...] = ()

    @classmethod
    def fit(cls, x: np.ndarray, clip: float,
            unknown: tuple[tuple[int, tuple[int, ...]], ...] = (),
            blind: tuple[int, ...] = ()) -> Normaliser:
        mean = x.mean(axis=0, dtype=np.float64)
        std = x.std(axis=0, dtype=np.float64)
        for column, flags in unknown:
            known = ~(x[:, list(flags)] > 0.5).any(axis=1)
            if known.any():
                mean[column] = x[known, column].mean(dtype=np.float64)
                std[column] = x[known, column].std(dtype=np.float64)
        # A feature constant on train (e.g. a field this data set never has) passes as 0.
        return cls(mean, np.where(std > 1e-8, std, 1.0), clip, tuple(unknown), tuple(blind))

    def transform(self, x: np.ndarray) -> np.ndarray:
        # In blocks of rows, each one float64 copy worked on in place: the blocks stay in
        # the cache and reuse their memory. At a million accounts, in a fresh process,
        # the whole matrix at once took 1.3 s (mostly first touching fresh pages), the
        # blocks 0.25 s. Same values.
        if len(x) <= self.BLOCK:
            return self._transform(x)
        out = np.empty(x.shape, np.float32)
        for start in range(0, len(x), self.BLOCK):
            out[start:start + self.BLOCK] = self._transform(x[start:start + self.BLOCK])
        return out

    def _transform(self, x: np.ndarray) -> np.ndarray:
        z = x.astype(np.float64)
        z -= self.mean
        z /= self.std
        for column, flags in self.unknown:
            z[(x[:, list(flags)] > 0.5).any(axis=1), column] = 0.0
        np.clip(z, -self.clip, self.clip, out=z)
        if self.blind:
            z[:, list(self.blind)] = 0.0
        return z.astype(np.float32)

    def to_dict(self) -> dict:
        return {"mean": self.mean.tolist(), "std": self.std.tolist(), "clip": self.clip,
                "unknown": [[column, list(flags)] for column, flags in self.unknown],
                "blind": list(self.blind)}

    @classmethod
    def from_dict(cls, values: dict) -> Normaliser:
        unknown = tuple((int(c), tuple(int(f) for f in flags))
                        for c, flags in values.get("unknown", []))
        return cls(np.asarray(values["mean"], np.float64), np.asarray(values["std"], np.float64),
                   float(values["clip"]), unknown, tuple(int(c) for c in values.get("blind", [])))


def data_fingerprint(graph: AccountGraph) -> dict:
    """A SHA-256 over ids, labels, split and edges, plus the sizes: enough to tell later
    whether two models were trained on the same data."""
    digest = hashlib.sha256()
    a, e = graph.accounts, graph.edges
    digest.update("\x1f".join(map(str, a.ids.tolist())).encode())
    for column in (a.label, a.split, e.src, e.dst, e.type):
        digest.update(np.ascontiguousarray(column).tobytes())
    labelled = a.label[a.label >= 0]
    return {
        "sha256": digest.hexdigest(),
        "accounts": graph.num_accounts,
        "edges": graph.num_edges,
        "labelled": int(len(labelled)),
        "label_counts": np.bincount(labelled, minlength=3).tolist(),
    }


def library_versions() -> dict[str, str]:
    """Versions of the libraries that shape a model's numbers."""
    out = {"python": platform.python_version()}
    for name in ("fake-follower-detector", "torch", "torch-geometric", "numpy",
                 "scikit-learn", "safetensors"):
        try:
            out[name] = importlib_metadata.version(name)
        except importlib_metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out
