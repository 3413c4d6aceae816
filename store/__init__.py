"""The store: snapshots of audiences, analysts' labels, API keys and model versions.

SQLAlchemy 2 models and queries with Alembic migrations; SQLite by default (a file under
``var/``), PostgreSQL when ``FFD_DATABASE_URL`` names one. ``api/`` calls this package;
it never calls ``api/``. See docs/monitoring.md.

The re-exports are lazy, so ``ffd`` (which registers ``ffd db`` and ``ffd keys``) imports
SQLAlchemy only when one of those commands runs. ``store.history`` is the module (its
``history`` function is imported from it).
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

_WHERE = {
    "Store": "db", "StoreConfig": "db", "default_url": "db",
    "churn_counts": "history", "graphs_of": "graphs",
    "create_key": "keys", "list_keys": "keys", "revoke_key": "keys", "verify_key": "keys",
    "add_labels": "labels", "latest_labels": "labels", "list_labels": "labels",
    "upgrade": "migrate", "LABELS": "schema", "ROLES": "schema",
    "SnapshotConflict": "snapshots", "add_snapshot": "snapshots",
    "list_versions": "versions", "live_version": "versions",
    "register_version": "versions",
}
__all__ = sorted(_WHERE)


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        return getattr(import_module(f"store.{_WHERE[name]}"), name)
    raise AttributeError(f"module 'store' has no attribute {name!r}")
