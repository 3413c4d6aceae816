"""Property-based tests: for any JSON-shaped input the validator either returns a graph
or raises its own ``GraphValidationError`` with a path on every issue — nothing else.

Run with ``--hypothesis-show-statistics`` to see how many inputs each property tried."""

from __future__ import annotations

import math
import re
from datetime import UTC, datetime, timedelta, timezone

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from detector.errors import GraphValidationError
from detector.io import MalformedInputError, graph_to_document, parse_json
from detector.schema import EDGE_TYPES, LABELS
from detector.validate import parse_graph

SETTINGS = settings(max_examples=300, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])
PATH = re.compile(r"^(format|target|graph\.target|observed_at"
                  r"|(accounts|nodes|edges|links)(\[\d+\](\.\w+)?)?)$")

#: ISO-8601 strings over the whole range Python reads (years 1 to 9999, offsets to
#: +-14 h), with and without a zone, and near-misses of the format.
offsets = st.integers(-14 * 60, 14 * 60).map(lambda m: timezone(timedelta(minutes=m)))
timestamps = (st.datetimes(min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30),
                           timezones=st.none() | st.just(UTC) | offsets).map(datetime.isoformat)
              | st.sampled_from(["2024-02-30T00:00:00Z", "2024-11-02 03:14", "-001-01-01",
                                 "2024-11-02T03:14:00+25:00", "20241102T031400Z", "0000-01-01"]))
#: Every code point but lone surrogates (which no JSON parser hands over): controls,
#: format characters (right-to-left override), combining marks, emoji, NUL.
unicode_text = st.text(st.characters(exclude_categories=["Cs"]), max_size=6)
scalars = (st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True)
           | st.text(max_size=12) | timestamps
           | st.sampled_from(EDGE_TYPES + LABELS + ("2024-11-02T03:14:00Z",)))
json_values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4)
                           | st.dictionaries(st.text(max_size=8), inner, max_size=4), max_leaves=20)
ids = st.sampled_from(["a", "b", "c", "d", "\x00", "é", "💥", "", "\u202e", "e\u0301"]) \
    | st.text(max_size=5) | unicode_text
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
    target = doc.get("target", (doc.get("graph") or {}).get("target")) \
        if isinstance(doc, dict) and isinstance(doc.get("graph", {}), dict) else None
    if isinstance(target, str) and graph.target is not None:
        assert graph.ids[graph.target] == target
    # What the API sends back parses to the same graph: ids survive JSON byte for byte.
    again = parse_graph(parse_json(orjson.dumps(graph_to_document(graph))))
    assert again.ids.tolist() == graph.ids.tolist()
    assert again.num_edges == graph.num_edges


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


@pytest.mark.parametrize("doc", [{"accounts": []}, {"accounts": [], "edges": []},
                                 {"nodes": [], "links": []}, {"directed": True, "nodes": []}])
def test_empty_graphs_are_valid_and_empty(doc: dict) -> None:
    graph = parse_graph(doc)
    assert graph.num_accounts == 0 and graph.num_edges == 0


def test_a_document_without_accounts_is_refused_at_accounts() -> None:
    with pytest.raises(GraphValidationError) as info:
        parse_graph({"edges": []})
    assert [i.path for i in info.value.errors] == ["accounts"]


@pytest.mark.parametrize("doc", [
    {"accounts": [], "target": "ghost"},
    {"accounts": [{"id": "a"}], "target": "ghost"},
    {"nodes": [{"id": "a"}], "graph": {"target": "ghost"}},
])
def test_a_target_that_does_not_exist_is_named(doc: dict) -> None:
    with pytest.raises(GraphValidationError) as info:
        parse_graph(doc)
    assert [(i.path, i.message) for i in info.value.errors] == [
        ("graph.target" if "graph" in doc else "target", "unknown account 'ghost'")]


@pytest.mark.parametrize("name", ["\u202eevil", "e\u0301", "\U0001f4a5", "\ufeffbom", " ",
                                  "\u200b", "\x85next-line", "\u2028"])
def test_unicode_in_ids_is_kept_exactly(name: str) -> None:
    doc = {"accounts": [{"id": name}, {"id": "x"}], "target": name,
           "edges": [{"source": "x", "target": name, "type": "follow"}]}
    graph = parse_graph(parse_json(orjson.dumps(doc)))
    assert graph.ids.tolist() == [name, "x"]
    assert graph.target == 0


@pytest.mark.parametrize("name", ["\x00", "\x07bell", "tab\there", "new\nline", "\x1b[31m", "\x7f"])
def test_control_characters_in_ids_are_refused_at_the_id(name: str) -> None:
    with pytest.raises(GraphValidationError) as info:
        parse_graph(parse_json(orjson.dumps({"accounts": [{"id": "x"}, {"id": name}]})))
    assert [(i.path, i.message) for i in info.value.errors] == [
        ("accounts[1].id", f"must not contain control characters, got {name!r}")]
