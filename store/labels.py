"""Analysts' labels: who said which account is genuine, bought or a mass follower.

Every label is kept. For each account the latest label (highest id: ids are given out
in insertion order) is the one in force; ``latest_labels`` hands those to training (a
later ``ffd train --labels``).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from store.followers import intern, resolve
from store.schema import LABELS, Account, Label


@dataclass(frozen=True)
class NewLabel:
    """One analyst's verdict on one account."""

    account: str  # the account's id
    label: str  # one of LABELS
    note: str | None = None  # free text: why


def add_labels(session: Session, labels: list[NewLabel], created_by: str) -> list[dict]:
    """Store ``labels`` in the caller's transaction; return them as stored (same order,
    with ``id``, ``created_by``, ``created_at`` and ``current``: the last of the batch
    for its account).

    Raises:
        ValueError: a label outside ``LABELS``.
    """
    for item in labels:
        if item.label not in LABELS:
            raise ValueError(f"label {item.label!r} is not one of {', '.join(LABELS)}")
    keys = intern(session, [item.account for item in labels]).tolist()
    now = time.time()
    rows = [Label(account_key=key, label=item.label, note=item.note, created_by=created_by,
                  created_at=now) for key, item in zip(keys, labels, strict=True)]
    session.add_all(rows)
    session.flush()
    last = {item.account: row.id for item, row in zip(labels, rows, strict=True)}
    return [{"id": row.id, "account": item.account, "label": item.label, "note": item.note,
             "created_by": created_by, "created_at": now, "current": last[item.account] == row.id}
            for item, row in zip(labels, rows, strict=True)]


def _newest_ids():
    return select(func.max(Label.id)).group_by(Label.account_key)


def list_labels(session: Session, account: str | None = None, current_only: bool = False,
                offset: int = 0, limit: int = 100) -> tuple[int, list[dict]]:
    """``(total, page)`` of labels, newest first; each says whether it is in force."""
    query = select(Label, Account.platform_id).join(Account, Account.key == Label.account_key)
    if account is not None:
        key = int(resolve(session, [account])[0])
        query = query.where(Label.account_key == key)
    newest = set(session.scalars(_newest_ids() if account is None else
                                 _newest_ids().where(Label.account_key == key)))
    if current_only:
        query = query.where(Label.id.in_(_newest_ids()))
    total = session.scalar(select(func.count()).select_from(query.subquery()))
    rows = session.execute(query.order_by(Label.id.desc()).offset(offset).limit(limit))
    return total, [
        {"id": row.id, "account": platform_id, "label": row.label, "note": row.note,
         "created_by": row.created_by, "created_at": row.created_at,
         "current": row.id in newest}
        for row, platform_id in rows
    ]


def latest_labels(session: Session) -> dict[str, str]:
    """The label in force for every labelled account: ``{account id: label}``."""
    rows = session.execute(select(Account.platform_id, Label.label)
                           .join(Account, Account.key == Label.account_key)
                           .where(Label.id.in_(_newest_ids())))
    return {k: v for k, v in rows}
