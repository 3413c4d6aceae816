"""The audit page for analysts: ``GET /`` and the uploads the API cannot take as JSON.

- ``GET /``: the page (server-rendered shell; ``static/page.js`` draws the report).
- ``GET /examples/<name>``: a shipped example audit, which the page posts to
  ``/v1/audit`` exactly as it posts an uploaded JSON file.
- ``POST /page/audit``: multipart upload of the accounts CSV + edges CSV pair (plus the
  ``target`` and an optional ``observed_at`` that a CSV pair cannot carry); the answer is
  the ``/v1/audit`` answer, produced by the same code (``api.audit.audit_response``).
- ``POST /page/scores.csv``: every account's label, class probabilities, suspicion,
  relation to the target and reasons as CSV, for a JSON file, a CSV pair or platform
  export files (form field ``format`` and the fields of ``POST /v1/import/{format}``).

The scoring routes require the API key when one is configured, like ``/v1/*``.
"""

from __future__ import annotations

import csv
import io
import tempfile
from functools import cache
from pathlib import Path

import numpy as np
from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    render_template,
    request,
    send_from_directory,
)
from werkzeug.datastructures import FileStorage

from api import budget
from api.audit import MAX_LIMIT, audit_response, auditing_model
from api.auth import check_api_key, keys_configured
from api.body import check_graph_size, check_limits
from api.imports import FORMATS, imported_graph
from api.model import current_model
from api.params import int_param
from api.problems import Problem
from api.scoring import account_records, score
from api.store import optional_store
from detector.audit import QUALITY_FORMULA_TEXT, AuditConfig, audience
from detector.errors import GraphValidationError, Issue
from detector.graph import AccountGraph
from detector.io import MalformedInputError, load_csv, parse_json
from detector.validate import parse_graph, parse_timestamp

bp = Blueprint("page", __name__)
EXAMPLES = Path(__file__).parent / "examples"
#: The example selected when the page opens (the one ``ffd serve``'s curl example posts).
DEFAULT_EXAMPLE = "audit-influencer.json"
#: Suspicious followers the page asks for unless the analyst picks another number.
PAGE_LIMIT = 100
#: The page loads nothing from elsewhere; downloads are built as blob: URLs.
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'")


@cache
def examples() -> tuple[dict[str, object], ...]:
    """The shipped example audits: file name, title and size (read once per process)."""
    return tuple(
        {"name": path.name, "title": path.stem.replace("-", " "), "bytes": path.stat().st_size}
        for path in sorted(EXAMPLES.glob("*.json"))
    )


@bp.get("/")
def page() -> Response:
    """The audit page."""
    html = render_template(
        "page.html", examples=examples(), default_example=DEFAULT_EXAMPLE,
        needs_key=keys_configured(), store=optional_store() is not None,
        limit=PAGE_LIMIT, max_limit=MAX_LIMIT, max_bytes=int(current_app.config["MAX_BODY_BYTES"]),
        formula_text=QUALITY_FORMULA_TEXT, confidence=AuditConfig.confidence,
    )
    return Response(html, mimetype="text/html", headers={"Content-Security-Policy": CSP})


@bp.get("/examples/<name>")
def example(name: str) -> Response:
    """One shipped example graph, as stored."""
    if name not in {e["name"] for e in examples()}:
        abort(404)
    return send_from_directory(EXAMPLES, name, mimetype="application/json")


@bp.post("/page/audit")
def audit_upload() -> Response:
    """The ``/v1/audit`` answer for an uploaded accounts + edges CSV pair."""
    check_api_key()
    limit = int_param("limit", AuditConfig.top, 0, MAX_LIMIT)
    model = auditing_model()
    return audit_response(csv_graph(), model, limit)


