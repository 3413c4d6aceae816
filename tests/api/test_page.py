"""The audit page's routes through Flask's test client: the page, the examples, the CSV
upload (same answer as /v1/audit) and the all-scores CSV download."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import orjson
import pytest

from api import create_app
from detector.io import graph_to_document, graph_to_frames, load_csv
from detector.validate import parse_graph, parse_timestamp

EXAMPLES = Path(__file__).parents[2] / "api" / "examples"


def csv_pair(doc: dict) -> dict[str, tuple[io.BytesIO, str]]:
    """The accounts and edges CSV files of ``doc`` (as a spreadsheet user would have them)."""
    accounts, edges = graph_to_frames(parse_graph(doc))
    return {name: (io.BytesIO(frame.to_csv(index=False).encode()), f"{name}.csv")
            for name, frame in (("accounts", accounts), ("edges", edges))}


def as_csv_carries_it(doc: dict, tmp_path: Path) -> dict:
    """``doc`` after a trip through its CSV pair (a CSV cannot tell an empty bio from a
    missing one), for comparing a CSV upload with ``/v1/*`` answers."""
    for name, (data, _) in csv_pair(doc).items():
        (tmp_path / f"{name}.csv").write_bytes(data.getvalue())
    observed = parse_timestamp(doc["observed_at"])
    graph = load_csv(tmp_path / "accounts.csv", tmp_path / "edges.csv", doc["target"], observed)
    return graph_to_document(graph)


def upload(client, doc: dict, query: str = "", **form):
    fields = {**csv_pair(doc), "target": doc["target"], "observed_at": doc["observed_at"]}
    fields.update(form)
    return client.post(f"/page/audit{query}", data={k: v for k, v in fields.items()
                                                     if v is not None},
                       content_type="multipart/form-data")


def test_page_is_served_with_a_labelled_control_for_every_input(client):
    response = client.get("/")
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    html = response.get_data(as_text=True)
    for path in sorted(EXAMPLES.glob("*.json")):
        assert f'value="{path.name}"' in html
    ids = re.findall(r'<(?:input|select)[^>]* id="([^"]+)"', html)
    labelled = set(re.findall(r'<label for="([^"]+)"', html))
    unlabelled = [i for i in ids if i not in labelled]
    assert {"example", "json-file", "csv-accounts", "csv-edges", "csv-target", "limit",
            "import-format", "import-users", "import-follower-ids", "import-followers",
            "import-profiles", "import-oldest-first", "import-target"} <= set(ids)
    assert unlabelled == []
    assert "http://" not in html.replace("http://www.w3.org", "") and "https://" not in html


def test_static_files_have_no_remote_references(client):
    for name in ("page.js", "follower-map.js", "page.css"):
        text = client.get(f"/static/{name}").get_data(as_text=True)
        assert re.findall(r"https?://(?!www\.w3\.org/2000/svg)", text) == []


def test_examples_are_served_as_stored_and_nothing_else(client):
    for path in EXAMPLES.glob("*.json"):
        response = client.get(f"/examples/{path.name}")
        assert response.status_code == 200
        assert response.data == path.read_bytes()
    missing = client.get("/examples/..%2Fapp.py")
    assert missing.status_code == 404
    assert missing.mimetype == "application/problem+json"


def test_csv_upload_gives_the_v1_audit_answer(client, doc, tmp_path):
    expected = client.post("/v1/audit?limit=7", data=orjson.dumps(as_csv_carries_it(doc, tmp_path)),
                           content_type="application/json").get_json()
    response = upload(client, doc, "?limit=7")
    assert response.status_code == 200, response.get_json()
    assert response.get_json() == expected
    assert len(expected["suspicious_followers"]) == 7
    assert expected["followers_analysed"] == 45


def test_csv_without_target_names_the_missing_field(client, doc):
    response = upload(client, doc, target="")
    assert response.status_code == 422
    body = response.get_json()
    assert [e["path"] for e in body["errors"]] == ["target"]
    assert "required for an audit" in body["errors"][0]["message"]


def test_csv_errors_name_row_and_column(client, doc):
    accounts, edges = graph_to_frames(parse_graph(doc))
    accounts = accounts.astype({"followers_count": object})
    accounts.loc[2, "followers_count"] = -4
    edges = edges.astype({"type": object})
    edges.loc[0, "type"] = "befriend"
    files = {"accounts": (io.BytesIO(accounts.to_csv(index=False).encode()), "a.csv"),
             "edges": (io.BytesIO(edges.to_csv(index=False).encode()), "e.csv")}
    response = client.post("/page/audit", data={**files, "target": "star"},
                           content_type="multipart/form-data")
    assert response.status_code == 422
    paths = {e["path"] for e in response.get_json()["errors"]}
    assert {"accounts[2].followers_count", "edges[0].type"} <= paths


def test_missing_csv_file_and_bad_observed_at(client, doc):
    pair = csv_pair(doc)
    response = client.post("/page/audit", data={"accounts": pair["accounts"], "target": "star"},
                           content_type="multipart/form-data")
    assert response.status_code == 400
    assert [e["path"] for e in response.get_json()["errors"]] == ["edges"]
    response = upload(client, doc, observed_at="last tuesday")
    assert response.status_code == 422
    assert response.get_json()["errors"][0]["path"] == "observed_at"


def test_unreadable_csv_is_a_400_not_a_500(client):
    files = {"accounts": (io.BytesIO(b'id,bio\n"a,"unterminated\n'), "a.csv"),
             "edges": (io.BytesIO(b"\xff\xfe\x00garbage"), "e.csv")}
    response = client.post("/page/audit", data={**files, "target": "a"},
                           content_type="multipart/form-data")
    assert response.status_code == 400
    body = response.get_json()
    assert body["title"] == "unreadable CSV file"
    assert "not a readable CSV file" in body["detail"]


def test_json_body_is_refused_with_415(client, doc):
    response = client.post("/page/audit", json=doc)
    assert response.status_code == 415
    assert "multipart/form-data" in response.get_json()["detail"]


def test_csv_over_the_account_limit_is_413(model_dir, doc):
    small = create_app({"MODEL_DIR": str(model_dir), "MAX_ACCOUNTS": 10}).test_client()
    response = upload(small, doc)
    assert response.status_code == 413
    assert response.get_json()["errors"][0]["path"] == "accounts"


@pytest.mark.parametrize("source", ["json", "csv"])
def test_scores_csv_has_every_account_with_the_predict_scores(client, doc, source, tmp_path):
    same = doc if source == "json" else as_csv_carries_it(doc, tmp_path)
    predicted = client.post("/v1/predict", json=same).get_json()
    if source == "json":
        data = {"graph": (io.BytesIO(orjson.dumps(doc)), "graph.json")}
    else:
        data = {**csv_pair(doc), "target": "star", "observed_at": doc["observed_at"]}
    response = client.post("/page/scores.csv", data=data, content_type="multipart/form-data")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert 'filename="scores-star.csv"' in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert len(rows) == len(doc["accounts"])
    by_id = {a["id"]: a for a in predicted["accounts"]}
    for row in rows:
        account = by_id[row["id"]]
        assert row["label"] == account["label"]
        for cls, p in account["scores"].items():
            assert float(row[f"p_{cls}"]) == pytest.approx(p, abs=1e-4)
        assert float(row["suspicion"]) == pytest.approx(1 - account["scores"]["genuine"], abs=2e-4)
        assert row["reasons"] == "; ".join(account["reasons"])
    relation = {row["id"]: row["relation"] for row in rows}
    assert relation["star"] == "target"
    assert {relation[f"b{i}"] for i in range(15)} == {"follower"}


def test_scores_csv_for_an_invalid_json_file_names_the_problem(client):
    data = {"graph": (io.BytesIO(b'{"format": "account-graph/1", "accounts": [{"id": 5}]}'),
                      "g.json")}
    response = client.post("/page/scores.csv", data=data, content_type="multipart/form-data")
    assert response.status_code == 422
    assert response.get_json()["errors"][0]["path"].startswith("accounts[0]")


def test_page_uploads_need_the_api_key_when_one_is_set(model_dir, doc):
    locked = create_app({"MODEL_DIR": str(model_dir), "API_KEY": "k"}).test_client()
    assert 'id="api-key"' in locked.get("/").get_data(as_text=True)
    assert upload(locked, doc).status_code == 401
    response = locked.post("/page/audit", data={**csv_pair(doc), "target": "star"},
                           headers={"X-API-Key": "k"}, content_type="multipart/form-data")
    assert response.status_code == 200
    assert locked.get("/examples/audit-clean.json").status_code == 200  # the page stays open


def test_page_opens_without_a_model_and_uploads_say_why_not(tmp_path, doc):
    bare = create_app({"MODEL_DIR": str(tmp_path / "no-model")}).test_client()
    assert bare.get("/").status_code == 200
    response = upload(bare, doc)
    assert response.status_code == 503
    assert response.get_json()["title"] == "model not loaded"
