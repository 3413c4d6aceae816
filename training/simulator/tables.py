"""Column buffers the class generators fill: account profiles and an edge log.

Every generator returns whole columns; nothing here loops over accounts in Python.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np

from detector.graph import Edges
from detector.schema import EDGE_TYPES, FOLLOW, INTERACTIONS, UNFOLLOW


@dataclass
class Profiles:
    """Platform-wide profile columns of a block of accounts (NaN/None = not collected)."""

    followers: np.ndarray
    following: np.ndarray
    posts: np.ndarray
    likes: np.ndarray
    listed: np.ndarray
    has_avatar: np.ndarray
    verified: np.ndarray
    private: np.ndarray
    username: np.ndarray
    bio: np.ndarray
    created_at: np.ndarray

    def __len__(self) -> int:
        return len(self.followers)

    @classmethod
    def concat(cls, parts: list[Profiles]) -> Profiles:
        return cls(**{f.name: np.concatenate([getattr(p, f.name) for p in parts])
                      for f in fields(cls)})

    @classmethod
    def empty(cls) -> Profiles:
        return cls(**{f.name: np.zeros(0, object if f.name in ("username", "bio")
                                       else np.float64) for f in fields(cls)})


def counts(rng: np.random.Generator, median: float, sigma: float, n: int,
           z: np.ndarray | None = None, low: float = 0.0, high: float = 5e7) -> np.ndarray:
    """Rounded log-normal counts with the given median; ``z`` couples columns."""
    z = rng.standard_normal(n) if z is None else z
    return np.clip(np.round(median * np.exp(sigma * z)), low, high)


def coin(rng: np.random.Generator, p: float | np.ndarray, n: int) -> np.ndarray:
    """0/1 float flags with probability ``p``."""
    return (rng.random(n) < p).astype(np.float64)


def uniform_between(rng: np.random.Generator, low: np.ndarray, high: np.ndarray) -> np.ndarray:
    """A uniform instant in ``[low, high]`` per row (``low`` wins when ``high < low``)."""
    return low + rng.random(len(low)) * np.maximum(high - low, 0.0)


class EdgeLog:
    """Collects edge columns from every generator, then merges them into ``Edges``.

    Repeats of one (source, target, type) are merged: a follow or unfollow keeps its
    earliest time; interactions add their weights and keep the latest time. Given the
    accounts' creation times, an edge timed before either of its accounts existed is
    dropped (the generators draw targets and times apart: a growth tool's follow of a
    person who signed up later), with the unfollow that undid it, as is an edge after
    ``observed_at``.
    """

    def __init__(self, num_accounts: int, observed_at: float,
                 created_at: np.ndarray | None = None) -> None:
        self.num_accounts = num_accounts
        self.observed_at = observed_at
        self.created_at = created_at
        self._parts: list[tuple[np.ndarray, ...]] = []

    def add(self, src: np.ndarray, dst: np.ndarray, kind: str, at: np.ndarray,
            weight: np.ndarray | None = None) -> None:
        n = len(src)
        code = np.full(n, EDGE_TYPES.index(kind), np.int8)
        w = np.ones(n, np.int64) if weight is None else weight.astype(np.int64)
        self._parts.append((src.astype(np.int64), dst.astype(np.int64), code,
                            np.asarray(at, np.float64), w))

    def __len__(self) -> int:
        return sum(len(p[0]) for p in self._parts)

    def build(self) -> Edges:
        """Merged edges: no self-loops, nothing after ``observed_at`` or before the
        creation of either end, one row per key."""
        if not self._parts:
            return Edges.empty()
        src, dst, kind, at, weight = (np.concatenate(c) for c in zip(*self._parts, strict=True))
        self._parts = []
        pair = src * self.num_accounts + dst
        keep = (src != dst) & ~(at > self.observed_at)
        if self.created_at is not None:
            keep &= ~(at < np.fmax(self.created_at[src], self.created_at[dst]))
            # An unfollow undoes a follow: none stays whose follow went.
            keep &= (kind != UNFOLLOW) | np.isin(pair, pair[keep & (kind == FOLLOW)])
        src, dst, kind, at, weight = src[keep], dst[keep], kind[keep], at[keep], weight[keep]
        key = pair[keep] * len(EDGE_TYPES) + kind
        order = np.argsort(key)
        key = key[order]
        starts = np.flatnonzero(np.r_[True, key[1:] != key[:-1]])
        at = at[order]
        first = order[starts]
        kind = kind[first]
        interact = np.isin(kind, INTERACTIONS)
        if len(starts):
            earliest = np.fmin.reduceat(at, starts)
            latest = np.fmax.reduceat(at, starts)
            merged_weight = np.add.reduceat(weight[order], starts)
        else:
            earliest = latest = at[:0]
            merged_weight = weight[:0]
        return Edges(
            src=src[first],
            dst=dst[first],
            type=kind,
            at=np.where(interact, latest, earliest),
            weight=np.where(interact, merged_weight, 1).astype(np.int64),
            rank=np.full(len(first), -1, np.int64),  # the simulator knows times, not lists
            at_estimated=np.zeros(len(first), dtype=bool),
        )


def follow_degrees(edges: Edges, n: int) -> tuple[np.ndarray, np.ndarray]:
    """(out, in) follow degree per account, counting follows later undone too."""
    follow = edges.type == FOLLOW
    return (np.bincount(edges.src[follow], minlength=n),
            np.bincount(edges.dst[follow], minlength=n))


class Picker:
    """Draws accounts with probability proportional to a weight, optionally within a
    group (community): one cumulative sum, then a binary search per draw."""

    def __init__(self, index: np.ndarray, weights: np.ndarray,
                 group: np.ndarray | None = None) -> None:
        order = np.argsort(group, kind="stable") if group is not None else np.arange(len(index))
        self.index = np.asarray(index)[order]
        self.cum = np.cumsum(np.asarray(weights, np.float64)[order])
        if group is not None:
            sizes = np.bincount(group)
            ends = np.cumsum(sizes)
            self.base = np.where(ends - sizes > 0, self.cum[np.maximum(ends - sizes - 1, 0)], 0.0)
            self.total = self.cum[np.maximum(ends - 1, 0)] - self.base
            self.total[sizes == 0] = 0.0

    def __len__(self) -> int:
        return len(self.index)

    def draw(self, rng: np.random.Generator, k: int) -> np.ndarray:
        """``k`` draws from the whole population."""
        return self._at(rng.random(k) * self.cum[-1])

    def draw_in(self, rng: np.random.Generator, groups: np.ndarray) -> np.ndarray:
        """One draw inside each given group (groups must be non-empty)."""
        return self._at(self.base[groups] + rng.random(len(groups)) * self.total[groups])

    def _at(self, u: np.ndarray) -> np.ndarray:
        pos = np.searchsorted(self.cum, u, side="right")
        return self.index[np.minimum(pos, len(self.index) - 1)]
