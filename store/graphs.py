"""The graphs snapshots were audited from, and finding the labelled accounts in them.

A snapshot row keeps its followers as ids only (``store.followers``) and the audit
answer, which names at most the ``limit`` most suspicious followers: neither says what
the followers look like. Retraining from labels needs exactly that (an account's
features come from its profile and its place in the graph), so each snapshot also keeps
the ``account-graph/1`` document it was audited from, as zlib-compressed JSON in a table
of its own (``snapshot_graphs``; the history never reads it). Measured sizes are in
docs/monitoring.md. Snapshots stored before this table existed, or by a server started
with ``KEEP_SNAPSHOT_GRAPHS`` false, have no graph, and ``SNAPSHOT_GRAPHS_PER_TARGET``
bounds how many a target keeps (``prune_graphs``): labelled accounts found in no kept
graph cannot be trained on, and ``ffd train --labels`` says how many those are.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field

import numpy as np
import orjson
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from store.followers import decode, resolve
from store.schema import Snapshot, SnapshotGraph, Target

#: Blob layout version (first byte): 1 is zlib-compressed JSON.
LAYOUT = 1


def encode_document(document: dict) -> bytes:
    """An ``account-graph/1`` document -> blob (zlib level 1: level 6 took twice as long
    for 3% fewer bytes, and a snapshot of 10,000 followers has 1 s in all)."""
    return bytes([LAYOUT]) + zlib.compress(orjson.dumps(document), 1)


def decode_document(blob: bytes) -> dict:
    """Blob -> the ``account-graph/1`` document."""
    if not blob or blob[0] != LAYOUT:
        raise ValueError(f"unknown snapshot-graph layout {blob[:1]!r}")
    return orjson.loads(zlib.decompress(blob[1:]))


def add_graph(session: Session, snapshot_id: int, blob: bytes) -> None:
    """Keep ``blob`` (``encode_document``, made before the transaction: it takes a
    while) as the graph of snapshot ``snapshot_id`` (caller's transaction)."""
    session.add(SnapshotGraph(snapshot_id=snapshot_id, document=blob))
    session.flush()


def prune_graphs(session: Session, target: str, keep: int) -> int:
    """Drop the kept graphs of ``target``'s snapshots but the newest ``keep`` (by
    ``observed_at``); the snapshots themselves stay. Returns how many were dropped."""
    older = (select(Snapshot.id).join(Target, Target.id == Snapshot.target_id)
             .where(Target.account == target)
             .order_by(Snapshot.observed_at.desc(), Snapshot.id.desc()).offset(keep))
    result = session.execute(delete(SnapshotGraph).where(SnapshotGraph.snapshot_id.in_(
        select(older.subquery().c.id))))
    return result.rowcount


def get_graph(session: Session, snapshot_id: int) -> dict | None:
    """The graph document of snapshot ``snapshot_id``, or None when none was kept."""
    blob = session.scalar(select(SnapshotGraph.document)
                          .where(SnapshotGraph.snapshot_id == snapshot_id))
    return None if blob is None else decode_document(blob)


@dataclass
class LabelledGraph:
    """One snapshot's graph and the labelled accounts it is the newest graph of."""

    snapshot_id: int
    target: str
    observed_at: float
    document: dict
    accounts: list[str]  # labelled accounts, each in exactly one LabelledGraph


@dataclass
class Found:
    """Where the labelled accounts' features can come from."""

    graphs: list[LabelledGraph] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # in no snapshot with a kept graph


def graphs_of(session: Session, accounts: list[str]) -> Found:
    """For every account of ``accounts``, the newest snapshot (by ``observed_at``) with a
    kept graph in which it is a follower or the target; each account is placed in one
    graph only, so it is trained or tested on once, with its latest profile."""
    wanted = sorted(set(accounts))
    keys = resolve(session, wanted)
    key_of = {a: int(k) for a, k in zip(wanted, keys.tolist(), strict=True) if k >= 0}
    left = set(wanted)
    placed: dict[int, list[str]] = {}
    rows = session.execute(
        select(Snapshot.id, Target.account, Snapshot.observed_at, Snapshot.followers)
        .join(Target, Target.id == Snapshot.target_id)
        .join(SnapshotGraph, SnapshotGraph.snapshot_id == Snapshot.id)
        .order_by(Snapshot.observed_at.desc(), Snapshot.id.desc()))
    meta: dict[int, tuple[str, float]] = {}
    for snapshot_id, target, observed_at, blob in rows:
        if not left:
            break
        candidates = sorted(left & set(key_of))
        present = np.isin(np.array([key_of[a] for a in candidates], dtype=np.int64),
                          decode(blob)) if candidates else np.zeros(0, bool)
        here = [a for a, hit in zip(candidates, present.tolist(), strict=True) if hit]
        if target in left:
            here.append(target)
        if here:
            placed[snapshot_id] = sorted(set(here))
            meta[snapshot_id] = (target, observed_at)
            left -= set(here)
    found = Found(missing=sorted(left))
    for snapshot_id, members in placed.items():
        target, observed_at = meta[snapshot_id]
        found.graphs.append(LabelledGraph(snapshot_id, target, observed_at,
                                          get_graph(session, snapshot_id), members))
    return found
