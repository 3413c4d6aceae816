"""Schema migrations (Alembic), safe when several processes start at once.

``upgrade(store)`` brings the database to the newest revision. Every gunicorn worker
calls it when it builds the app, so workers starting together must not run the same
migration twice: on PostgreSQL they take a session advisory lock first, on SQLite an
exclusive ``flock`` on a file beside the database; whoever gets it second finds the
schema current and does nothing. Each revision runs in one transaction (both databases
roll DDL back), so a crash mid-migration leaves the previous revision.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, text

from store.db import Store

MIGRATIONS = Path(__file__).parent / "migrations"
#: Arbitrary constant naming the PostgreSQL advisory lock of migrations ("ffd-mig").
PG_LOCK = 0x6666642D6D6967


def _config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def head() -> str:
    """The newest revision of ``store/migrations``."""
    return ScriptDirectory.from_config(_config()).get_current_head()


def current(store: Store) -> str | None:
    """The database's revision (None before the first migration)."""
    with store.engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


@contextmanager
def _sqlite_lock(store: Store) -> Iterator[None]:
    database = store.engine.url.database
    if not database or database == ":memory:":
        yield
        return
    with open(os.fspath(database) + ".migrate-lock", "a+b") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def upgrade(store: Store, revision: str = "head") -> str | None:
    """Migrate ``store`` to ``revision`` (default the newest); return the revision now.

    Cheap when the schema is current: one query, no lock.
    """
    wanted = head() if revision == "head" else revision
    if current(store) == wanted:
        return wanted
    if store.is_sqlite:
        with _sqlite_lock(store), store.engine.connect() as connection:
            command.upgrade(_config(connection), revision)
            connection.commit()
    else:
        with store.engine.connect() as connection:
            connection.execute(text("SELECT pg_advisory_lock(:k)"), {"k": PG_LOCK})
            connection.commit()
            try:
                command.upgrade(_config(connection), revision)
                connection.commit()
            finally:
                connection.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": PG_LOCK})
                connection.commit()
    return current(store)
