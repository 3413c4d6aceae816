"""The app's configuration keys and their defaults (``create_app`` reads them first; the
``/docs`` page lists them). Kept below ``api.app`` so that a blueprint can read them
without importing the factory that registers it.
"""

from __future__ import annotations

from typing import Any

DEFAULTS: dict[str, Any] = {
    "MODEL_DIR": None,  # None: $FFD_MODEL_DIR, else var/models/default
    "MAX_BODY_BYTES": 20 * 1024 * 1024,  # largest request body (413 beyond)
    "MAX_DECODED_BYTES": 200 * 1024 * 1024,  # largest gzip body once inflated (413 beyond)
    "MAX_ACCOUNTS": 100_000,  # most accounts per posted graph (413 beyond)
    "MAX_EDGES": 1_000_000,  # most edges per posted graph (413 beyond)
    "MAX_REQUEST_MEMORY": 1024**3,  # estimated bytes one request may use (413 beyond; api.budget)
    "API_KEY": None,  # when set, /v1/predict and /v1/audit require it
    "ADMIN_KEY": None,  # key of POST /v1/admin/reload; None: that endpoint is disabled (404)
    "RELOAD_FILE": None,  # file carrying a reload to every worker (`ffd serve` sets one)
    # Snapshots, labels, keys, model versions (api.store). None: from the environment,
    # sqlite:///var/ffd.sqlite3; from a test mapping, no store (its endpoints answer 404).
    "DATABASE_URL": None,
    "DATABASE_MIGRATE": True,  # migrate the database to the newest schema at start
    # Keep each snapshot's graph (profiles and edges): `ffd train --labels` trains on it.
    "KEEP_SNAPSHOT_GRAPHS": True,
    "SNAPSHOT_GRAPHS_PER_TARGET": None,  # None: keep every graph; N: the newest N per target
    "WARM_UP": True,  # score a shipped example once in each worker before traffic (api.warmup)
}
