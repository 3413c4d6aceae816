"""Labels through the API: who and when, latest wins with the history kept, paging and
filtering, and refusals as problem details naming the item."""

from __future__ import annotations

import gzip

import orjson
import pytest

from api import create_app


@pytest.fixture
def app(model_dir, database_url):
    return create_app({"MODEL_DIR": str(model_dir), "DATABASE_URL": database_url})


def test_labels_are_stored_listed_and_the_latest_wins(client, matches):
    response = client.post("/v1/labels", json=[
        {"account": "b1", "label": "bought", "note": "same avatar as b2"},
        {"account": "g1", "label": "genuine"}])
    assert response.status_code == 201
    body = response.get_json()
    matches(body, "LabelsCreated")
    assert body["created"] == 2 and body["labels"][0]["created_by"] == "anonymous"
    client.post("/v1/labels", json=[{"account": "b1", "label": "mass_follow", "note": None}])
    listed = client.get("/v1/labels").get_json()
    matches(listed, "LabelPage")
    assert listed["total"] == 3
    assert [(x["account"], x["label"], x["current"]) for x in listed["labels"]] == [
        ("b1", "mass_follow", True), ("g1", "genuine", True), ("b1", "bought", False)]
    only_b1 = client.get("/v1/labels?account=b1&current=true").get_json()
    assert [x["label"] for x in only_b1["labels"]] == ["mass_follow"]
    paged = client.get("/v1/labels?limit=2").get_json()
    assert len(paged["labels"]) == 2 and paged["next_offset"] == 2
    assert client.get("/v1/labels?offset=2&limit=2").get_json()["labels"][0]["label"] == \
        "bought"


@pytest.mark.parametrize(("body", "path"), [
    ([{"account": "u1", "label": "robot"}], "[0].label"),
    ([{"account": "", "label": "bought"}], "[0].account"),
    ([{"account": "u1", "label": "bought"}, {"label": "bought"}], "[1].account"),
    ([{"account": "u1", "label": "bought", "why": "x"}], "[0].why"),
    ([{"account": "u1", "label": "bought", "note": 5}], "[0].note"),
    (["u1"], "[0]"),
    ([], ""),
    ({"account": "u1", "label": "bought"}, ""),
])
def test_bad_labels_are_refused_whole_naming_the_item(client, body, path, matches):
    response = client.post("/v1/labels", json=body)
    assert response.status_code == 422
    problem = response.get_json()
    matches(problem, "Problem")
    assert path in [e["path"] for e in problem["errors"]]
    assert client.get("/v1/labels").get_json()["total"] == 0


def test_malformed_json_and_wrong_content_type(client):
    assert client.post("/v1/labels", data=b"[{", content_type="application/json") \
        .status_code == 400
    assert client.post("/v1/labels", data=b"[]", content_type="text/csv").status_code == 415
    assert client.get("/v1/labels?limit=0").status_code == 400


def test_a_gzip_body_is_read_as_the_predictions_are(client):
    labels = [{"account": "g1", "label": "bought", "note": "sold by a vendor"}]
    response = client.post("/v1/labels", data=gzip.compress(orjson.dumps(labels)),
                           content_type="application/json", headers={"Content-Encoding": "gzip"})
    assert response.status_code == 201, response.get_data(as_text=True)[:300]
    assert response.get_json()["created"] == 1
