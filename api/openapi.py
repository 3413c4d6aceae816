"""The OpenAPI 3.1 description of the server, built as a dict from the same tables the
code uses (the graph contract's JSON Schema, the problem kinds, the config defaults).

Tests check real responses against these schemas, so the description stays true.
"""

from __future__ import annotations

from typing import Any

from api import openapi_store
from api.problems import KINDS, PROBLEM_JSON
from detector.schema import FORMAT, json_schema

_NUM = {"type": "number"}
_STR = {"type": "string"}
_INT = {"type": "integer"}
_PROB = {"type": "number", "minimum": 0, "maximum": 1}
_ESTIMATED = ("true when some of these follow times were estimated from the follow order "
              "(`rank`), not observed (docs/follow-times.md)")


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _obj(props: dict[str, Any], required: list[str] | None = None, **extra: Any) -> dict:
    return {"type": "object", "required": required or list(props), "properties": props, **extra}


def _schemas() -> dict[str, Any]:
    graph = json_schema()
    node_link = {
        "type": "object",
        "required": ["nodes"],
        "description": "networkx node-link JSON (`nx.node_link_data`); `graph.target` "
                       "names the audited account.",
        "properties": {
            "nodes": graph["properties"]["accounts"],
            "edges": graph["properties"]["edges"],
            "links": graph["properties"]["edges"],
            "graph": {"type": "object"},
            "target": {"type": ["string", "null"]},
        },
    }
    scores = {"type": "object", "additionalProperties": _PROB,
              "description": "probability per class (the model's classes)"}
    share = _obj({"share": _PROB, "low": _PROB, "high": _PROB})
    bins = {  # an arrival timeline: follows per bin from ``start``
        "start": {"type": ["string", "null"]},
        "bin_seconds": {"type": ["number", "null"]},
        "follows": {"type": "array", "items": _INT},
        "expected_suspicious": {"type": "array", "items": _NUM},
        "estimated": {"type": "boolean", "description": _ESTIMATED},
    }
    return {
        "AccountGraph": {**graph, "description": f"An `{FORMAT}` document (docs/graph-format.md)."},
        "NodeLinkGraph": node_link,
        "Issue": _obj({"path": _STR, "message": _STR}),
        "Problem": _obj({
            "type": {**_STR, "description": "relative URI of the explanation on /docs"},
            "title": _STR, "status": _INT, "detail": _STR,
            "instance": {"type": ["string", "null"]},
            "errors": {"type": "array", "items": _ref("Issue")},
        }),
        "ModelRef": _obj({"id": _STR, "version": _STR}),
        "AccountScore": _obj({
            "id": _STR, "label": _STR, "scores": scores,
            "uncertain": {"type": "boolean",
                          "description": "too little data, or odds too even, to trust the label"},
            "reasons": {"type": "array", "items": _STR},
        }),
        "PredictResponse": _obj({
            "model": _ref("ModelRef"),
            "classes": {"type": "array", "items": _STR},
            "counts": {"type": "object", "additionalProperties": _INT},
            "accounts": {"type": "array", "items": _ref("AccountScore")},
            "warnings": {"type": "array", "items": _ref("Issue")},
        }),
        "Share": share,
        "Burst": _obj({
            "start": {**_STR, "format": "date-time"}, "end": {**_STR, "format": "date-time"},
            "follows": _INT, "expected": _NUM, "p_value": _NUM, "accounts": _INT,
            "shares": {"type": "object", "additionalProperties": _PROB},
            "estimated": {"type": "boolean", "description": _ESTIMATED},
        }),
        "Campaign": _obj({
            "rank_from": {**_INT, "description": "place of its first member in the follow "
                          "order (the `rank`, else the position by `at`; 0 = oldest)"},
            "rank_to": {**_INT, "description": "place of its last member (inclusive)"},
            "size": {**_INT, "description": "members: followers in the block whose "
                     "creation date lies in its cluster"},
            "in_range": {**_INT, "description": "follows from rank_from to rank_to, "
                         "members or not"},
            "created_from": {**_STR, "format": "date-time"},
            "created_to": {**_STR, "format": "date-time"},
            "arrived_from": {"type": ["string", "null"], "format": "date-time"},
            "arrived_to": {"type": ["string", "null"], "format": "date-time"},
            "estimated": {"type": "boolean", "description": _ESTIMATED},
            "shares": {"type": "object", "additionalProperties": _PROB,
                       "description": "mean class probabilities of the members"},
            "bought_share": {**_PROB, "description": "share of members the model calls "
                             "bought (most probable class)"},
            "score": {**_NUM, "description": "-log10 of p_value (at most 300)"},
            "p_value": _PROB,
            "false_alarm_rate": {**_PROB, "description": "per list: the chance that a "
                                 "list this long without campaigns shows a block at least "
                                 "this tight (Bonferroni bound)"},
        }),
        "FollowerMap": _obj({
            "by": {"enum": ["rank", "at"], "description": "where the follow order comes "
                   "from"},
            "followers": _INT, "undated": _INT,
            "step": {**_INT, "minimum": 1, "description": "every step-th dated follower "
                     "is shown (1: all)"},
            "shown": _INT,
            "classes": {"type": "array", "items": _STR},
            "rank": {"type": "array", "items": _INT},
            "created_day": {"type": "array", "items": _INT,
                            "description": "creation date, days since 1970-01-01 UTC"},
            "label": {"type": "array", "items": _INT,
                      "description": "index of the predicted class in `classes`"},
        }, description="every follower's place in the follow order against its creation "
                       "date, with its verdict (parallel arrays)"),
        "SuspiciousFollower": _obj({
            "id": _STR, "label": _STR, "suspicion": _PROB, "scores": scores,
            "uncertain": {"type": "boolean"},
            "reasons": {"type": "array", "items": _STR},
        }),
        "AuditResponse": _obj({
            "model": _ref("ModelRef"),
            "target": _STR,
            "followers_analysed": _INT,
            "former_followers": _INT,
            "uncertain_followers": {**_INT, "description": "followers whose verdict is "
                                    "flagged uncertain (too little data or even odds)"},
            "shares": {"type": "object", "additionalProperties": _ref("Share")},
            "quality": _obj({
                "score": {"type": "number", "minimum": 0, "maximum": 100},
                "low": _NUM, "high": _NUM, "formula": _STR, "definition": _STR,
                "confidence": _NUM,
            }),
            "bursts": {"type": "array", "items": _ref("Burst")},
            "campaigns": {"type": "array", "items": _ref("Campaign"),
                          "description": "blocks of consecutive followers whose creation "
                                         "dates cluster (docs/campaigns.md); empty without "
                                         "a follow order"},
            "timeline": _obj({**bins, "recent": _obj({"days": _NUM, **bins})}),
            "score_histogram": _obj({
                "of": _STR, "edges": {"type": "array", "items": _NUM},
                "counts": {"type": "array", "items": _INT},
            }),
            "suspicious_followers": {"type": "array", "items": _ref("SuspiciousFollower")},
            "follower_map": {"anyOf": [_ref("FollowerMap"), {"type": "null"}],
                             "description": "null when the followers have no order "
                                            "(neither `rank` nor `at`)"},
            "warnings": {"type": "array", "items": _ref("Issue")},
        }),
        "ModelResponse": _obj({
            "id": _STR, "version": _STR, "classes": {"type": "array", "items": _STR},
            "loaded_at": _STR, "metadata": {"type": "object"},
        }),
        "Status": _obj({"status": _STR}, additionalProperties=True),
        "ReloadRequest": {"type": "object", "additionalProperties": False, "properties": {
            "model_dir": {**_STR, "minLength": 1, "description": "model directory on the "
                          "server; omitted (or no body): the configured FFD_MODEL_DIR"}}},
        "ReloadResponse": _obj({
            "status": _STR, "model": _ref("ModelRef"), "directory": _STR, "loaded_at": _STR,
            "classes": {"type": "array", "items": _STR},
            "previous": {"anyOf": [_ref("ModelRef"), {"type": "null"}]},
            "warnings": {"type": "array", "items": _ref("Issue")},
        }),
    }


