"""The store: snapshots of audiences, analysts' labels, API keys and model versions.

SQLAlchemy 2 models and queries with Alembic migrations; SQLite by default (a file under
``var/``), PostgreSQL when ``FFD_DATABASE_URL`` names one. ``api/`` calls this package;
it never calls ``api/``. See docs/monitoring.md.
"""

from store.db import Store, StoreConfig, default_url
from store.history import churn_counts, history
from store.keys import create_key, list_keys, revoke_key, verify_key
from store.labels import add_labels, latest_labels, list_labels
from store.migrate import upgrade
from store.schema import LABELS, ROLES
from store.snapshots import SnapshotConflict, add_snapshot
from store.versions import list_versions, register_version

__all__ = [
    "LABELS", "ROLES", "SnapshotConflict", "Store", "StoreConfig", "add_labels",
    "add_snapshot", "churn_counts", "create_key", "default_url", "history", "latest_labels",
    "list_keys", "list_labels", "list_versions", "register_version", "revoke_key", "upgrade",
    "verify_key",
]
