"""Storing and reading snapshots: a target's followers at one time, with their audit."""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from store.followers import encode, intern
from store.schema import Snapshot, Target


class SnapshotConflict(ValueError):
    """A snapshot of this target at this ``observed_at`` is stored already."""

    def __init__(self, target: str, observed_at: float, existing: int | None) -> None:
        self.target, self.observed_at, self.existing = target, observed_at, existing
        super().__init__(f"target {target!r} has a snapshot observed at this time already "
                         f"(id {existing})")


@dataclass(frozen=True)
class NewSnapshot:
    """What a posted snapshot carries into the store."""

    target: str  # the target's account id
    observed_at: float  # epoch seconds
    followers: list[str]  # follower account ids
    audit: dict  # the /v1/audit answer
    summary: dict  # the part of it the history shows
    model_id: str
    model_version: str
    created_by: str = "anonymous"  # the key's name


def target_row(session: Session, account: str, create: bool = False) -> Target | None:
    """The target named ``account`` (created when ``create``), or None."""
    row = session.scalars(select(Target).where(Target.account == account)).first()
    if row is None and create:
        with session.begin_nested():  # another process may create it at the same moment
            try:
                row = Target(account=account, created_at=time.time())
                session.add(row)
                session.flush()
            except IntegrityError:
                row = None
        if row is None:
            row = session.scalars(select(Target).where(Target.account == account)).one()
    return row


def add_snapshot(session: Session, new: NewSnapshot) -> Snapshot:
    """Store ``new`` (in the caller's transaction) and return its row.

    Raises:
        SnapshotConflict: the target has a snapshot with the same ``observed_at``.
    """
    target = target_row(session, new.target, create=True)
    existing = session.scalar(select(Snapshot.id).where(
        Snapshot.target_id == target.id, Snapshot.observed_at == new.observed_at))
    if existing is not None:
        raise SnapshotConflict(new.target, new.observed_at, existing)
    keys = np.unique(intern(session, new.followers))
    row = Snapshot(target_id=target.id, observed_at=new.observed_at, created_at=time.time(),
                   created_by=new.created_by, follower_count=len(keys), followers=encode(keys),
                   model_id=new.model_id, model_version=new.model_version,
                   summary=new.summary, audit=new.audit)
    session.add(row)
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError:  # a concurrent writer stored the same time first
        raise SnapshotConflict(new.target, new.observed_at, None) from None
    return row


def get_snapshot(session: Session, account: str, snapshot_id: int) -> Snapshot | None:
    """Snapshot ``snapshot_id`` of the target ``account`` (None if it is not one of its)."""
    return session.scalars(select(Snapshot).join(Target).where(
        Target.account == account, Snapshot.id == snapshot_id)).first()
