"""The validated account graph, held as columns (numpy arrays), not as objects.

Every loader (JSON, node-link, Parquet, CSV, TwiBot) ends in an ``AccountGraph``;
features, the tensor builder, the audit and the simulator all work on it. Columns keep a
million accounts in a few hundred MB and make every step a vectorised array operation.
Missing values are explicit: NaN in float columns, ``None`` in text columns, -1 in codes.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from detector.errors import Issue
from detector.schema import (
    BOOL_FIELDS,
    COUNT_FIELDS,
    EDGE_TYPES,
    FORMAT,
    INTERACTIONS,
    LABELS,
    SPLITS,
    TEXT_FIELDS,
)

#: Whether each edge-type code is an interaction.
_IS_INTERACTION = np.isin(np.arange(len(EDGE_TYPES)), INTERACTIONS)


@dataclass
class Accounts:
    """One row per account; ``ids[i]`` is account ``i``.

    Attributes:
        ids: account ids (object array of ``str``), unique.
        counts: ``COUNT_FIELDS`` name -> float64 array, NaN where missing.
        flags: ``BOOL_FIELDS`` name -> float64 array of 0/1, NaN where missing.
        texts: ``TEXT_FIELDS`` name -> object array of ``str`` or ``None``.
        created_at: seconds since the Unix epoch (float64), NaN where missing.
        label: class code per ``LABELS`` (int8), -1 where unlabelled.
        split: split code per ``SPLITS`` (int8), -1 where none is given.
        platform: platform code per ``PLATFORMS`` (int8), -1 where unknown.
    """

    ids: np.ndarray
    counts: dict[str, np.ndarray]
    flags: dict[str, np.ndarray]
    texts: dict[str, np.ndarray]
    created_at: np.ndarray
    label: np.ndarray
    split: np.ndarray
    platform: np.ndarray

    def __len__(self) -> int:
        return len(self.ids)

    @classmethod
    def empty(cls, ids: np.ndarray) -> Accounts:
        """Accounts that carry only their ids: every other field missing."""
        n = len(ids)
        nan = lambda: np.full(n, np.nan)  # noqa: E731
        return cls(
            ids=np.asarray(ids, dtype=object),
            counts={name: nan() for name in COUNT_FIELDS},
            flags={name: nan() for name in BOOL_FIELDS},
            texts={name: np.full(n, None, dtype=object) for name in TEXT_FIELDS},
            created_at=nan(),
            label=np.full(n, -1, dtype=np.int8),
            split=np.full(n, -1, dtype=np.int8),
            platform=np.full(n, -1, dtype=np.int8),
        )

    def take(self, index: np.ndarray) -> Accounts:
        """The accounts at ``index``, in that order."""
        return Accounts(
            ids=self.ids[index],
            counts={k: v[index] for k, v in self.counts.items()},
            flags={k: v[index] for k, v in self.flags.items()},
            texts={k: v[index] for k, v in self.texts.items()},
            created_at=self.created_at[index],
            label=self.label[index],
            split=self.split[index],
            platform=self.platform[index],
        )


@dataclass
class Edges:
    """One row per relation: ``src`` acts on ``dst`` (indices into the accounts).

    Attributes:
        src, dst: int64 account indices.
        type: edge-type code per ``EDGE_TYPES`` (int8).
        at: seconds since the Unix epoch (float64), NaN where missing; where
            ``at_estimated`` is set, a time estimated from ``rank``, not an observed one.
        weight: positive multiplicity (int64), 1 by default.
        rank: place of a follow in its target's follower list, 0 = the oldest follower
            (int64), -1 where absent (and on every edge that is not a follow).
        at_estimated: ``at`` was estimated from the follow order
            (``detector.follow_times``), not given (bool).
    """

    src: np.ndarray
    dst: np.ndarray
    type: np.ndarray
    at: np.ndarray
    weight: np.ndarray
    rank: np.ndarray
    at_estimated: np.ndarray

    def __len__(self) -> int:
        return len(self.src)

    def interactions(self) -> np.ndarray:
        """Mask of the interaction edges (``INTERACTIONS``), by a table lookup on the type
        codes (20 us against 48 us for ``np.isin`` at 11,415 edges)."""
        return _IS_INTERACTION[self.type]

    @classmethod
    def empty(cls) -> Edges:
        return cls(
            src=np.zeros(0, np.int64),
            dst=np.zeros(0, np.int64),
            type=np.zeros(0, np.int8),
            at=np.zeros(0, np.float64),
            weight=np.zeros(0, np.int64),
            rank=np.zeros(0, np.int64),
            at_estimated=np.zeros(0, bool),
        )

    def take(self, index: np.ndarray) -> Edges:
        return Edges(
            src=self.src[index],
            dst=self.dst[index],
            type=self.type[index],
            at=self.at[index],
            weight=self.weight[index],
            rank=self.rank[index],
            at_estimated=self.at_estimated[index],
        )


@dataclass
class AccountGraph:
    """A validated ``account-graph/1`` document.

    Attributes:
        accounts: the account table.
        edges: the relation table; endpoints always exist, no self-loops, no duplicates.
        target: index of the audited account, or ``None``.
        observed_at: when the data was collected (epoch seconds), or NaN when unknown.
        warnings: problems that were repaired rather than refused (self-loops, duplicates).
    """

    accounts: Accounts
    edges: Edges
    target: int | None = None
    observed_at: float = float("nan")
    warnings: list[Issue] = field(default_factory=list)

    @property
    def num_accounts(self) -> int:
        return len(self.accounts)

    @property
    def num_edges(self) -> int:
        return len(self.edges)

    @property
    def ids(self) -> np.ndarray:
        return self.accounts.ids

    @property
    def target_id(self) -> str | None:
        return None if self.target is None else str(self.accounts.ids[self.target])

    def index_of(self) -> dict[str, int]:
        """Account id -> row index."""
        return {account_id: i for i, account_id in enumerate(self.accounts.ids.tolist())}

    def reference_time(self) -> float:
        """The 'now' of the graph: ``observed_at``, else its latest timestamp, else NaN.

        Account age is measured at this instant, so a graph scored years after it was
        collected gives the same features as on the day it was collected.
        """
        if not np.isnan(self.observed_at):
            return float(self.observed_at)
        stamps = np.concatenate([self.accounts.created_at, self.edges.at])
        stamps = stamps[~np.isnan(stamps)]
        return float(stamps.max()) if len(stamps) else float("nan")

    def has_labels(self) -> bool:
        return bool((self.accounts.label >= 0).any())

    def label_names(self) -> list[str | None]:
        return [LABELS[c] if c >= 0 else None for c in self.accounts.label.tolist()]

    def split_names(self) -> list[str | None]:
        return [SPLITS[c] if c >= 0 else None for c in self.accounts.split.tolist()]

    def summary(self) -> str:
        counts = np.bincount(self.edges.type, minlength=len(EDGE_TYPES))
        kinds = ", ".join(f"{n:,} {t}" for t, n in zip(EDGE_TYPES, counts.tolist(), strict=True)
                          if n)
        edges = f"{self.num_edges:,} edges" + (f" ({kinds})" if kinds else "")
        return f"{FORMAT}: {self.num_accounts:,} accounts, {edges}"


def union(graphs: list[AccountGraph]) -> AccountGraph:
    """The disjoint union of ``graphs``: accounts stacked in order (ids prefixed with the
    graph's position, ``"3:u17"``, so they stay unique), edges shifted to match.

    For training on many graphs at once. Features that look across accounts (creation
    batches, lockstep) must be computed per graph, before the union; the union has no
    target and the latest ``observed_at``.
    """
    if not graphs:
        raise ValueError("union needs at least one graph")
    accounts = [g.accounts for g in graphs]
    offsets = np.cumsum([0] + [g.num_accounts for g in graphs[:-1]])
    merged = Accounts(
        ids=np.concatenate([np.char.add(f"{k}:", a.ids.astype(str)).astype(object)
                            for k, a in enumerate(accounts)]),
        counts={f: np.concatenate([a.counts[f] for a in accounts]) for f in COUNT_FIELDS},
        flags={f: np.concatenate([a.flags[f] for a in accounts]) for f in BOOL_FIELDS},
        texts={f: np.concatenate([a.texts[f] for a in accounts]) for f in TEXT_FIELDS},
        created_at=np.concatenate([a.created_at for a in accounts]),
        label=np.concatenate([a.label for a in accounts]),
        split=np.concatenate([a.split for a in accounts]),
        platform=np.concatenate([a.platform for a in accounts]),
    )
    edges = Edges(
        src=np.concatenate([g.edges.src + o for g, o in zip(graphs, offsets, strict=True)]),
        dst=np.concatenate([g.edges.dst + o for g, o in zip(graphs, offsets, strict=True)]),
        type=np.concatenate([g.edges.type for g in graphs]),
        at=np.concatenate([g.edges.at for g in graphs]),
        weight=np.concatenate([g.edges.weight for g in graphs]),
        rank=np.concatenate([g.edges.rank for g in graphs]),
        at_estimated=np.concatenate([g.edges.at_estimated for g in graphs]),
    )
    observed = [g.observed_at for g in graphs if not np.isnan(g.observed_at)]
    return AccountGraph(merged, edges, None, max(observed) if observed else float("nan"))
