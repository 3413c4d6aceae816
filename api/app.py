"""The application factory: ``create_app(config=None)``.

Configuration, lowest to highest precedence: ``DEFAULTS`` (``api.settings``), then
environment variables prefixed ``FFD_`` (``FFD_MODEL_DIR``, ``FFD_MAX_BODY_BYTES``, ...;
values are read as JSON where they parse, so ``FFD_MAX_ACCOUNTS=50000`` is a number), or,
when ``config`` is given (tests), that mapping instead of the environment. Importing this
module starts nothing; the model is loaded when the app is created.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask

from api import (
    audit,
    deferred,
    docs,
    imports,
    labels,
    meta,
    page,
    predict,
    problems,
    snapshots,
    timing,
    versions,
)
from api.admin import init_app as init_admin
from api.model import ModelStore
from api.settings import DEFAULTS
from api.store import init_app as init_store


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the app; ``config`` replaces the environment (for tests)."""
    app = Flask(__name__)
    app.config.from_mapping(DEFAULTS)
    if config is None:
        app.config.from_prefixed_env("FFD")
        if not app.config["DATABASE_URL"]:
            from store.db import default_url

            app.config["DATABASE_URL"] = default_url()
    else:
        app.config.from_mapping(config)
    _check_limits(app.config)
    app.config["MAX_CONTENT_LENGTH"] = app.config["MAX_BODY_BYTES"]
    app.json.sort_keys = False

    problems.init_app(app)
    timing.init_app(app)
    deferred.init_app(app)
    for module in (predict, audit, imports, meta, docs, page):
        app.register_blueprint(module.bp)
    ModelStore(app)
    init_admin(app)  # after the store: a published reload replaces the start model
    init_store(app)  # after both: records the model that serves now
    for module in (snapshots, labels, versions):
        app.register_blueprint(module.bp)
    return app


def _check_limits(config: Mapping[str, Any]) -> None:
    """Refuse to start with a limit that is not a positive integer (a typo in an
    environment variable would otherwise turn every request into a 500)."""
    for key in ("MAX_BODY_BYTES", "MAX_DECODED_BYTES", "MAX_ACCOUNTS", "MAX_EDGES"):
        value = config[key]
        if type(value) is not int or value < 1:
            raise ValueError(f"{key} (FFD_{key}) must be a positive integer, got {value!r}")
    memory = config.get("MAX_REQUEST_MEMORY")  # None (FFD_MAX_REQUEST_MEMORY=null): no budget
    if memory is not None and (type(memory) is not int or memory < 1):
        raise ValueError("MAX_REQUEST_MEMORY (FFD_MAX_REQUEST_MEMORY) must be a positive "
                         f"integer (bytes) or null, got {memory!r}")
