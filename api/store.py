"""The app's store: opened and migrated when the app is built, handed to requests.

``DATABASE_URL`` (``FFD_DATABASE_URL``) names the database. Built from the environment
(``ffd serve``, ``api.wsgi``) the app defaults to SQLite at ``var/ffd.sqlite3``; built
from a test mapping without one it has no store, and the store's endpoints answer 404
problem details saying so. Every worker migrates at start (``store.migrate.upgrade``
takes a lock, so several at once are safe) unless ``DATABASE_MIGRATE`` is false, and
records the model it serves as the live model version.
"""

from __future__ import annotations

import logging

from flask import Flask, current_app

from api.model import EXTENSION as MODEL
from api.model import LoadedModel
from api.problems import Problem

log = logging.getLogger(__name__)
EXTENSION = "ffd_store"


def init_app(app: Flask) -> None:
    """Open (and migrate) the configured database; record the serving model."""
    url = app.config.get("DATABASE_URL")
    if not url:
        return
    from store.db import Store, StoreConfig
    from store.migrate import upgrade

    store = Store(StoreConfig(url=str(url)))
    if app.config.get("DATABASE_MIGRATE", True):
        upgrade(store)
    app.extensions[EXTENSION] = store
    loaded = app.extensions[MODEL].current
    if loaded is not None:
        record_live(store, loaded)


def optional_store():
    """The app's ``store.Store``, or None when it has none."""
    return current_app.extensions.get(EXTENSION)


def get_store():
    """The app's ``store.Store``; a 404 problem when no database is configured."""
    store = optional_store()
    if store is None:
        raise Problem("not-found", "this server keeps no history: no database is configured "
                                   "(set FFD_DATABASE_URL)")
    return store


def record_live(store, loaded: LoadedModel) -> None:
    """Record ``loaded`` as the live model version (a failure is logged, not raised:
    the model serves either way)."""
    from sqlalchemy.exc import SQLAlchemyError

    from store.versions import register_version

    meta = loaded.classifier.metadata_
    try:
        store.write(lambda session: register_version(
            session, model_id=loaded.info["id"], version=loaded.info["version"],
            metadata_sha256=str(meta.get("metadata_sha256") or loaded.info["id"]),
            directory=loaded.directory, classes=list(loaded.classes),
            metrics=meta.get("metrics") or {}))
    except SQLAlchemyError as exc:
        log.error("could not record model %s as live: %s", loaded.info["id"], exc)
