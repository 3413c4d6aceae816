"""Connecting to the database: URL, engine settings and sessions.

SQLite (the default, ``sqlite:///var/ffd.sqlite3`` under the working directory) runs in
WAL mode, so readers never wait for a writer (workers that open a new file together
take turns to switch it), with a busy timeout so that writers from several gunicorn
workers queue instead of failing. Write transactions start with
``BEGIN IMMEDIATE``: a transaction that read first and wrote later could otherwise fail
at once with "database is locked" when another process wrote in between, since SQLite
cannot wait its way out of that. PostgreSQL needs none of this. ``Store.write`` also
retries a transaction that lost a race (SQLite busy beyond the timeout, a PostgreSQL
deadlock or serialisation failure) a few times.
"""

from __future__ import annotations

import os
import random
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

#: Environment variable naming the database (any SQLAlchemy URL).
URL_ENV = "FFD_DATABASE_URL"
DEFAULT_PATH = Path("var") / "ffd.sqlite3"
T = TypeVar("T")


def default_url() -> str:
    """``$FFD_DATABASE_URL``, else a SQLite file ``var/ffd.sqlite3`` (relative to the
    working directory, where ``make serve`` runs)."""
    value = os.environ.get(URL_ENV, "").strip()
    return value or f"sqlite:///{DEFAULT_PATH}"


@dataclass(frozen=True)
class StoreConfig:
    """How to reach the database."""

    url: str = f"sqlite:///{DEFAULT_PATH}"  # any SQLAlchemy URL; postgresql+psycopg://...
    busy_timeout: float = 30.0  # seconds a SQLite writer waits for another one
    retries: int = 5  # attempts of a write transaction that lost a race
    echo: bool = False  # log every SQL statement


def _sqlite_setup(engine: Engine, busy_timeout: float) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:
        dbapi_connection.isolation_level = None  # SQLAlchemy's BEGIN below, not pysqlite's
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {int(busy_timeout * 1000)}")
        _use_wal(cursor, busy_timeout)
        cursor.execute("PRAGMA synchronous = NORMAL")  # WAL: durable across process crashes
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection) -> None:
        mode = connection.get_execution_options().get("sqlite_begin", "DEFERRED")
        connection.exec_driver_sql(f"BEGIN {mode}")


def _use_wal(cursor, busy_timeout: float) -> None:
    """Switch the database file to WAL (it stays so), waiting out other processes.

    SQLite does not call its busy handler for this switch when another connection is
    making the same switch (waiting could deadlock), so two gunicorn workers opening a
    new file together had one fail with "database is locked" and the server stop.
    Once the file is in WAL mode the query below needs no lock.
    """
    deadline = time.monotonic() + busy_timeout
    while True:
        try:
            if str(cursor.execute("PRAGMA journal_mode").fetchone()[0]).lower() == "wal":
                return
            cursor.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            text = str(exc).lower()
            if ("locked" not in text and "busy" not in text) or time.monotonic() > deadline:
                raise
            time.sleep(random.uniform(0.005, 0.05))


def _lost_race(exc: DBAPIError) -> bool:
    """A failure that a retry of the same transaction can fix."""
    code = getattr(exc.orig, "sqlstate", None)
    if code in ("40001", "40P01"):  # PostgreSQL: serialisation failure, deadlock
        return True
    text = str(exc.orig).lower()
    return isinstance(exc, OperationalError) and ("locked" in text or "busy" in text)


class Store:
    """An engine and its sessions; ``read()`` and ``write()`` open a transaction.

    Args:
        config: the database URL and settings (a plain URL string is accepted too).
    """

    def __init__(self, config: StoreConfig | str) -> None:
        self.config = StoreConfig(config) if isinstance(config, str) else config
        url = self.config.url
        self.is_sqlite = url.startswith("sqlite")
        if self.is_sqlite:
            path = url.split("///", 1)[1] if "///" in url else ""
            if path and path != ":memory:" and not path.startswith("file:"):
                Path(path).parent.mkdir(parents=True, exist_ok=True)
        self.engine = create_engine(url, echo=self.config.echo, pool_pre_ping=not self.is_sqlite)
        writer = self.engine
        if self.is_sqlite:
            _sqlite_setup(self.engine, self.config.busy_timeout)
            writer = self.engine.execution_options(sqlite_begin="IMMEDIATE")
        self._read = sessionmaker(self.engine, expire_on_commit=False)
        self._write = sessionmaker(writer, expire_on_commit=False)

    @property
    def dialect(self) -> str:
        """``sqlite`` or ``postgresql``."""
        return self.engine.dialect.name

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A session for reading (rolled back at the end)."""
        with self._read() as session:
            yield session

    def write(self, work: Callable[[Session], T]) -> T:
        """Run ``work(session)`` in one transaction and commit; retry a lost race.

        Raises:
            sqlalchemy.exc.DBAPIError: the transaction failed for another reason, or
                lost ``retries`` races in a row.
        """
        for attempt in range(self.config.retries):
            try:
                with self._write.begin() as session:
                    return work(session)
            except DBAPIError as exc:
                if not _lost_race(exc) or attempt == self.config.retries - 1:
                    raise
                time.sleep(0.05 * 2**attempt * (1 + random.random()))
        raise AssertionError("unreachable")

    def dispose(self) -> None:
        """Close every pooled connection (call in a process before it forks or exits)."""
        self.engine.dispose()

    def __repr__(self) -> str:
        return f"Store({self.engine.url.render_as_string(hide_password=True)!r})"
