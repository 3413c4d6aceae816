"""The OpenAPI description of the store's endpoints (snapshots, history, labels, model
versions, rollback); ``api.openapi.build_spec`` merges it into ``/openapi.json``."""

from __future__ import annotations

from typing import Any

from api.problems import KINDS, PROBLEM_JSON

_STR, _INT, _NUM, _BOOL = {"type": "string"}, {"type": "integer"}, {"type": "number"}, \
    {"type": "boolean"}
_TIME = {"type": "string", "format": "date-time"}
_IDS = {"type": "array", "items": _STR}
_SECURITY = [{}, {"ApiKey": []}, {"Bearer": []}]


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _obj(props: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"type": "object", "required": list(props), "properties": props, **extra}


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    return {"anyOf": [schema, {"type": "null"}]}


def schemas() -> dict[str, Any]:
    """Component schemas of the store's answers."""
    listed = _obj({"count": _INT, "ids": _IDS, "more": _BOOL,
                   "next": {"type": ["string", "null"],
                            "description": "the next page (GET), when `more`"}})
    change = _obj({
        "since": _INT, "days": _NUM, "joined": listed, "left": listed,
        "per_day": _NUM, "usual_per_day": {"type": ["number", "null"]},
        "z": {"type": ["number", "null"]}, "anomalous": _BOOL,
    }, description="from the snapshot `since` (the one before) to this one")
    return {
        "SnapshotResponse": _obj({
            "id": _INT, "target": _STR, "observed_at": _TIME, "created_at": _TIME,
            "created_by": _STR, "followers": _INT, "model": _ref("ModelRef"),
            "audit": _ref("AuditResponse"),
        }),
        "HistoryResponse": _obj({
            "target": _STR,
            "snapshots": {"type": "array", "items": _obj({
                "id": _INT, "observed_at": _TIME, "followers": _INT, "created_by": _STR,
                "model": _ref("ModelRef"),
                "summary": _obj({"quality": _NUM, "quality_low": _NUM, "quality_high": _NUM,
                                 "shares": {"type": "object", "additionalProperties": _NUM},
                                 "former_followers": _INT, "bursts": _INT}),
                "change": _nullable(change),
            })},
            "growth_anomalies": {"type": "array", "items": _INT,
                                 "description": "ids of snapshots whose joins were anomalous"},
            "churners": _obj({"count": _INT, "more": _BOOL, "accounts": {
                "type": "array", "items": _obj({"id": _STR, "episodes": _INT})}}),
        }),
        "ChangePage": _obj({
            "target": _STR, "snapshot": _INT, "since": {"type": ["integer", "null"]},
            "kind": {"enum": ["joined", "left"]}, "count": _INT, "offset": _INT,
            "limit": _INT, "ids": _IDS, "next_offset": {"type": ["integer", "null"]},
        }),
        "NewLabel": {"type": "object", "required": ["account", "label"],
                     "additionalProperties": False, "properties": {
                         "account": {**_STR, "minLength": 1, "maxLength": 256},
                         "label": {"enum": ["genuine", "bought", "mass_follow"]},
                         "note": {"type": ["string", "null"], "maxLength": 2000}}},
        "Label": _obj({
            "id": _INT, "account": _STR, "label": {"enum": ["genuine", "bought", "mass_follow"]},
            "note": {"type": ["string", "null"]}, "created_by": _STR, "created_at": _TIME,
            "current": {**_BOOL, "description": "the latest label of its account"},
        }),
        "LabelsCreated": _obj({"created": _INT,
                               "labels": {"type": "array", "items": _ref("Label")}}),
        "LabelPage": _obj({"total": _INT, "offset": _INT, "limit": _INT,
                           "next_offset": {"type": ["integer", "null"]},
                           "labels": {"type": "array", "items": _ref("Label")}}),
        "ModelVersions": _obj({"versions": {"type": "array", "items": _obj({
            "version_id": _INT, "id": _STR, "version": _STR, "live": _BOOL,
            "directory": _STR, "classes": _IDS, "metrics": {"type": "object"},
            "first_seen": _TIME, "activated_at": _TIME, "metadata_sha256": _STR})}}),
        "RollbackRequest": {"type": "object", "additionalProperties": False, "properties": {
            "version": {**_INT, "minimum": 1, "description": "`version_id` from GET "
                        "/v1/models; omitted (or no body): the version live before"}}},
    }


def _problems(*statuses: int) -> dict[str, Any]:
    out = {}
    for status in statuses:
        kinds = [k for k, v in KINDS.items() if v.status == status and k != "model-refused"]
        out[str(status)] = {
            "description": "; ".join(f"`{k}`: {KINDS[k].description}" for k in kinds),
            "content": {PROBLEM_JSON: {"schema": _ref("Problem")}},
        }
    return out