def _problems(*statuses: int, omit: tuple[str, ...] = ("model-refused",)) -> dict[str, Any]:
    out = {}
    for status in statuses:
        kinds = [k for k, v in KINDS.items() if v.status == status and k not in omit]
        out[str(status)] = {
            "description": "; ".join(f"`{k}`: {KINDS[k].description}" for k in kinds),
            "content": {PROBLEM_JSON: {"schema": _ref("Problem")}},
        }
    return out


def _ok(schema: str, description: str) -> dict[str, Any]:
    return {"200": {"description": description,
                    "content": {"application/json": {"schema": _ref(schema)}}}}


_GZIP = ("The graph as JSON, as is or gzip-compressed with `Content-Encoding: gzip` "
         "(inflated up to FFD_MAX_DECODED_BYTES).")


def _scoring(summary: str, response: str, parameter: dict[str, Any]) -> dict[str, Any]:
    body = {"anyOf": [_ref("AccountGraph"), _ref("NodeLinkGraph")]}
    return {"post": {
        "summary": summary,
        "parameters": [parameter],
        "security": [{}, {"ApiKey": []}, {"Bearer": []}],
        "requestBody": {"required": True, "description": _GZIP,
                        "content": {"application/json": {"schema": body}}},
        "responses": {**_ok(response, "the result"),
                      **_problems(400, 401, 413, 415, 422, 500, 503)},
    }}


