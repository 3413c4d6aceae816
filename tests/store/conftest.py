"""A migrated store per test, on SQLite and on PostgreSQL (``database_url``)."""

from __future__ import annotations

import pytest

from store import Store, upgrade


@pytest.fixture
def store(database_url: str) -> Store:
    migrated = Store(database_url)
    upgrade(migrated)
    yield migrated
    migrated.dispose()
