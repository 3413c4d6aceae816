"""Snapshots of a target's audience and its history (docs/monitoring.md).

- ``POST /v1/targets/<target>/snapshots``: an ``account-graph/1`` of the target's
  followers at its ``observed_at``; audited with the same code as ``POST /v1/audit``
  (``api.audit.audit_body``) and stored with its followers. 201 with the id and audit.
  The posted graph is kept too (``store.graphs``) unless ``KEEP_SNAPSHOT_GRAPHS`` is
  false: ``ffd train --labels`` trains on the labelled accounts' profiles in it.
- ``GET /v1/targets/<target>/history``: every snapshot's time, follower count and audit
  summary, who joined and left between consecutive snapshots, growth anomalies and
  churners (``store.history``).
- ``GET /v1/targets/<target>/snapshots/<id>``: one stored snapshot with its whole audit.
- ``GET /v1/targets/<target>/snapshots/<id>/joined`` (and ``/left``): the accounts that
  joined (left) since the snapshot before, paginated.
"""

from __future__ import annotations

from flask import Blueprint, Response, current_app, url_for

from api.audit import MAX_LIMIT, audit_body, auditing_model
from api.auth import protect, require
from api.body import read_graph
from api.params import int_param
from api.problems import Problem
from api.scoring import json_response
from api.store import get_store
from api.timing import stage
from detector.audit import AuditConfig, iso
from detector.errors import Issue
from detector.io import graph_to_document
from store.graphs import add_graph, encode_document, prune_graphs
from store.history import HistoryConfig, change_ids, history
from store.snapshots import NewSnapshot, SnapshotConflict, add_snapshot, get_snapshot

bp = protect(Blueprint("snapshots", __name__))
#: Most ids per page of joined/left accounts, and per list in the history.
MAX_IDS = 1_000
#: One snapshot's path (ids above 2^31 - 1 are no snapshot: 404, not a database error).
SNAPSHOT = "/v1/targets/<path:target>/snapshots/<int(max=2147483647):snapshot>"


def _summary(body: dict) -> dict:
    """What the history shows of an audit."""
    return {"quality": body["quality"]["score"], "quality_low": body["quality"]["low"],
            "quality_high": body["quality"]["high"],
            "shares": {k: v["share"] for k, v in body["shares"].items()},
            "former_followers": body["former_followers"], "bursts": len(body["bursts"])}


@bp.post("/v1/targets/<path:target>/snapshots")
def post_snapshot(target: str) -> Response:
    """Audit and store a snapshot of ``target``'s audience."""
    limit = int_param("limit", AuditConfig.top, 0, MAX_LIMIT)
    store = get_store()
    who_calls = require("read")
    model = auditing_model()
    graph = read_graph()
    issues = []
    if graph.target_id is None:
        issues.append(Issue("target", f"is required for a snapshot: the id of the account "
                                      f"whose audience this is ({target!r} here)"))
    elif graph.target_id != target:
        issues.append(Issue("target", f"is {graph.target_id!r}, but this is the snapshot "
                                      f"endpoint of {target!r}"))
    if graph.observed_at != graph.observed_at:  # NaN: not given
        issues.append(Issue("observed_at", "is required for a snapshot: when the followers "
                                           "were collected"))
    if issues:
        raise Problem("invalid-body", "; ".join(str(i) for i in issues), errors=issues)
    body, who = audit_body(graph, model, limit)
    new = NewSnapshot(target=target, observed_at=float(graph.observed_at),
                      followers=graph.ids[who.followers].tolist(), audit=body,
                      summary=_summary(body), model_id=model.info["id"],
                      model_version=model.info["version"], created_by=who_calls.name)
    # Retraining from labels needs the followers' profiles and edges (store.graphs).
    document = (encode_document(graph_to_document(graph))
                if current_app.config["KEEP_SNAPSHOT_GRAPHS"] else None)

    keep = current_app.config["SNAPSHOT_GRAPHS_PER_TARGET"]

    def write(session):
        row = add_snapshot(session, new)
        if document is not None:
            add_graph(session, row.id, document)
            if keep is not None:
                prune_graphs(session, target, keep)
        return row

    try:
        with stage("store"):
            row = store.write(write)
    except SnapshotConflict as exc:
        existing = f" (snapshot {exc.existing})" if exc.existing else ""
        raise Problem("conflict", f"target {target!r} has a snapshot observed at "
                                  f"{iso(new.observed_at)} already{existing}",
                      errors=[Issue("observed_at", "a snapshot at this time exists")]) from None
    response = json_response(_snapshot(row, target, body), status=201)
    response.headers["Location"] = url_for("snapshots.get_one", target=target,
                                           snapshot=row.id)
    return response


def _snapshot(row, target: str, audit: dict | None) -> dict:
    out = {"id": row.id, "target": target, "observed_at": iso(row.observed_at),
           "created_at": iso(row.created_at), "created_by": row.created_by,
           "followers": row.follower_count,
           "model": {"id": row.model_id, "version": row.model_version}}
    if audit is not None:
        out["audit"] = audit
    return out


@bp.get(SNAPSHOT)
def get_one(target: str, snapshot: int) -> Response:
    """One stored snapshot with its audit."""
    with get_store().read() as session:
        row = get_snapshot(session, target, snapshot)
        if row is None:
            raise Problem("not-found", f"target {target!r} has no snapshot {snapshot}")
        return json_response(_snapshot(row, target, row.audit))


@bp.get("/v1/targets/<path:target>/history")
def get_history(target: str) -> Response:
    """Snapshots, joins and leaves, growth anomalies and churners of ``target``."""
    ids = int_param("ids", HistoryConfig.ids, 0, MAX_IDS)
    with get_store().read() as session, stage("history"):
        found = history(session, target, HistoryConfig(ids=ids))
    if found is None:
        raise Problem("not-found", f"no snapshot of target {target!r} is stored")
    for entry in found["snapshots"]:
        entry["observed_at"] = iso(entry["observed_at"])
        change = entry["change"]
        if change is not None:
            for kind in ("joined", "left"):
                change[kind]["next"] = url_for(
                    "snapshots.get_changes", target=target, snapshot=entry["id"], kind=kind,
                    offset=ids) if change[kind]["more"] else None
    return json_response(found)


@bp.get(f"{SNAPSHOT}/joined", defaults={"kind": "joined"})
@bp.get(f"{SNAPSHOT}/left", defaults={"kind": "left"})
def get_changes(target: str, snapshot: int, kind: str) -> Response:
    """One page of the accounts that joined (left) since the previous snapshot."""
    offset = int_param("offset", 0, 0, 2**31 - 1)
    limit = int_param("limit", 100, 1, MAX_IDS)
    with get_store().read() as session:
        page = change_ids(session, target, snapshot, kind, offset, limit)
    if page is None:
        raise Problem("not-found", f"target {target!r} has no snapshot {snapshot}")
    return json_response(page)
