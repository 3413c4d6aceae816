"""``POST /v1/audit``: the audit of the posted graph's ``target`` and its audience."""

from __future__ import annotations

from flask import Blueprint, Response

from api.auth import protect
from api.body import read_graph
from api.model import LoadedModel, current_model
from api.params import int_param
from api.problems import Problem
from api.scoring import json_response
from api.timing import stage
from detector.audit import Audience, AuditConfig, audience
from detector.errors import Issue
from detector.graph import AccountGraph
from models.auditing import audit_answer

bp = protect(Blueprint("audit", __name__))
#: Most suspicious followers returned at most (the ``limit`` parameter's ceiling).
MAX_LIMIT = 1_000


def auditing_model() -> LoadedModel:
    """The current model, if it can audit (it needs a ``genuine`` class); else 503."""
    model = current_model()
    if "genuine" not in model.classes:
        raise Problem("model-unavailable", f"the loaded model's classes {model.classes} have no "
                      "'genuine' class, so it cannot audit an audience")
    return model


def audit_body(graph: AccountGraph, model: LoadedModel, limit: int
               ) -> tuple[dict[str, object], Audience]:
    """The audit answer for a validated ``graph`` and its audience (422 problem when it
    cannot be audited: the target is checked before anything is scored);
    ``models.auditing`` computes it, as for ``ffd audit``. ``POST /v1/audit`` and
    snapshots share it."""
    who = audience(graph)
    return audit_answer(graph, model.classifier, AuditConfig(top=limit), stage, who), who


def audit_response(graph: AccountGraph, model: LoadedModel, limit: int,
                   warnings: list[Issue] | None = None) -> Response:
    """The audit answer for a validated ``graph``; ``warnings`` (an importer's) come
    before the graph's own."""
    answer, _ = audit_body(graph, model, limit)
    if warnings:
        answer["warnings"] = [w.to_dict() for w in warnings] + answer["warnings"]
    return json_response(answer)


@bp.post("/v1/audit")
def audit_endpoint() -> Response:
    """Audit the audience of the graph's target."""
    limit = int_param("limit", AuditConfig.top, 0, MAX_LIMIT)
    model = auditing_model()
    return audit_response(read_graph(), model, limit)
