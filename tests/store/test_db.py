"""Connecting: the default URL, SQLite's settings for several writers, and a write
transaction's all-or-nothing commit."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select, text

from store import Store, default_url
from store.labels import NewLabel, add_labels
from store.schema import Label


def test_default_url_is_var_sqlite_unless_the_environment_names_one(monkeypatch):
    monkeypatch.delenv("FFD_DATABASE_URL", raising=False)
    assert default_url() == "sqlite:///var/ffd.sqlite3"
    monkeypatch.setenv("FFD_DATABASE_URL", "postgresql+psycopg://u@h/db")
    assert default_url() == "postgresql+psycopg://u@h/db"


def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'sub' / 'ffd.sqlite3'}")  # the folder is created
    with store.read() as session:
        assert session.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert session.execute(text("PRAGMA busy_timeout")).scalar() == 30_000
        assert session.execute(text("PRAGMA foreign_keys")).scalar() == 1


def test_a_failed_write_stores_nothing(store):
    def half(session):
        add_labels(session, [NewLabel("u1", "bought")], "ann")
        raise RuntimeError("crash after the first insert")

    with pytest.raises(RuntimeError):
        store.write(half)
    with store.read() as session:
        assert session.scalar(select(func.count()).select_from(Label)) == 0


def _connect_at_once(url: str, barrier, errors) -> None:
    store = Store(url)
    barrier.wait()
    try:
        with store.read() as session:
            session.execute(text("SELECT 1"))
    except Exception as exc:  # reported to the parent, which fails the test
        errors.put(f"{type(exc).__name__}: {exc}")


def test_workers_that_open_a_new_sqlite_database_together_all_start(tmp_path):
    # gunicorn boots its workers at once, and each one's first connection switches the
    # new file to WAL. SQLite refuses a second switch at the same moment without waiting,
    # and a worker failed with "database is locked", taking the server down ("Worker
    # failed to boot"; before the fix about one connection in twenty here).
    import multiprocessing

    ctx = multiprocessing.get_context("fork")
    found = []
    for attempt in range(20):
        url = f"sqlite:///{tmp_path / f'ffd-{attempt}.sqlite3'}"
        barrier, errors = ctx.Barrier(6), ctx.Queue()
        procs = [ctx.Process(target=_connect_at_once, args=(url, barrier, errors))
                 for _ in range(6)]
        for p in procs:
            p.start()
        for p in procs:
            p.join(60)
        assert [p.exitcode for p in procs] == [0] * 6
        while not errors.empty():
            found.append(errors.get())
    assert found == []
