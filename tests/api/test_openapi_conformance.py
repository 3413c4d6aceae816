"""Schemathesis against the served ``/openapi.json``: for requests generated from the
description itself (valid ones and deliberately invalid ones), the app never answers
5xx and every answer (status, content type, headers, body) fits the description.

Driven through schemathesis' Hypothesis strategies rather than its pytest plugin,
whose lazy fixture loader does not work under pytest 9.
"""

from __future__ import annotations

from collections import Counter

import pytest
import schemathesis
from hypothesis import HealthCheck, assume, given, settings
from schemathesis import GenerationMode, checks

from api import create_app
from api.openapi import build_spec

#: Examples per operation and mode: enough to reach the documented error statuses,
#: few enough to keep the suite fast (the scoring endpoints run the model each time).
MAX_EXAMPLES = 30
CHECKS = [checks.not_a_server_error, checks.status_code_conformance,
          checks.content_type_conformance, checks.response_headers_conformance,
          checks.response_schema_conformance]
OPERATIONS = [(path, method.upper()) for path, item in build_spec()["paths"].items()
              for method in item]


@pytest.fixture(scope="module")
def served_schema(model_dir, tmp_path_factory):
    database = tmp_path_factory.mktemp("conformance") / "ffd.sqlite3"
    app = create_app({"MODEL_DIR": str(model_dir), "TESTING": True,
                      "DATABASE_URL": f"sqlite:///{database}"})
    return schemathesis.openapi.from_wsgi("/openapi.json", app)


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE],
                         ids=["valid", "invalid"])
@pytest.mark.parametrize(("path", "method"), OPERATIONS, ids=[f"{m} {p}" for p, m in OPERATIONS])
def test_no_server_errors_and_every_answer_fits_the_schema(served_schema, path, method, mode):
    operation = served_schema[path][method]
    if mode is GenerationMode.NEGATIVE and not (operation.body or operation.query):
        pytest.skip("nothing to make invalid: no body and no parameters")

    statuses: list[int] = []

    @settings(max_examples=MAX_EXAMPLES, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy(generation_mode=mode))
    def check(case) -> None:
        # Werkzeug's test client refuses a path holding "?" before the app sees it
        # (schemathesis puts a generated path value such as ['?'] in unencoded); a real
        # client would send it as %3F, which the other examples cover.
        assume(not any("?" in str(v) for v in (case.path_parameters or {}).values()))
        statuses.append(case.call_and_validate(checks=CHECKS).status_code)

    check()
    assert statuses, "no request was generated"
    print(f"{method} {path} ({mode}): {len(statuses)} requests, "
          f"statuses {dict(sorted(Counter(statuses).items()))}")


@pytest.fixture(scope="module")
def locked_schema(model_dir, tmp_path_factory):
    database = tmp_path_factory.mktemp("conformance-locked") / "ffd.sqlite3"
    app = create_app({"MODEL_DIR": str(model_dir), "TESTING": True,
                      "API_KEY": "scoring", "ADMIN_KEY": "admin",
                      "DATABASE_URL": f"sqlite:///{database}"})
    return schemathesis.openapi.from_wsgi("/openapi.json", app)


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE],
                         ids=["valid", "invalid"])
def test_the_enabled_admin_endpoint_fits_the_schema_too(locked_schema, mode):
    """With its key configured and sent, reload requests reach the loader: a generated
    ``model_dir`` is refused (422) or malformed (400), never a 500."""
    operation = locked_schema["/v1/admin/reload"]["POST"]
    statuses: list[int] = []

    @settings(max_examples=MAX_EXAMPLES, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy(generation_mode=mode))
    def check(case) -> None:
        response = case.call_and_validate(checks=CHECKS, headers={"X-API-Key": "admin"})
        statuses.append(response.status_code)

    check()
    assert statuses and 404 not in statuses
    print(f"POST /v1/admin/reload with its key ({mode}): {len(statuses)} requests, "
          f"statuses {dict(sorted(Counter(statuses).items()))}")
