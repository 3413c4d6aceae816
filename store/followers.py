"""Follower sets as compact blobs of interned account keys, and the interning itself.

Every account id is interned once to an integer key (table ``accounts``). A snapshot's
followers are stored as one blob: the sorted keys, delta-encoded (first key, then the
gaps), the gaps' four bytes split into four planes (all low bytes, then all second
bytes, ...: small gaps leave the high planes all zero) and zlib-compressed. Decoding is
one ``zlib.decompress`` and one ``cumsum``. Keys are given out in the order accounts are
first seen, sorted within each batch, so one account's followers have mostly small gaps.

Measured on 30 daily snapshots of a 100,000-follower account (benchmarks/store.py,
docs/monitoring.md): this layout against one row per follower and snapshot.
"""

from __future__ import annotations

import zlib

import numpy as np
from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from store.schema import Account

#: Blob layout version (first byte), so the layout can change without a migration.
LAYOUT = 1
#: Ids per statement when interning or resolving (below SQLite's 32,766 variables).
CHUNK = 10_000


def encode(keys: np.ndarray) -> bytes:
    """Sorted unique keys -> blob (``LAYOUT`` byte, then zlib of the byte planes)."""
    keys = np.asarray(keys, dtype=np.int64)
    if len(keys) and (keys[0] < 0 or (np.diff(keys) <= 0).any()):
        raise ValueError("follower keys must be non-negative, sorted and unique")
    gaps = np.diff(keys, prepend=0).astype("<u4")
    planes = gaps.view(np.uint8).reshape(-1, 4).T.tobytes()
    return bytes([LAYOUT]) + zlib.compress(planes, 6)


def decode(blob: bytes) -> np.ndarray:
    """Blob -> the sorted keys (``int64``)."""
    if not blob or blob[0] != LAYOUT:
        raise ValueError(f"unknown follower-set layout {blob[:1]!r}")
    planes = np.frombuffer(zlib.decompress(blob[1:]), dtype=np.uint8)
    gaps = planes.reshape(4, -1).T.copy().view("<u4").ravel()
    return np.cumsum(gaps, dtype=np.int64)


def insert_for(session: Session):
    """The dialect's ``insert`` (it has ``on_conflict_do_nothing``)."""
    return (pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert)


def intern(session: Session, ids: list[str]) -> np.ndarray:
    """Keys of ``ids`` (in the same order), creating those not seen before.

    New ids are inserted in sorted order, so concurrent writers take the unique index's
    locks in the same order (no deadlock on PostgreSQL) and one batch gets ascending keys.
    """
    found = resolve(session, ids)
    missing = sorted({i for i, k in zip(ids, found.tolist(), strict=True) if k < 0})
    insert = insert_for(session)
    for start in range(0, len(missing), CHUNK):
        rows = [{"platform_id": i} for i in missing[start:start + CHUNK]]
        session.execute(insert(Account).on_conflict_do_nothing(), rows)
    return resolve(session, ids) if missing else found


def resolve(session: Session, ids: list[str]) -> np.ndarray:
    """Keys of ``ids`` (same order), -1 for ids never interned."""
    keys: dict[str, int] = {}
    unique = list(dict.fromkeys(ids))
    for start in range(0, len(unique), CHUNK):
        chunk = unique[start:start + CHUNK]
        rows = session.execute(select(Account.platform_id, Account.key)
                               .where(Account.platform_id.in_(chunk)))
        keys.update((k, v) for k, v in rows)
    return np.fromiter((keys.get(i, -1) for i in ids), dtype=np.int64, count=len(ids))


def names(session: Session, keys: np.ndarray | list[int]) -> dict[int, str]:
    """Account ids of ``keys``."""
    wanted = sorted({int(k) for k in keys})
    out: dict[int, str] = {}
    for start in range(0, len(wanted), CHUNK):
        rows = session.execute(select(Account.key, Account.platform_id)
                               .where(Account.key.in_(wanted[start:start + CHUNK])))
        out.update((k, v) for k, v in rows)
    return out