_FILES = {"type": "array", "items": {"type": "string", "format": "binary"}}
#: The multipart fields of the import uploads (``api.imports``), per format.
_UPLOAD = {
    "users": {**_FILES, "description": "twitter-v1: v1.1 user objects, JSON lines "
              "(gzip or xz too)"},
    "follower_ids": {**_FILES, "description": "twitter-v1 (required): followers/ids pages "
                     "or a text file of ids, newest first, in cursor order"},
    "followers": {**_FILES, "description": "instagram (required): the follower CSV of a "
                  "scraping tool, one file"},
    "profiles": {**_FILES, "description": "instagram: Instaloader profile JSON files"},
    "target": {**_STR, "description": "the audited account (twitter-v1: id or "
               "screen_name; instagram: username)"},
    "observed_at": {**_STR, "description": "when the data were collected (ISO 8601); "
                    "default: the newest time stamp in the data, else now"},
    "oldest_first": {"type": "string", "enum": ["true", "false"],
                     "description": "instagram: the CSV lists the oldest follower first"},
    "map": {"type": "array", "items": _STR,
            "description": "instagram: FIELD=COLUMN, e.g. followers=Followers"},
}


def _upload(summary: str, schema: dict[str, Any], extra: list[dict[str, Any]],
            statuses: tuple[int, ...]) -> dict[str, Any]:
    form = {"type": "object", "required": ["target"], "properties": _UPLOAD}
    return {"post": {
        "summary": summary,
        "description": "Platform exports as files (docs/importers.md), converted by the "
                       "project's importers. Bad files are 422 `invalid-import` problems "
                       "naming each file and line.",
        "parameters": [{"name": "format", "in": "path", "required": True,
                        "schema": {"enum": ["twitter-v1", "instagram"]}}, *extra],
        "security": [{}, {"ApiKey": []}, {"Bearer": []}],
        "requestBody": {"required": True, "content": {"multipart/form-data": {
            "schema": form}}},
        "responses": {"200": {"description": "the result", "content": {
            "application/json": {"schema": schema}}}, **_problems(*statuses)},
    }}


