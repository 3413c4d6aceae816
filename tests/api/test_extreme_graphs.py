"""Valid graphs at the edges of the contract (years 1 and 9999, counts up to the maximum,
weights up to the maximum, hubs, isolated accounts, unicode ids) go all the way through
features, the model, reasons and the audit: the answer is 200 or a 422 naming the
problem, never a 500, and always fits the OpenAPI schema."""

from __future__ import annotations

from datetime import UTC, datetime

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from api import create_app
from detector.schema import EDGE_TYPES, MAX_COUNT, MAX_WEIGHT

from .conftest import assert_matches

EXTREME_TIMES = st.sampled_from([
    "0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z", "1970-01-01T00:00:00Z",
    "2024-06-01T00:00:00Z", "2024-06-01T00:00:00.000001+14:00", "2024-05-31T23:59:59-12:00",
]) | st.datetimes(min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30),
                  timezones=st.just(UTC)).map(datetime.isoformat)
COUNTS = st.none() | st.sampled_from([0, 1, MAX_COUNT]) | st.integers(0, MAX_COUNT)
NAMES = st.sampled_from(["star", "a", "é", "💥", "\u202e", "x" * 256, "e\u0301"])


@st.composite
def extreme_graphs(draw) -> dict:
    ids = draw(st.lists(NAMES | st.text(min_size=1, max_size=4).filter(str.isprintable),
                        min_size=1, max_size=8, unique=True))
    accounts = [{"id": i, **{k: draw(COUNTS) for k in ("followers_count", "following_count",
                                                       "posts_count")},
                 "created_at": draw(st.none() | EXTREME_TIMES),
                 "has_avatar": draw(st.none() | st.booleans()),
                 "username": draw(st.none() | st.text(max_size=20))} for i in ids]
    pairs = st.tuples(st.sampled_from(ids), st.sampled_from(ids)).filter(lambda p: p[0] != p[1])
    edges = [{"source": s, "target": t, "type": draw(st.sampled_from(EDGE_TYPES)),
              "at": draw(st.none() | EXTREME_TIMES),
              "weight": draw(st.sampled_from([1, 2, MAX_WEIGHT]))}
             for s, t in draw(st.lists(pairs, max_size=12))] if len(ids) > 1 else []
    if len(ids) > 1:  # the target has a follower, so that an audit can answer 200
        edges.append({"source": ids[-1], "target": ids[0], "type": "follow"})
    doc = {"format": "account-graph/1", "accounts": accounts, "edges": edges,
           "target": ids[0], "observed_at": draw(st.none() | EXTREME_TIMES)}
    return {k: v for k, v in doc.items() if v is not None}


@pytest.fixture(scope="module")
def extreme_client(model_dir):
    return create_app({"MODEL_DIR": str(model_dir)}).test_client()


@pytest.mark.parametrize(("path", "schema"), [("/v1/predict", "PredictResponse"),
                                              ("/v1/audit", "AuditResponse")])
def test_extreme_but_valid_graphs_never_fail_the_server(extreme_client, path, schema):
    statuses = []

    @settings(max_examples=60, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(doc=extreme_graphs())
    def check(doc: dict) -> None:
        response = extreme_client.post(path, data=orjson.dumps(doc),
                                       content_type="application/json")
        statuses.append(response.status_code)
        body = response.get_json()
        assert response.status_code in (200, 422), body
        assert_matches(body, schema if response.status_code == 200 else "Problem")

    check()
    assert 200 in statuses
    print(f"{path}: {len(statuses)} graphs, statuses {sorted(set(statuses))}")
