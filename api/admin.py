"""``POST /v1/admin/reload``: load a model directory, check it, swap it in atomically.

Security: the endpoint needs a key with the ``admin`` role (``api.auth``): ``ADMIN_KEY``
(``FFD_ADMIN_KEY``), a stored admin key, or ``API_KEY`` when it is the only key in the
environment. When ``ADMIN_KEY`` is set, ``API_KEY`` cannot reload: whoever may score
graphs may not replace the model. Without any admin key the endpoint is disabled and
answers 404 problem details.

A reload loads the directory fully (every file's SHA-256 checked by
``models.artifact``), scores a small built-in graph with it (probabilities finite, one
column per class, rows summing to 1), and only then replaces the current model with one
reference swap. On any failure the old model keeps serving and the answer (422
``model-refused``) says why, naming the file. A request already running keeps the model
reference it took and finishes on that model.

gunicorn runs several worker processes, each with its own model. A successful reload
writes ``{directory, id, metadata_sha256}`` to ``RELOAD_FILE`` (``ffd serve`` sets one
per server) by atomic rename; before each request every worker compares the file's
``stat`` with the last one it saw (a few microseconds) and, when it changed, loads the
named model the same way. A worker started later (e.g. replacing a crashed one) loads
it at start, so every worker serves the reloaded model.
"""

from __future__ import annotations

import logging
import os
import tempfile
import threading
from pathlib import Path
from typing import Any

import numpy as np
import orjson
from flask import Blueprint, Flask, Response, current_app, request

from api.auth import require
from api.body import is_json
from api.model import EXTENSION, LoadedModel, ModelStore
from api.problems import Problem
from api.scoring import json_response
from api.store import optional_store, record_live
from detector.errors import DetectorError, Issue, ModelFileError
from detector.io import parse_json
from detector.validate import parse_graph

log = logging.getLogger(__name__)
bp = Blueprint("admin", __name__)
SYNC = "ffd_reload_sync"

#: Scored by every model before it is swapped in: a followed account, a genuine-looking
#: follower and a bought-looking one, with timestamps and a like.
SMOKE_GRAPH = {
    "format": "account-graph/1", "target": "star", "observed_at": "2024-06-01T00:00:00Z",
    "accounts": [
        {"id": "star", "followers_count": 9000, "following_count": 300, "posts_count": 2000,
         "created_at": "2016-01-01T00:00:00Z", "has_avatar": True},
        {"id": "fan", "followers_count": 150, "following_count": 200, "posts_count": 400,
         "created_at": "2019-03-01T00:00:00Z", "has_avatar": True, "bio": "hiking"},
        {"id": "bot", "followers_count": 0, "following_count": 900, "posts_count": 0,
         "created_at": "2024-05-30T00:00:00Z", "has_avatar": False},
    ],
    "edges": [
        {"source": "fan", "target": "star", "type": "follow", "at": "2023-02-01T00:00:00Z"},
        {"source": "bot", "target": "star", "type": "follow", "at": "2024-05-31T00:00:00Z"},
        {"source": "star", "target": "fan", "type": "like", "weight": 2},
    ],
}


def smoke_check(loaded: LoadedModel) -> None:
    """Raise ``ModelFileError`` unless the model scores ``SMOKE_GRAPH`` sensibly."""
    graph = parse_graph(SMOKE_GRAPH)
    try:
        proba = np.asarray(loaded.classifier.predict_proba(graph), dtype=np.float64)
    except (RuntimeError, ValueError, TypeError, IndexError) as exc:
        raise ModelFileError(f"{loaded.directory}: the model fails on a test graph ({exc})") \
            from None
    shape = (graph.num_accounts, len(loaded.classes))
    if proba.shape != shape or not np.isfinite(proba).all() \
            or not np.allclose(proba.sum(axis=1), 1.0, atol=1e-4):
        raise ModelFileError(f"{loaded.directory}: the model's probabilities on a test graph "
                             f"are not valid (shape {proba.shape}, expected {shape})")


def _token(loaded: LoadedModel | None) -> dict[str, Any] | None:
    """What identifies a loaded model across processes."""
    if loaded is None:
        return None
    return {"directory": loaded.directory, "id": loaded.info["id"],
            "metadata_sha256": loaded.classifier.metadata_.get("metadata_sha256")}


