"""A graph scored and audited by a trained classifier: the one code path behind
``POST /v1/audit`` (``api.audit``) and ``ffd audit`` (``training.audit_command``).

Features are computed once and reused by the model, the reasons and the audit; the
model runs once. ``stage`` names each step for callers that time them (the API's
``Server-Timing``); it defaults to doing nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from typing import Any

import numpy as np

from detector.audit import Audience, AuditConfig, audience, audit
from detector.graph import AccountGraph
from models.estimator import Verdicts

Stage = Callable[[str], AbstractContextManager[Any]]


def _no_stage(_name: str) -> AbstractContextManager[Any]:
    return nullcontext()


def model_ref(classifier: Any) -> dict[str, str]:
    """``{id, version}``, as every scoring answer names the model."""
    meta = classifier.metadata_
    return {"id": str(meta.get("id")),
            "version": str(meta.get("version") or meta.get("created_at") or "unknown")}


def score_graph(graph: AccountGraph, classifier: Any,
                stage: Stage = _no_stage) -> tuple[np.ndarray, Verdicts]:
    """``(features, verdicts)`` of every account: ``[N, F]`` raw features and the
    classifier's ``Verdicts`` (calibrated probabilities in ``classifier.classes_`` order,
    uncertainty flags, and for evidence models what drove each score).

    Args:
        graph: a validated graph.
        classifier: a fitted ``models.estimator.FollowerClassifier``.
        stage: context manager factory timing ``features`` and ``model``.
    """
    with stage("features"):
        features = classifier.features(graph)
    with stage("model"):
        verdicts = classifier.score(graph, features)
    verdicts.proba = np.asarray(verdicts.proba, dtype=np.float64)
    return features, verdicts


def audit_answer(graph: AccountGraph, classifier: Any, config: AuditConfig | None = None,
                 stage: Stage = _no_stage, who: Audience | None = None) -> dict[str, Any]:
    """The audit answer of ``graph``'s target: ``{"model", ...Audit.to_dict(),
    "warnings"}``, exactly what ``POST /v1/audit`` sends.

    Args:
        who: ``detector.audit.audience(graph)`` when the caller has it already.

    Raises:
        GraphValidationError: the graph has no target, or nobody follows it (checked
            before anything is scored).
        ValueError: the classifier has no ``genuine`` class.
    """
    who = audience(graph) if who is None else who
    features, verdicts = score_graph(graph, classifier, stage)
    with stage("audit"):
        report = audit(graph, verdicts.proba, tuple(classifier.classes_), config,
                       features=features, who=who, attribute=verdicts.attribute,
                       uncertain=verdicts.uncertain)
    return {
        "model": model_ref(classifier),
        **report.to_dict(),
        "warnings": [w.to_dict() for w in graph.warnings + report.warnings],
    }
