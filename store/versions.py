"""Model versions the server has served, and which one is live.

The API registers a model each time it makes one current (at start, on reload or
rollback): a version is identified by its metadata's SHA-256, so the same directory
retrained is a new version and the same model loaded by several workers is one.
``GET /v1/models`` lists them; a rollback loads an older version's directory through
the same checked, atomic reload (api/admin.py). ``ffd train --labels`` fine-tunes from
the live version and, with ``--promote``, asks the server to reload its candidate, which
then appears here as live with its held-out metrics.
"""

from __future__ import annotations

import time

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from store.followers import insert_for
from store.schema import ModelVersion


def register_version(session: Session, *, model_id: str, version: str, metadata_sha256: str,
                     directory: str, classes: list[str], metrics: dict,
                     live: bool = True) -> ModelVersion:
    """Record a model (once per ``metadata_sha256``); when ``live``, mark it the live one."""
    now = time.time()
    values = {"model_id": model_id, "version": version, "metadata_sha256": metadata_sha256,
              "directory": directory, "classes": list(classes), "metrics": metrics,
              "first_seen": now, "activated_at": now, "live": False}
    # Several workers register the same model at start: the first insert wins.
    session.execute(insert_for(session)(ModelVersion).values(**values).on_conflict_do_nothing())
    row = session.scalars(select(ModelVersion).where(
        ModelVersion.metadata_sha256 == metadata_sha256)).one()
    row.directory = directory  # the newest place it was loaded from
    if live and not row.live:
        session.execute(update(ModelVersion).where(ModelVersion.live.is_(True))
                        .values(live=False))
        row.live, row.activated_at = True, now
    session.flush()
    return row


def list_versions(session: Session) -> list[ModelVersion]:
    """Every version, most recently activated first."""
    return list(session.scalars(select(ModelVersion).order_by(
        ModelVersion.activated_at.desc(), ModelVersion.id.desc())))


def live_version(session: Session) -> ModelVersion | None:
    """The version marked live (None before a server has served one)."""
    return session.scalars(select(ModelVersion).where(ModelVersion.live.is_(True))
                           .order_by(ModelVersion.activated_at.desc()).limit(1)).first()


def get_version(session: Session, version_id: int) -> ModelVersion | None:
    return session.get(ModelVersion, version_id)


def previous_version(session: Session) -> ModelVersion | None:
    """The version that was live before the live one (the default rollback)."""
    return session.scalars(select(ModelVersion).where(ModelVersion.live.is_(False))
                           .order_by(ModelVersion.activated_at.desc(),
                                     ModelVersion.id.desc()).limit(1)).first()
