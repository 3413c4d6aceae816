"""``GET /openapi.json`` (the machine description) and ``GET /docs`` (the same for people:
server-rendered HTML, no scripts, no CDN)."""

from __future__ import annotations

from functools import cache

from flask import Blueprint, Response, render_template, request

from api.openapi import build_spec
from api.problems import KINDS
from api.scoring import json_response
from api.settings import DEFAULTS
from detector.audit import QUALITY_FORMULA, QUALITY_FORMULA_TEXT, AuditConfig
from detector.reasons import RULES

bp = Blueprint("docs", __name__)


@cache
def _spec() -> dict:
    return build_spec()


@bp.get("/openapi.json")
def openapi() -> Response:
    """The OpenAPI 3.1 description, advertising the URL it was fetched from."""
    return json_response({**_spec(), "servers": [{"url": request.host_url.rstrip("/")}]})


@bp.get("/docs")
def docs_page() -> str:
    """Endpoints, status codes, error kinds and the audit's formulas on one page."""
    spec = _spec()
    endpoints = [
        {"method": method.upper(), "path": path, "summary": op["summary"],
         "statuses": sorted(op["responses"]),
         "parameters": op.get("parameters", [])}
        for path, item in spec["paths"].items() for method, op in item.items()
    ]
    return render_template(
        "docs.html", endpoints=endpoints, kinds=KINDS, defaults=DEFAULTS,
        formula=QUALITY_FORMULA, formula_text=QUALITY_FORMULA_TEXT, audit=AuditConfig(),
        rules=RULES, base=request.host_url.rstrip("/"),
    )
