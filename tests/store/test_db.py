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