class ReloadSync:
    """Carries a reload to the other worker processes through a small shared file."""

    def __init__(self, path: str | os.PathLike) -> None:
        self.path = Path(path)
        self._seen: tuple[int, int, int] | None = None
        self._lock = threading.Lock()

    def _stat(self) -> tuple[int, int, int] | None:
        try:
            st = os.stat(self.path)
        except FileNotFoundError:
            return None
        return st.st_ino, st.st_mtime_ns, st.st_size

    def publish(self, loaded: LoadedModel) -> None:
        """Point every worker at ``loaded`` (write to a temporary file, then rename)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=f".{self.path.name}.")
        with os.fdopen(fd, "wb") as fh:
            fh.write(orjson.dumps(_token(loaded)))
        os.replace(tmp, self.path)
        self._seen = self._stat()

    def sync(self, store: ModelStore) -> None:
        """Load the published model if it changed since last seen (and is not current)."""
        seen = self._stat()
        if seen is None or seen == self._seen or not self._lock.acquire(blocking=False):
            return  # unchanged, or another thread of this process is syncing already
        try:
            self._seen = seen
            token = orjson.loads(self.path.read_bytes())
            if token != _token(store.current):
                store.load(token["directory"], check=smoke_check)
        except (OSError, ValueError, KeyError, TypeError, DetectorError) as exc:
            log.warning("not following the reload published in %s: %s", self.path, exc)
        finally:
            self._lock.release()


def check_admin_key() -> None:
    """404 when the server has no admin key; 401 or 403 unless an admin key was presented
    (``api.auth``: ``FFD_ADMIN_KEY``, a lone ``FFD_API_KEY`` or a stored admin key)."""
    require("admin")


def requested_directory() -> Path:
    """The body's ``model_dir``; without one (no body, or ``{}``), the configured
    model directory."""
    data = request.get_data(cache=False)
    if not data.strip():
        return _configured_directory()
    if not is_json(request.mimetype):
        raise Problem("unsupported-media-type", "expected Content-Type: application/json, "
                      f"got {request.mimetype or 'none'}")
    body = parse_json(data)
    if not isinstance(body, dict):
        raise Problem("invalid-body", "the body must be a JSON object such as "
                      '{"model_dir": "var/models/new"}', errors=[Issue("", "must be an object")])
    issues = [Issue(key, "unknown field; the only field is model_dir")
              for key in body if key != "model_dir"]
    directory = body.get("model_dir")
    if "model_dir" in body and (not isinstance(directory, str) or not directory.strip()
                                or "\x00" in directory):
        issues.append(Issue("model_dir", "must be a non-empty path to a model directory"))
    if issues:
        raise Problem("invalid-body", "; ".join(str(i) for i in issues), errors=issues)
    return _configured_directory() if directory is None else Path(directory).absolute()


def _configured_directory() -> Path:
    directory = current_app.config.get("MODEL_DIR")
    if directory is None:
        from models.paths import default_model_dir

        directory = default_model_dir()
    return Path(directory).absolute()


def swap_in(directory: Path, metadata_sha256: str | None = None
            ) -> tuple[LoadedModel, LoadedModel | None, list[Issue]]:
    """Load, check and swap in ``directory``; tell the other workers and the store.

    Args:
        directory: the model directory.
        metadata_sha256: when given (a rollback), the directory must still hold that
            model, not one saved over it since.

    Returns ``(loaded, previous, warnings)``; raises a 422 ``model-refused`` problem (the
    old model keeps serving) when the directory is refused.
    """
    store: ModelStore = current_app.extensions[EXTENSION]
    previous = store.current

    def check(loaded: LoadedModel) -> None:
        found = loaded.classifier.metadata_.get("metadata_sha256")
        if metadata_sha256 is not None and found != metadata_sha256:
            raise ModelFileError(f"{directory} holds another model now (metadata_sha256 "
                                 f"{found}, not {metadata_sha256})")
        smoke_check(loaded)

    try:
        loaded = store.load(directory, check=check)
    except (DetectorError, OSError, ValueError) as exc:
        serving = (f"still serving model {previous.info['id']} from {previous.directory}"
                   if previous is not None else "no model is loaded")
        log.warning("reload of %s refused: %s", directory, exc)
        raise Problem("model-refused", f"{exc}; {serving}",
                      errors=[Issue("model_dir", str(exc))]) from None
    warnings = []
    sync = current_app.extensions.get(SYNC)
    if sync is not None:
        try:
            sync.publish(loaded)
        except OSError as exc:
            log.error("reload not shared with the other workers: %s", exc)
            warnings.append(Issue("", f"only this worker process reloaded: could not write "
                                      f"{sync.path} ({exc})"))
    if optional_store() is not None:
        record_live(optional_store(), loaded)
    return loaded, previous, warnings


def swap_response(loaded: LoadedModel, previous: LoadedModel | None,
                  warnings: list[Issue]) -> Response:
    """The answer of a reload or a rollback."""
    return json_response({
        "status": "reloaded", "model": loaded.info, "directory": loaded.directory,
        "loaded_at": loaded.loaded_at, "classes": list(loaded.classes),
        "previous": previous.info if previous is not None else None,
        "warnings": [w.to_dict() for w in warnings],
    })


@bp.post("/v1/admin/reload")
def reload() -> Response:
    """Load, check and swap in a model directory; the old model serves on failure."""
    check_admin_key()
    return swap_response(*swap_in(requested_directory()))


def init_app(app: Flask) -> None:
    """Register the endpoint and, when ``RELOAD_FILE`` is set, follow other workers'
    reloads (call after ``ModelStore``: a published reload replaces the start model)."""
    app.register_blueprint(bp)
    path = app.config.get("RELOAD_FILE")
    if not path:
        return
    sync = app.extensions[SYNC] = ReloadSync(path)
    store: ModelStore = app.extensions[EXTENSION]
    sync.sync(store)
    app.before_request(lambda: sync.sync(store))
