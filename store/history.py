"""A target's history: its snapshots, who joined and left between them, growth
anomalies and churners, all computed from the stored follower sets.

- **Joined / left** between consecutive snapshots (ordered by ``observed_at``): set
  differences of the two follower sets.
- **Growth anomaly**: the joins per day of one interval against the account's usual
  rate, the median over all *other* intervals (so one burst does not raise its own
  baseline). ``z = (rate - usual) / scale`` with ``scale`` the larger of 1.4826 x the
  median absolute deviation of those rates (a robust standard deviation) and the Poisson
  noise of a rate over this interval, ``sqrt(usual / days)`` (at least ``1 / days``).
  An interval is anomalous when ``z > z_threshold`` (3.5, Iglewicz and Hoaglin's cut-off
  for robust z-scores), it has at least ``min_joins`` joins, and at least
  ``min_intervals`` other intervals give the usual rate.
- **Churners**: accounts seen to follow and leave again: absent from one snapshot,
  present in a later one, absent again after that. Each such episode counts once
  (``churn_counts``); an account in the first snapshot that leaves is not a churner,
  since its follow was not seen.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from store.followers import decode, names, resolve
from store.schema import Snapshot, Target

DAY = 86_400.0


@dataclass(frozen=True)
class HistoryConfig:
    """Knobs of the history; the API exposes ``ids`` (ids listed per change)."""

    ids: int = 20  # ids listed per joined/left list and of churners (the rest: paginate)
    z_threshold: float = 3.5  # robust z above which an interval's joins are anomalous
    min_joins: int = 10  # fewest joins in an anomalous interval
    min_intervals: int = 3  # fewest other intervals that define the usual rate


@dataclass
class Sets:
    """A target's snapshots in time order and their follower key arrays."""

    rows: list  # (id, observed_at, follower_count, summary, created_by, model_id, version)
    keys: list[np.ndarray] = field(default_factory=list)


def load_sets(session: Session, target: str) -> Sets | None:
    """Every snapshot of ``target`` (None when the target is unknown)."""
    target_id = session.scalar(select(Target.id).where(Target.account == target))
    if target_id is None:
        return None
    rows = session.execute(select(
        Snapshot.id, Snapshot.observed_at, Snapshot.follower_count, Snapshot.summary,
        Snapshot.created_by, Snapshot.model_id, Snapshot.model_version, Snapshot.followers,
    ).where(Snapshot.target_id == target_id).order_by(Snapshot.observed_at)).all()
    return Sets([r[:7] for r in rows], [decode(r[7]) for r in rows])