def _answer(status: int, schema: str, description: str) -> dict[str, Any]:
    return {str(status): {"description": description,
                          "content": {"application/json": {"schema": _ref(schema)}}}}


def _query(name: str, description: str, low: int, high: int) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": False, "description": description,
            "schema": {"type": "integer", "minimum": low, "maximum": high}}


def _path(name: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "schema": schema}


def paths() -> dict[str, Any]:
    """The store's operations."""
    target = _path("target", {**_STR, "minLength": 1})
    snapshot = _path("snapshot", {**_INT, "minimum": 0, "maximum": 2**31 - 1})
    graph = {"anyOf": [_ref("AccountGraph"), _ref("NodeLinkGraph")]}
    page = [_query("offset", "first item of the page", 0, 2**31 - 1),
            _query("limit", "items per page (default 100)", 1, 1000)]
    changes = {"get": {
        "summary": "One page of the accounts that joined (left) since the previous snapshot",
        "parameters": [target, snapshot, *page], "security": _SECURITY,
        "responses": {**_answer(200, "ChangePage", "the page"),
                      **_problems(400, 401, 403, 404, 500)}}}
    return {
        "/v1/targets/{target}/snapshots": {"post": {
            "summary": "Audit and store a snapshot of the target's followers (the graph's "
                       "`target` must be the path's, and `observed_at` is required)",
            "parameters": [target, _query("limit", "suspicious followers listed in the "
                                          "audit (default 20)", 0, 1000)],
            "security": _SECURITY,
            "requestBody": {"required": True,
                            "content": {"application/json": {"schema": graph}}},
            "responses": {**_answer(201, "SnapshotResponse", "stored; `Location` names it"),
                          **_problems(400, 401, 403, 404, 409, 413, 415, 422, 500, 503)},
        }},
        "/v1/targets/{target}/snapshots/{snapshot}": {"get": {
            "summary": "One stored snapshot with its audit", "parameters": [target, snapshot],
            "security": _SECURITY,
            "responses": {**_answer(200, "SnapshotResponse", "the snapshot"),
                          **_problems(401, 403, 404, 500)}}},
        "/v1/targets/{target}/snapshots/{snapshot}/joined": changes,
        "/v1/targets/{target}/snapshots/{snapshot}/left": changes,
        "/v1/targets/{target}/history": {"get": {
            "summary": "Snapshots, joins and leaves, growth anomalies and churners",
            "parameters": [target, _query("ids", "ids listed per joined/left list and of "
                                          "churners (default 20)", 0, 1000)],
            "security": _SECURITY,
            "responses": {**_answer(200, "HistoryResponse", "the history"),
                          **_problems(400, 401, 403, 404, 500)}}},
        "/v1/labels": {
            "post": {
                "summary": "Store analysts' labels (needs the label role)",
                "security": _SECURITY,
                "requestBody": {"required": True, "content": {"application/json": {"schema": {
                    "type": "array", "minItems": 1, "maxItems": 10000,
                    "items": _ref("NewLabel")}}}},
                "responses": {**_answer(201, "LabelsCreated", "stored"),
                              **_problems(400, 401, 403, 404, 413, 415, 422, 500)}},
            "get": {
                "summary": "Labels, newest first, paginated",
                "parameters": [*page, {"name": "account", "in": "query", "required": False,
                                       "schema": _STR, "description": "only this account"},
                               {"name": "current", "in": "query", "required": False,
                                "description": "only the labels in force",
                                "schema": {"type": "string", "enum": ["true", "false", "1",
                                                                      "0", "yes", "no"]}}],
                "security": _SECURITY,
                "responses": {**_answer(200, "LabelPage", "a page of labels"),
                              **_problems(400, 401, 403, 404, 500)}}},
        "/v1/models": {"get": {
            "summary": "Every model version this server has served; `live` marks the one "
                       "serving", "security": _SECURITY,
            "responses": {**_answer(200, "ModelVersions", "the versions"),
                          **_problems(401, 403, 404, 500)}}},
        "/v1/admin/rollback": {"post": {
            "summary": "Serve an earlier model version again (needs the admin role)",
            "security": [{"ApiKey": []}, {"Bearer": []}],
            "requestBody": {"required": False, "content": {
                "application/json": {"schema": _ref("RollbackRequest")}}},
            "responses": {**_answer(200, "ReloadResponse", "the earlier model serves"),
                          **_problems(400, 401, 403, 404, 413, 415, 500),
                          "422": {"description": "`invalid-body`: "
                                  + KINDS["invalid-body"].description + " `model-refused`: "
                                  + KINDS["model-refused"].description,
                                  "content": {PROBLEM_JSON: {"schema": _ref("Problem")}}}},
        }},
    }
