"""``POST /v1/labels`` and ``GET /v1/labels``: analysts' verdicts on accounts.

A post is a JSON array of ``{"account": id, "label": "genuine|bought|mass_follow",
"note": text}`` (``note`` optional); every item is checked before any is stored, and
the whole array is stored in one transaction. Each label keeps who posted it (the key's
name) and when. Labels are never overwritten: for each account the latest is in force
(``current``), the earlier ones stay listed.
"""

from __future__ import annotations

from flask import Blueprint, Response, request

from api.auth import protect, require
from api.body import is_json, read_body
from api.params import bool_param, int_param
from api.problems import Problem
from api.scoring import json_response
from api.store import get_store
from detector.audit import iso
from detector.errors import Issue
from detector.io import parse_json
from store.labels import NewLabel, add_labels, list_labels
from store.schema import LABELS

bp = protect(Blueprint("labels", __name__))
MAX_LABELS = 10_000  # items per post
MAX_PAGE = 1_000  # labels per page
MAX_ID, MAX_NOTE = 256, 2_000  # characters
_FIELDS = ("account", "label", "note")


def _check(item: object, i: int) -> list[Issue]:
    at = f"[{i}]"
    if not isinstance(item, dict):
        return [Issue(at, "must be an object with account, label and an optional note")]
    issues = [Issue(f"{at}.{key}", "unknown field; the fields are account, label and note")
              for key in item if key not in _FIELDS]
    account, label, note = item.get("account"), item.get("label"), item.get("note")
    if not isinstance(account, str) or not account.strip() or len(account) > MAX_ID \
            or any(ord(c) < 32 for c in account):
        issues.append(Issue(f"{at}.account", f"must be an account id: a non-empty string of "
                                             f"at most {MAX_ID} characters, no control "
                                             "characters"))
    if label not in LABELS:
        issues.append(Issue(f"{at}.label", f"must be one of {', '.join(LABELS)}, "
                                           f"got {str(label)[:40]!r}"))
    if note is not None and (not isinstance(note, str) or len(note) > MAX_NOTE):
        issues.append(Issue(f"{at}.note", f"must be a string of at most {MAX_NOTE:,} "
                                          "characters, or null"))
    return issues


def read_labels() -> list[NewLabel]:
    """The posted labels, checked (415, 400, 413 or 422 problem details)."""
    if not is_json(request.mimetype):
        raise Problem("unsupported-media-type", "expected Content-Type: application/json, "
                      f"got {request.mimetype or 'none'}")
    body = parse_json(read_body())
    if not isinstance(body, list) or not body:
        raise Problem("invalid-body", "the body must be a non-empty JSON array of labels",
                      errors=[Issue("", "must be a non-empty array of {account, label, note}")])
    if len(body) > MAX_LABELS:
        raise Problem("too-large", f"{len(body):,} labels; at most {MAX_LABELS:,} per request",
                      errors=[Issue("", f"has more than {MAX_LABELS:,} items")])
    issues = [issue for i, item in enumerate(body) for issue in _check(item, i)]
    if issues:
        shown = f"{len(issues)} problem{'s' if len(issues) != 1 else ''} found"
        raise Problem("invalid-body", shown, errors=issues)
    return [NewLabel(item["account"], item["label"], item.get("note")) for item in body]


@bp.post("/v1/labels")
def post_labels() -> Response:
    """Store an analyst's labels (the ``label`` role)."""
    who = require("label")
    store = get_store()
    labels = read_labels()
    stored = store.write(lambda session: add_labels(session, labels, who.name))
    return json_response({"created": len(stored), "labels": [_shown(r) for r in stored]},
                         status=201)


@bp.get("/v1/labels")
def get_labels() -> Response:
    """Labels, newest first, paginated; ``account`` filters, ``current`` keeps the ones
    in force."""
    offset = int_param("offset", 0, 0, 2**31 - 1)
    limit = int_param("limit", 100, 1, MAX_PAGE)
    current = bool_param("current", False)
    account = request.args.get("account")
    with get_store().read() as session:
        total, rows = list_labels(session, account, current, offset, limit)
    return json_response({
        "total": total, "offset": offset, "limit": limit,
        "next_offset": offset + limit if offset + limit < total else None,
        "labels": [_shown(r) for r in rows],
    })


def _shown(row: dict) -> dict:
    return {**row, "created_at": iso(row["created_at"])}