class _Marks:
    """A reusable membership bitmap over the key range of one target's sets."""

    def __init__(self, keys: list[np.ndarray]) -> None:
        filled = [k for k in keys if len(k)]
        self.low = min(int(k[0]) for k in filled) if filled else 0
        high = max(int(k[-1]) for k in filled) if filled else 0
        self.bits = np.zeros(high - self.low + 1, dtype=bool)

    def diff(self, before: np.ndarray, after: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``(joined, left)``: keys in ``after`` only, keys in ``before`` only."""
        b, a = before - self.low, after - self.low
        self.bits[b] = True
        joined = after[~self.bits[a]]
        self.bits[b] = False
        self.bits[a] = True
        left = before[~self.bits[b]]
        self.bits[a] = False
        return joined, left


def changes(sets: Sets) -> list[tuple[np.ndarray, np.ndarray]]:
    """``(joined, left)`` keys between each pair of consecutive snapshots."""
    marks = _Marks(sets.keys)
    return [marks.diff(a, b) for a, b in zip(sets.keys, sets.keys[1:], strict=False)]


def churn_episodes(sets: Sets, diffs: list[tuple[np.ndarray, np.ndarray]] | None = None
                   ) -> tuple[np.ndarray, np.ndarray]:
    """``(keys, episodes)`` of every churner (see the module docstring), keys ascending."""
    diffs = changes(sets) if diffs is None else diffs
    if not diffs:
        return np.zeros(0, np.int64), np.zeros(0, np.int32)
    marks = _Marks(sets.keys)
    joined_in = marks.bits  # reused: True while an account that joined is still following
    counts = np.zeros(len(joined_in), dtype=np.int32)
    for joined, left in diffs:
        gone = left - marks.low
        counts[gone] += joined_in[gone]
        joined_in[gone] = False
        joined_in[joined - marks.low] = True
    hit = np.flatnonzero(counts)
    return hit + marks.low, counts[hit]


def growth(observed: np.ndarray, joins: np.ndarray, config: HistoryConfig) -> list[dict]:
    """Per interval: joins per day, the usual rate, ``z`` and whether it is anomalous."""
    days = np.maximum(np.diff(observed) / DAY, 1e-9)
    rate = joins / days
    out = []
    for i in range(len(rate)):
        others = np.delete(rate, i)
        if len(others) < config.min_intervals:
            out.append({"per_day": float(rate[i]), "usual_per_day": None, "z": None,
                        "anomalous": False})
            continue
        usual = float(np.median(others))
        spread = 1.4826 * float(np.median(np.abs(others - usual)))
        scale = max(spread, float(np.sqrt(usual / days[i])), 1.0 / float(days[i]))
        z = (rate[i] - usual) / scale
        out.append({"per_day": float(rate[i]), "usual_per_day": usual, "z": float(z),
                    "anomalous": bool(z > config.z_threshold and joins[i] >= config.min_joins)})
    return out


def history(session: Session, target: str, config: HistoryConfig | None = None) -> dict | None:
    """The history of ``target`` as the API answers it (None when it is unknown)."""
    config = config or HistoryConfig()
    sets = load_sets(session, target)
    if sets is None:
        return None
    diffs = changes(sets)
    churners, episodes = churn_episodes(sets, diffs)
    top = np.lexsort((churners, -episodes))[:config.ids]
    shown = [k[:config.ids] for pair in diffs for k in pair]
    named = names(session, np.concatenate([*shown, churners[top]]) if shown or len(top)
                  else [])
    observed = np.array([r[1] for r in sets.rows], dtype=np.float64)
    rates = growth(observed, np.array([len(j) for j, _ in diffs], dtype=np.float64), config)
    snapshots = []
    for i, (sid, at, count, summary, by, model_id, version) in enumerate(sets.rows):
        entry = {"id": sid, "observed_at": at, "followers": count, "summary": summary,
                 "created_by": by, "model": {"id": model_id, "version": version},
                 "change": None}
        if i:
            joined, left = diffs[i - 1]
            entry["change"] = {
                "since": sets.rows[i - 1][0], "days": float((at - sets.rows[i - 1][1]) / DAY),
                "joined": _listed(joined, named, config.ids),
                "left": _listed(left, named, config.ids), **rates[i - 1]}
        snapshots.append(entry)
    return {
        "target": target,
        "snapshots": snapshots,
        "growth_anomalies": [s["id"] for s in snapshots if s["change"]
                             and s["change"]["anomalous"]],
        "churners": {"count": len(churners), "more": len(churners) > len(top),
                     "accounts": [{"id": named[int(churners[j])], "episodes": int(episodes[j])}
                                  for j in top]},
    }


def _listed(keys: np.ndarray, named: dict[int, str], limit: int) -> dict:
    return {"count": len(keys), "ids": [named[k] for k in keys[:limit].tolist()],
            "more": len(keys) > limit}


def change_ids(session: Session, target: str, snapshot_id: int, kind: str, offset: int,
               limit: int) -> dict | None:
    """One page of the accounts that joined or left (``kind``) between snapshot
    ``snapshot_id`` and the one before it; None when the target or snapshot is unknown."""
    sets = load_sets(session, target)
    ids = [r[0] for r in sets.rows] if sets else []
    if snapshot_id not in ids:
        return None
    i = ids.index(snapshot_id)
    if i == 0:
        keys = np.zeros(0, np.int64)
    else:
        joined, left = _Marks(sets.keys[i - 1:i + 1]).diff(sets.keys[i - 1], sets.keys[i])
        keys = joined if kind == "joined" else left
    page = keys[offset:offset + limit]
    named = names(session, page)
    return {"target": target, "snapshot": snapshot_id, "since": ids[i - 1] if i else None,
            "kind": kind, "count": len(keys), "offset": offset, "limit": limit,
            "ids": [named[k] for k in page.tolist()],
            "next_offset": offset + limit if offset + limit < len(keys) else None}


def churn_counts(session: Session, target: str, ids: list[str] | np.ndarray) -> np.ndarray:
    """Churn episodes of each account in ``ids`` across ``target``'s snapshots.

    For the scoring code: an ``int32`` array aligned with ``ids`` (0 for accounts never
    seen to follow and leave the target, unknown accounts and unknown targets included).
    """
    ids = [str(i) for i in ids]
    out = np.zeros(len(ids), dtype=np.int32)
    sets = load_sets(session, target)
    if sets is None or not ids:
        return out
    churners, episodes = churn_episodes(sets)
    keys = resolve(session, ids)
    where = np.searchsorted(churners, keys)
    where = np.minimum(where, max(len(churners) - 1, 0))
    hit = (keys >= 0) & (len(churners) > 0)
    if len(churners):
        hit &= churners[where] == keys
    out[hit] = episodes[where[hit]]
    return out
