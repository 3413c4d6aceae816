"""One error shape for every error: RFC 9457 problem details.

Every non-2xx answer, including 404, 405, 413 and unexpected failures, is
``application/problem+json`` with ``type``, ``title``, ``status``, ``detail``,
``instance`` and an ``errors`` list of ``{path, message}`` (empty when no input field is
to blame). ``type`` is a relative URI into the docs page (``/docs#problem-<kind>``), so
a client can follow it to the explanation. ``KINDS`` lists every kind the server sends;
the OpenAPI description and the docs page are built from it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass

import orjson
from flask import Flask, Response, request
from werkzeug.exceptions import HTTPException

from detector.errors import GraphValidationError, Issue
from detector.io import MalformedInputError

PROBLEM_JSON = "application/problem+json"
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Kind:
    status: int
    title: str
    description: str


KINDS: dict[str, Kind] = {
    "bad-request": Kind(400, "bad request", "The request is not well-formed HTTP."),
    "malformed-json": Kind(400, "malformed JSON", "The body is not valid JSON (NaN, Infinity "
                           "and nesting deeper than 1,024 levels are refused too)."),
    "invalid-parameter": Kind(400, "invalid query parameter", "A query parameter is not "
                              "allowed or out of range; `errors` names it."),
    "unauthorized": Kind(401, "missing or wrong API key", "This server requires an API key "
                         "in the `X-API-Key` header (or `Authorization: Bearer <key>`)."),
    "forbidden": Kind(403, "key lacks the role", "The API key is valid but its role (read, "
                      "label or admin) does not allow this; `detail` names the role needed."),
    "not-found": Kind(404, "not found", "No such endpoint; see /openapi.json."),
    "method-not-allowed": Kind(405, "method not allowed", "The endpoint exists but not for "
                               "this method; the `Allow` header lists the methods it takes."),
    "too-large": Kind(413, "request too large", "The body is larger than the server accepts "
                      "(FFD_MAX_BODY_BYTES; inflated from gzip, FFD_MAX_DECODED_BYTES), or "
                      "the graph has more accounts or edges than "
                      "allowed (FFD_MAX_ACCOUNTS, FFD_MAX_EDGES). Split it or raise the limit."),
    "conflict": Kind(409, "conflict", "The request conflicts with what is stored (a snapshot "
                     "of this target at this `observed_at` exists already); `detail` names it."),
    "unsupported-media-type": Kind(415, "unsupported media type", "Send the graph with "
                                   "`Content-Type: application/json`, as is or with "
                                   "`Content-Encoding: gzip`."),
    "invalid-graph": Kind(422, "invalid account graph", "The JSON is well-formed but not a "
                          "valid account graph (or cannot be audited); `errors` names every "
                          "problem with its JSON path."),
    "invalid-body": Kind(422, "invalid request body", "The JSON is well-formed but not what "
                         "the endpoint takes (labels, a snapshot whose target does not match "
                         "the path or without `observed_at`); `errors` names every problem."),
    "invalid-import": Kind(422, "cannot import the files", "Uploaded platform exports that "
                           "the importer cannot read (docs/importers.md); `errors` names each "
                           "problem's file (as uploaded) and line."),
    "model-refused": Kind(422, "model directory refused", "The model directory named in a "
                          "reload is missing, damaged or does not work (`detail` names the "
                          "file); the previous model keeps serving."),
    "internal-error": Kind(500, "internal server error", "A bug on our side; the server "
                           "log has the details. Bad input never causes this."),
    "model-unavailable": Kind(503, "model not loaded", "The server has no usable model "
                              "(missing or refused model directory); `detail` says why."),
}


class Problem(Exception):
    """An error answered as problem details; raise it anywhere in a request."""

    def __init__(self, kind: str, detail: str = "", *, errors: Iterable[Issue] = (),
                 title: str | None = None, status: int | None = None,
                 headers: dict[str, str] | None = None) -> None:
        known = KINDS.get(kind)
        self.kind = kind
        self.status = status or (known.status if known else 500)
        self.title = title or (known.title if known else kind.replace("-", " "))
        self.detail = detail
        self.errors = list(errors)
        self.headers = headers or {}
        super().__init__(f"{self.status} {self.title}: {detail}")

    def to_dict(self) -> dict[str, object]:
        return {
            "type": f"/docs#problem-{self.kind}",
            "title": self.title,
            "status": self.status,
            "detail": self.detail,
            "instance": request.path if request else None,
            "errors": [issue.to_dict() for issue in self.errors],
        }

    def response(self) -> Response:
        body = orjson.dumps(self.to_dict())
        return Response(body, status=self.status, mimetype=PROBLEM_JSON, headers=self.headers)


_HTTP_KINDS = {400: "bad-request", 401: "unauthorized", 403: "forbidden", 404: "not-found",
               405: "method-not-allowed", 413: "too-large", 415: "unsupported-media-type"}


def _from_http(exc: HTTPException) -> Response:
    kind = _HTTP_KINDS.get(exc.code or 500, f"http-{exc.code}")
    headers = {k: v for k, v in exc.get_headers() if k.lower() != "content-type"}
    detail = exc.description or ""
    if exc.code == 413 and request.max_content_length is not None:
        limit = request.max_content_length
        detail = (f"the body is larger than the {limit:,} bytes this server accepts "
                  f"(FFD_MAX_BODY_BYTES)")
    elif exc.code == 404:
        detail = f"no endpoint at {request.path}; see /openapi.json"
    elif exc.code == 405:
        detail = f"{request.method} is not allowed on {request.path}"
    problem = Problem(kind, detail, status=exc.code, headers=headers,
                      title=None if kind in KINDS else exc.name.lower())
    return problem.response()


def _from_validation(exc: GraphValidationError) -> Response:
    shown = f"{len(exc.errors)} problem{'s' if len(exc.errors) != 1 else ''} found"
    return Problem("invalid-graph", shown, errors=exc.errors, title=exc.title).response()


def _from_malformed(exc: MalformedInputError) -> Response:
    return Problem("malformed-json", str(exc)).response()


def _from_anything(exc: Exception) -> Response:
    log.exception("unhandled error on %s %s", request.method, request.path)
    return Problem("internal-error", "the server failed to answer this request").response()


def init_app(app: Flask) -> None:
    """Route every error through the problem-details shape."""
    app.register_error_handler(Problem, lambda exc: exc.response())
    app.register_error_handler(HTTPException, _from_http)
    app.register_error_handler(GraphValidationError, _from_validation)
    app.register_error_handler(MalformedInputError, _from_malformed)
    app.register_error_handler(Exception, _from_anything)
