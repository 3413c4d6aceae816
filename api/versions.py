"""Model versions: ``GET /v1/models`` lists every model this server has served (the
live one marked), ``POST /v1/admin/rollback`` makes an older one serve again through
the same checked, atomic swap as ``POST /v1/admin/reload`` (``api.admin.swap_in``).

A rollback body ``{"version": <id from /v1/models>}`` picks the version; without a body
it is the version that was live before the live one.
"""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response, request

from api.admin import check_admin_key, swap_in, swap_response
from api.auth import require
from api.body import is_json
from api.problems import Problem
from api.scoring import json_response
from api.store import get_store
from detector.audit import iso
from detector.errors import Issue
from detector.io import parse_json
from store.versions import get_version, list_versions, previous_version

bp = Blueprint("versions", __name__)


def _shown(row) -> dict:
    return {"version_id": row.id, "id": row.model_id, "version": row.version,
            "live": bool(row.live), "directory": row.directory, "classes": row.classes,
            "metrics": row.metrics, "first_seen": iso(row.first_seen),
            "activated_at": iso(row.activated_at), "metadata_sha256": row.metadata_sha256}


@bp.get("/v1/models")
def models() -> Response:
    """Every model version served here, most recently activated first."""
    require("read")
    with get_store().read() as session:
        return json_response({"versions": [_shown(v) for v in list_versions(session)]})


def _requested_version() -> int | None:
    data = request.get_data(cache=False)
    if not data.strip():
        return None
    if not is_json(request.mimetype):
        raise Problem("unsupported-media-type", "expected Content-Type: application/json, "
                      f"got {request.mimetype or 'none'}")
    body = parse_json(data)
    if not isinstance(body, dict) or any(k != "version" for k in body) \
            or ("version" in body and (type(body["version"]) is not int
                                       or body["version"] < 1)):
        raise Problem("invalid-body", 'the body must be {"version": <version_id from '
                      'GET /v1/models>} or empty', errors=[Issue("version", "must be a "
                                                                 "positive integer")])
    return body.get("version")


@bp.post("/v1/admin/rollback")
def rollback() -> Response:
    """Serve an earlier model version again (the ``admin`` role)."""
    check_admin_key()
    store = get_store()
    wanted = _requested_version()
    with store.read() as session:
        row = previous_version(session) if wanted is None else get_version(session, wanted)
    if row is None:
        which = "no earlier version is recorded" if wanted is None \
            else f"no model version {wanted} (see GET /v1/models)"
        raise Problem("not-found", which)
    return swap_response(*swap_in(Path(row.directory), row.metadata_sha256))
