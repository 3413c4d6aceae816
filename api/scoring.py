"""Scoring shared by the endpoints: features once, model once, records for the response.

The hot path is numpy and one forward pass: features are computed once and reused by the
model and by the reasons; no networkx and no per-account Python work beyond building the
response records.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import orjson
from flask import Response

from api.model import LoadedModel
from api.timing import stage
from detector.drivers import Attributor
from detector.graph import AccountGraph
from detector.reasons import explain
from models.auditing import score_graph


@dataclass
class Scored:
    """One graph scored by one model."""

    graph: AccountGraph
    model: LoadedModel
    features: np.ndarray  # [N, F] raw features
    proba: np.ndarray  # [N, C] probabilities, columns in model.classes order
    uncertain: np.ndarray  # [N] bool: the model does not trust this verdict
    attribute: Attributor | None  # what moved each account's score (for the reasons)

    def labels(self, rows: np.ndarray | None = None) -> list[str]:
        proba = self.proba if rows is None else self.proba[rows]
        classes = self.model.classes
        return [classes[k] for k in proba.argmax(axis=1).tolist()]


def score(graph: AccountGraph, model: LoadedModel) -> Scored:
    """Features and calibrated probabilities for every account of ``graph``."""
    features, verdicts = score_graph(graph, model.classifier, stage)
    return Scored(graph, model, features, verdicts.proba, verdicts.uncertain,
                  verdicts.attribute)


def account_records(scored: Scored, with_reasons: bool = True) -> list[dict[str, object]]:
    """``[{id, label, scores, uncertain, reasons}]`` for every account, in input order."""
    labels = scored.labels()
    with stage("reasons"):
        reasons = (explain(scored.graph, labels, features=scored.features,
                           attribute=scored.attribute)
                   if with_reasons else [[] for _ in labels])
    classes = scored.model.classes
    rows = np.round(scored.proba, 4).tolist()
    return [
        {"id": i, "label": label, "scores": dict(zip(classes, p, strict=True)),
         "uncertain": u, "reasons": why}
        for i, label, p, u, why in zip(scored.graph.ids.tolist(), labels, rows,
                                       scored.uncertain.tolist(), reasons, strict=True)
    ]


def json_response(body: object, status: int = 200) -> Response:
    """Serialise with orjson (numpy scalars and arrays included)."""
    with stage("serialise"):
        data = orjson.dumps(body, option=orjson.OPT_SERIALIZE_NUMPY)
    return Response(data, status=status, mimetype="application/json")