@bp.post("/page/scores.csv")
def scores_csv() -> Response:
    """Every account's scores as CSV, for an uploaded JSON ``graph`` or a CSV pair."""
    check_api_key()
    model = current_model()
    fmt = request.form.get("format", "").strip()
    if fmt:
        if fmt not in FORMATS:
            raise Problem("bad-request", f"format: unknown import format {fmt[:40]!r}; "
                          f"expected one of {', '.join(FORMATS)}",
                          errors=[Issue("format", f"unknown import format {fmt[:40]!r}")])
        graph = imported_graph(fmt)[1]
    else:
        graph = json_graph() if "graph" in _files() else csv_graph()
    scored = score(graph, model)
    records = account_records(scored)
    relation = _relations(graph)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["id", "label", *(f"p_{c}" for c in model.classes), "suspicion",
                     "relation", "reasons"])
    genuine = model.classes.index("genuine") if "genuine" in model.classes else None
    for record, p, rel in zip(records, scored.proba.tolist(), relation, strict=True):
        suspicion = "" if genuine is None else f"{1.0 - p[genuine]:.4f}"
        writer.writerow([record["id"], record["label"], *(f"{v:.4f}" for v in p), suspicion,
                         rel, "; ".join(record["reasons"])])
    stem = graph.target_id or "graph"
    return Response(out.getvalue(), mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="scores-{_safe(stem)}.csv"'})


def _files() -> dict[str, FileStorage]:
    """The uploaded files of a multipart request (415 for any other body)."""
    if request.mimetype != "multipart/form-data":
        raise Problem("unsupported-media-type", "expected a multipart/form-data upload, got "
                      f"{request.mimetype or 'none'}")
    return {name: f for name, f in request.files.items() if f.filename}


def json_graph() -> AccountGraph:
    """The uploaded ``graph`` JSON file, checked like a ``/v1/*`` body."""
    data = _files()["graph"].read()
    budget.check_parse(data)
    doc = parse_json(data)
    check_limits(doc)
    budget.check_scoring(doc)
    return parse_graph(doc)


def csv_graph() -> AccountGraph:
    """The uploaded ``accounts`` + ``edges`` CSV files, the form's ``target`` and
    ``observed_at``, read by ``detector.io.load_csv``."""
    files = _files()
    missing = [Issue(name, f"is required: the {name} CSV file")
               for name in ("accounts", "edges") if name not in files]
    if missing:
        raise Problem("bad-request", "upload both CSV files", errors=missing)
    target = request.form.get("target", "").strip() or None
    observed_raw = request.form.get("observed_at", "").strip()
    observed = parse_timestamp(observed_raw) if observed_raw else float("nan")
    if observed is None:
        message = f"must be an ISO-8601 time like 2025-06-01T00:00:00Z, got {observed_raw[:40]!r}"
        raise GraphValidationError([Issue("observed_at", message)])
    with tempfile.TemporaryDirectory(prefix="ffd-upload-") as tmp:
        paths = {name: Path(tmp) / f"{name}.csv" for name in ("accounts", "edges")}
        for name, path in paths.items():
            files[name].save(path)
        try:
            graph = load_csv(paths["accounts"], paths["edges"], target, observed)
        except MalformedInputError as exc:  # not JSON's problem: say it is the CSV
            raise Problem("bad-request", str(exc), title="unreadable CSV file") from None
    check_graph_size(graph)
    budget.check_counts(graph.num_accounts, graph.num_edges)
    return graph


def _relations(graph: AccountGraph) -> list[str]:
    """``target``, ``follower``, ``former follower`` or empty, per account."""
    out = np.full(graph.num_accounts, "", dtype=object)
    if graph.target is None:
        return out.tolist()
    try:
        who = audience(graph)
    except GraphValidationError:  # nobody follows the target: scores are still useful
        who = None
    if who is not None:
        out[who.followers] = "follower"
        out[who.former] = "former follower"
    out[graph.target] = "target"
    return out.tolist()


def _safe(name: str) -> str:
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in name)[:60] or "graph"