def build_spec(server_url: str | None = None) -> dict[str, Any]:
    """The OpenAPI document (``server_url`` is the base URL to advertise, if known)."""
    spec: dict[str, Any] = {
        "openapi": "3.1.0",
        "info": {
            "title": "Fake-follower detector",
            "version": "1",
            "description": "Scores accounts of a posted account graph as genuine, bought or "
                           "mass followers, and audits an account's audience. Every error is "
                           "RFC 9457 problem details. The API key is needed only when the "
                           "server is configured with one (FFD_API_KEY); the admin endpoint needs "
                           "its own key (FFD_ADMIN_KEY) and is disabled without one. Stored "
                           "keys (`ffd keys create NAME --role read|label|admin`) carry roles: "
                           "read (audits, snapshots, history), label (also labels), admin "
                           "(also reload and rollback); a valid key without the role is 403.",
        },
        "paths": {
            "/v1/predict": _scoring("Score every account of a graph", "PredictResponse", {
                "name": "reasons", "in": "query", "required": False,
                "description": "include the reasons per account (default true)",
                "schema": {"type": "string", "enum": ["true", "false", "1", "0", "yes", "no"]},
            }),
            "/v1/audit": _scoring("Audit the audience of the graph's target", "AuditResponse", {
                "name": "limit", "in": "query", "required": False,
                "description": "how many of the most suspicious followers to list (default 20)",
                "schema": {"type": "integer", "minimum": 0, "maximum": 1000},
            }),
            "/v1/import/{format}": _upload(
                "Convert uploaded platform exports into an account-graph/1 document",
                {"allOf": [_ref("AccountGraph"), {"type": "object", "required": ["warnings"],
                                                  "properties": {"warnings": {
                                                      "type": "array",
                                                      "items": _ref("Issue")}}}]},
                [], (400, 401, 404, 413, 415, 422, 500)),
            "/v1/audit/import/{format}": _upload(
                "Audit the target of uploaded platform exports", _ref("AuditResponse"),
                [{"name": "limit", "in": "query", "required": False,
                  "description": "how many of the most suspicious followers to list "
                                 "(default 20)",
                  "schema": {"type": "integer", "minimum": 0, "maximum": 1000}}],
                (400, 401, 404, 413, 415, 422, 500, 503)),
            "/v1/model": {"get": {"summary": "The loaded model's metadata and metrics",
                                  "responses": {**_ok("ModelResponse", "the model"),
                                                **_problems(503)}}},
            "/healthz": {"get": {"summary": "The process is alive",
                                 "responses": _ok("Status", "alive")}},
            "/readyz": {"get": {"summary": "Ready when a model is loaded",
                                "responses": {**_ok("Status", "ready"), **_problems(503)}}},
            "/openapi.json": {"get": {"summary": "This description", "responses": {
                "200": {"description": "OpenAPI 3.1",
                        "content": {"application/json": {"schema": {"type": "object"}}}}}}},
            "/docs": {"get": {"summary": "Human-readable documentation", "responses": {
                "200": {"description": "HTML page", "content": {"text/html": {"schema": _STR}}}}}},
            "/v1/admin/reload": {"post": {
                "summary": "Load, check and swap in a model directory (needs FFD_ADMIN_KEY; "
                           "404 when none is configured)",
                "security": [{"ApiKey": []}, {"Bearer": []}],
                "requestBody": {"required": False, "content": {
                    "application/json": {"schema": _ref("ReloadRequest")}}},
                "responses": {**_ok("ReloadResponse", "the new model serves"),
                              **_problems(400, 401, 404, 413, 415, 422, 500,
                                          omit=("invalid-graph",))},
            }},
            **openapi_store.paths(),
        },
        "components": {
            "schemas": {**_schemas(), **openapi_store.schemas()},
            "securitySchemes": {
                "ApiKey": {"type": "apiKey", "in": "header", "name": "X-API-Key"},
                "Bearer": {"type": "http", "scheme": "bearer"},
            },
        },
    }
    if server_url:
        spec["servers"] = [{"url": server_url}]
    return spec
