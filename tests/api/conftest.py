"""Fixtures for the API tests: a tiny trained model (once per session), the app, its
test client and CLI runner, and small hand-built audit graphs."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from pathlib import Path

import numpy as np
import pytest
from jsonschema import Draft202012Validator

from api import create_app
from api.openapi import build_spec

T0 = 1_717_200_000  # 2024-06-01T00:00:00Z, the graphs' observation time
HOUR, DAY = 3_600, 86_400


def iso(seconds: float) -> str:
    return np.datetime_as_string(np.datetime64(int(seconds), "s")) + "Z"


def audit_document(genuine: int = 30, bought: int = 15, labels: bool = False) -> dict:
    """A target ``star`` with genuine followers spread over a year and a batch of bought
    followers created together and following it within one hour."""
    accounts = [{"id": "star", "followers_count": 90_000, "following_count": 300,
                 "posts_count": 2_000, "created_at": iso(T0 - 3_000 * DAY),
                 "has_avatar": True, "bio": "photographer"}]
    edges = []
    for i in range(genuine):
        accounts.append({"id": f"g{i}", "username": f"maria_{chr(97 + i % 26)}",
                         "followers_count": 150 + 37 * i, "following_count": 200 + 11 * i,
                         "posts_count": 400 + 50 * i, "created_at": iso(T0 - (900 + 20 * i) * DAY),
                         "has_avatar": True, "bio": "coffee and hiking"})
        edges.append({"source": f"g{i}", "target": "star", "type": "follow",
                      "at": iso(T0 - (360 - 11 * i) * DAY)})
        edges.append({"source": "star", "target": f"g{i}", "type": "like", "weight": 2})
        if i:
            edges.append({"source": f"g{i}", "target": f"g{i - 1}", "type": "follow",
                          "at": iso(T0 - 400 * DAY + i * DAY)})
    for i in range(bought):
        accounts.append({"id": f"b{i}", "username": f"anna{4821 + i}", "followers_count": i % 4,
                         "following_count": 700 + i, "posts_count": 0,
                         "created_at": iso(T0 - 20 * DAY + 60 * i), "has_avatar": False,
                         "bio": ""})
        edges.append({"source": f"b{i}", "target": "star", "type": "follow",
                      "at": iso(T0 - 5 * DAY + 120 * i)})
    if labels:
        for record in accounts:
            record["label"] = "bought" if record["id"].startswith("b") else "genuine"
    return {"format": "account-graph/1", "target": "star", "observed_at": iso(T0),
            "accounts": accounts, "edges": edges}


@pytest.fixture
def app(model_dir: Path):
    return create_app({"MODEL_DIR": str(model_dir), "TESTING": True})


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def doc() -> dict:
    return audit_document()


@pytest.fixture
def make_doc() -> Callable[..., dict]:
    return audit_document


@cache
def _components() -> dict:
    return build_spec()["components"]


def assert_matches(body: object, schema: str) -> None:
    """Raise unless ``body`` fits ``#/components/schemas/<schema>`` of the OpenAPI spec."""
    root = {"$ref": f"#/components/schemas/{schema}", "components": _components()}
    Draft202012Validator(root).validate(body)


@pytest.fixture
def matches() -> Callable[[object, str], None]:
    """``matches(body, "AuditResponse")`` checks a response against the served schema."""
    return assert_matches
