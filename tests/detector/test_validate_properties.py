"""Property-based tests: for any JSON-shaped input the validator either returns a graph
or raises its own ``GraphValidationError`` with a path on every issue — nothing else."""

from __future__ import annotations

import math
import re

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from detector.errors import GraphValidationError
from detector.io import MalformedInputError, parse_json
from detector.schema import EDGE_TYPES, LABELS
from detector.validate import parse_graph

SETTINGS = settings(max_examples=300, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])
PATH = re.compile(r"^(format|target|graph\.target|observed_at|(accounts|nodes|edges|links)(\[\d+\](\.\w+)?)?)$")

scalars = (st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True)
           | st.text(max_size=12) | st.sampled_from(EDGE_TYPES + LABELS + ("2024-11-02T03:14:00Z",)))
json_values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4)
                           | st.dictionaries(st.text(max_size=8), inner, max_size=4), max_leaves=20)
ids = st.sampled_from(["a", "b", "c", "d", "\x00", "é", "💥", ""]) | st.text(max_size=5)
field_values = {
    "followers_count": scalars, "following_count": scalars, "posts_count": scalars,
    "has_avatar": scalars, "bio": scalars, "username": scalars, "created_at": scalars,
    "label": scalars, "split": scalars,
}
accounts = st.fixed_dictionaries({"id": ids | scalars},
                                 optional={k: v for k, v in field_values.items()})
edges = st.fixed_dictionaries(
    {"source": ids, "target": ids, "type": st.sampled_from(EDGE_TYPES) | scalars},
    optional={"at": scalars, "weight": scalars},
)
documents = st.fixed_dictionaries(
    {"accounts": st.lists(accounts | json_values, max_size=6),
     "edges": st.lists(edges | json_values, max_size=8)},
    optional={"format": scalars, "target": ids | scalars, "observed_at": scalars},
)


def _check(doc: object) -> None:
    try:
        graph = parse_graph(doc)
    except GraphValidationError as exc:
        assert exc.errors, "an invalid graph must say why"
        for issue in exc.errors:
            assert PATH.match(issue.path) or issue.path == "", issue
            assert issue.message
        return
    # A graph we accept is consistent: endpoints in range, no loops, finite counts.
    n = graph.num_accounts
    assert ((graph.edges.src >= 0) & (graph.edges.src < n)).all()
    assert ((graph.edges.dst >= 0) & (graph.edges.dst < n)).all()
    assert not (graph.edges.src == graph.edges.dst).any()
    assert len(set(graph.ids.tolist())) == n
    for values in graph.accounts.counts.values():
        assert all(math.isnan(v) or 0 <= v for v in values.tolist())


@SETTINGS
@given(documents)
def test_contract_shaped_documents_never_raise_anything_else(doc: dict) -> None:
    _check(doc)


@SETTINGS
@given(json_values)
def test_arbitrary_json_never_raises_anything_else(doc: object) -> None:
    _check(doc)


@SETTINGS
@given(documents)
def test_node_link_shaped_documents_never_raise_anything_else(doc: dict) -> None:
    _check({"directed": True, "multigraph": True, "graph": {},
            "nodes": doc["accounts"], "links": doc["edges"]})


@pytest.mark.parametrize("raw", [b"[" * 5000 + b"]" * 5000, b'{"a": NaN}', b'{"a": Infinity}',
                                 b"\xff\xfe", b'{"accounts": [', b""])
def test_hostile_bytes_are_malformed_input(raw: bytes) -> None:
    with pytest.raises(MalformedInputError):
        parse_json(raw)


def test_huge_numbers_are_refused_with_a_path() -> None:
    doc = orjson.loads(b'{"accounts": [{"id": "a", "followers_count": 1' + b"0" * 30 + b"}]}")
    with pytest.raises(GraphValidationError) as info:
        parse_graph(doc)
    assert info.value.errors[0].path == "accounts[0].followers_count"
    with pytest.raises(GraphValidationError) as info:
        parse_graph({"accounts": [{"id": "a", "followers_count": 10**400}]})
    assert "at most" in info.value.errors[0].message


def test_many_edges_to_one_node_are_fine() -> None:
    n = 200_000
    doc = {"accounts": [{"id": "hub"}] + [{"id": f"u{i}"} for i in range(n)],
           "edges": [{"source": f"u{i}", "target": "hub", "type": "follow"} for i in range(n)]}
    graph = parse_graph(doc)
    assert graph.num_edges == n
