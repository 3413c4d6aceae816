"""Service endpoints: ``GET /v1/model``, ``GET /healthz`` and ``GET /readyz``."""

from __future__ import annotations

from flask import Blueprint, Response

from api.model import current_model
from api.scoring import json_response

bp = Blueprint("meta", __name__)
#: Metadata keys left out of ``/v1/model``: large and only useful to the code.
HIDDEN = ("normalisation",)


@bp.get("/v1/model")
def model_info() -> Response:
    """The loaded model's metadata and metrics (503 when none is loaded)."""
    model = current_model()
    meta = {k: v for k, v in model.classifier.metadata_.items() if k not in HIDDEN}
    return json_response({**model.info, "classes": list(model.classes),
                          "loaded_at": model.loaded_at, "metadata": meta})


@bp.get("/healthz")
def healthz() -> Response:
    """The process is alive and answering (whether or not a model is loaded)."""
    return json_response({"status": "ok"})


@bp.get("/readyz")
def readyz() -> Response:
    """200 once a model is loaded; 503 problem details (saying why) until then."""
    model = current_model()
    return json_response({"status": "ready", "model": model.info})
