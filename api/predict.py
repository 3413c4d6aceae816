"""``POST /v1/predict``: a label, class probabilities and reasons for every account."""

from __future__ import annotations

from flask import Blueprint, Response

from api.auth import protect
from api.body import read_graph
from api.model import current_model
from api.params import bool_param
from api.scoring import account_records, json_response, score

bp = protect(Blueprint("predict", __name__))


@bp.post("/v1/predict")
def predict() -> Response:
    """Score every account of the posted graph."""
    with_reasons = bool_param("reasons", True)
    model = current_model()
    graph = read_graph()
    scored = score(graph, model)
    accounts = account_records(scored, with_reasons)
    counts = dict.fromkeys(model.classes, 0)
    for record in accounts:
        counts[record["label"]] += 1
    return json_response({
        "model": model.info,
        "classes": list(model.classes),
        "counts": counts,
        "accounts": accounts,
        "warnings": [w.to_dict() for w in graph.warnings],
    })
