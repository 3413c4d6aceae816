"""Migrations: the schema they build equals the models, they run once however many
processes start together, and a current schema costs one query."""

from __future__ import annotations

import multiprocessing

import pytest
from sqlalchemy import inspect

from store import Store, upgrade
from store.migrate import current, head
from store.schema import Base


def test_upgrade_builds_every_table_with_the_models_columns(database_url):
    store = Store(database_url)
    assert current(store) is None
    assert upgrade(store) == head()
    found = inspect(store.engine)
    assert set(found.get_table_names()) == set(Base.metadata.tables) | {"alembic_version"}
    for name, table in Base.metadata.tables.items():
        assert {c["name"] for c in found.get_columns(name)} == set(table.columns.keys()), name
    assert upgrade(store) == head()  # a second run changes nothing


def _upgrade_in_child(url: str, queue) -> None:
    try:
        queue.put(upgrade(Store(url)))
    except Exception as exc:  # reported to the parent, which fails the test
        queue.put(repr(exc))


@pytest.mark.slow
def test_workers_starting_at_once_migrate_once_without_errors(database_url):
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    children = [context.Process(target=_upgrade_in_child, args=(database_url, queue))
                for _ in range(4)]
    for child in children:
        child.start()
    results = [queue.get(timeout=120) for _ in children]
    for child in children:
        child.join(timeout=30)
    assert results == [head()] * 4
    assert current(Store(database_url)) == head()
