"""GET /openapi.json matches the routes the app really has; GET /docs renders."""

from __future__ import annotations

import re

from jsonschema import Draft202012Validator

from api.problems import KINDS

#: Blueprints of the analysts' page (HTML, form uploads): docs/page.md describes them.
UI_BLUEPRINTS = ("page",)


def test_openapi_lists_exactly_the_routes(app, client):
    spec = client.get("/openapi.json").get_json()
    assert spec["openapi"] == "3.1.0"
    documented = {(path, method.upper()) for path, item in spec["paths"].items()
                  for method in item}
    served = {(_openapi_path(rule.rule), method) for rule in app.url_map.iter_rules()
              if rule.endpoint != "static" and rule.endpoint.split(".")[0] not in UI_BLUEPRINTS
              for method in rule.methods - {"HEAD", "OPTIONS"}}
    assert documented == served


def _openapi_path(rule: str) -> str:
    """A Flask rule in OpenAPI's words: ``<any("a", "b"):format>`` -> ``{format}``,
    ``<int(max=9):snapshot>`` -> ``{snapshot}``."""
    return re.sub(r"<(?:[^>]*:)?([^>:]+)>", r"{\1}", rule)


def test_openapi_advertises_the_server_it_came_from(client):
    spec = client.get("/openapi.json", base_url="http://api.example:9000").get_json()
    assert spec["servers"] == [{"url": "http://api.example:9000"}]


def test_every_schema_is_valid_json_schema(client):
    spec = client.get("/openapi.json").get_json()
    for schema in spec["components"]["schemas"].values():
        Draft202012Validator.check_schema(schema)


def test_every_error_status_is_documented(client):
    spec = client.get("/openapi.json").get_json()
    statuses = set(spec["paths"]["/v1/audit"]["post"]["responses"])
    assert statuses == {"200", "400", "401", "413", "415", "422", "500", "503"}
    for status in statuses - {"200"}:
        content = spec["paths"]["/v1/audit"]["post"]["responses"][status]["content"]
        assert list(content) == ["application/problem+json"]


def test_request_schema_is_the_graph_contract(client):
    from detector.schema import json_schema

    spec = client.get("/openapi.json").get_json()
    graph = spec["components"]["schemas"]["AccountGraph"]
    assert graph["properties"] == json_schema()["properties"]


def test_docs_page_explains_every_problem_type(client):
    response = client.get("/docs")
    assert response.status_code == 200
    assert response.content_type.startswith("text/html")
    html = response.get_data(as_text=True)
    for name in KINDS:
        assert f'id="problem-{name}"' in html
    for path in ("/v1/predict", "/v1/audit", "/v1/model", "/healthz", "/readyz"):
        assert f"<code>{path}</code>" in html
    assert "genuine-share/1" in html
    assert "http" not in html.split("<body>")[0].replace("http-equiv", "")  # no CDN in <head>
