"""The fast path of ``parse_graph`` (``detector.columns``) changes nothing: on any
document, mostly valid or not, it gives the same graph, or the same issues in the same
order, as the careful path alone."""

from __future__ import annotations

import math
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from detector import columns, validate
from detector.errors import GraphValidationError
from detector.graph import AccountGraph
from detector.schema import EDGE_TYPES, LABELS, MAX_COUNT, MAX_RANK, MAX_WEIGHT, SPLITS
from detector.validate import parse_graph

SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


class Text(str):
    """A ``str`` subclass, which no JSON parser makes: the careful path refuses it."""


class Record(dict):
    """A ``dict`` subclass, which the careful path reads with its own ``get``."""


@contextmanager
def careful_path_only() -> Iterator[None]:
    validate.FAST_PATH = False
    try:
        yield
    finally:
        validate.FAST_PATH = True


def outcome(doc: object) -> tuple[str, object]:
    try:
        return "graph", parse_graph(doc)
    except GraphValidationError as exc:
        return "issues", [(issue.path, issue.message) for issue in exc.errors]


def assert_same_graph(a: AccountGraph, b: AccountGraph) -> None:
    """Every column equal, dtype included; NaN equals NaN."""
    pairs = [("ids", a.ids, b.ids), ("created_at", a.accounts.created_at, b.accounts.created_at),
             ("label", a.accounts.label, b.accounts.label),
             ("split", a.accounts.split, b.accounts.split)]
    for kind in ("counts", "flags", "texts"):
        for name, column in getattr(a.accounts, kind).items():
            pairs.append((name, column, getattr(b.accounts, kind)[name]))
    for name in ("src", "dst", "type", "at", "weight", "rank", "at_estimated"):
        pairs.append((name, getattr(a.edges, name), getattr(b.edges, name)))
    for name, x, y in pairs:
        assert x.dtype == y.dtype, name
        np.testing.assert_array_equal(x, y, err_msg=name)
    assert a.target == b.target
    assert a.observed_at == b.observed_at or (math.isnan(a.observed_at)
                                              and math.isnan(b.observed_at))
    assert a.warnings == b.warnings


def assert_fast_path_changes_nothing(doc: object) -> None:
    kind, fast = outcome(doc)
    with careful_path_only():
        careful_kind, careful = outcome(doc)
    assert kind == careful_kind, (fast, careful)
    if kind == "graph":
        assert_same_graph(fast, careful)
    else:
        assert fast == careful


def _stamp(digits: str) -> str:
    d = digits
    return f"{d[:4]}-{d[4:6]}-{d[6:8]}T{d[8:10]}:{d[10:12]}:{d[12:14]}Z"


valid_times = st.datetimes(min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 31)).map(
    lambda t: t.replace(microsecond=0, tzinfo=UTC).isoformat().replace("+00:00", "Z"))
#: Values that are wrong, or right in a form the fast path leaves to the careful one,
#: including what a vectorised converter would coerce silently.
odd = st.sampled_from([
    True, False, 0, 1, -1, 1.0, 2.5, math.nan, math.inf, 2**63, 10**400, MAX_COUNT + 1, "",
    "x", "x" * 300, "a\x00b", "２024-01-01T00:00:00Z", "2024-01-01T00:00:00+02:00",
    "2024-02-30T00:00:00Z", "2024-01-01T00:00:00Z|", Text("a"), Text("2024-01-01T00:00:00Z"),
    [], {}, ["like"], {"a": 1},
]) | st.text(max_size=4) | st.text("0123456789", min_size=14, max_size=14).map(_stamp)


def mostly(valid: st.SearchStrategy) -> st.SearchStrategy:
    """``valid`` three times in four (so whole columns are often valid), else odd."""
    return st.one_of(valid, valid, valid, odd)


ids = st.sampled_from(["a", "b", "c", "d", "é", "💥"])
account = st.fixed_dictionaries({"id": mostly(ids)}, optional={
    "followers_count": mostly(st.none() | st.integers(0, MAX_COUNT)),
    "posts_count": mostly(st.none() | st.integers(0, 50)),
    "username_length": mostly(st.none() | st.integers(0, 15)),
    "has_avatar": mostly(st.none() | st.booleans()),
    "verified": mostly(st.none() | st.booleans()),
    "username": mostly(st.none() | st.text(max_size=5)),
    "bio": mostly(st.none() | st.text(max_size=5)),
    "created_at": mostly(st.none() | valid_times),
    "label": mostly(st.none() | st.sampled_from(LABELS)),
    "split": mostly(st.none() | st.sampled_from(SPLITS)),
    "unknown": st.integers(),
})
edge = st.fixed_dictionaries(
    {"source": mostly(ids), "target": mostly(ids), "type": mostly(st.sampled_from(EDGE_TYPES))},
    optional={"at": mostly(st.none() | valid_times),
              "weight": mostly(st.none() | st.integers(1, MAX_WEIGHT)),
              "rank": mostly(st.none() | st.integers(0, 3) | st.just(MAX_RANK))},
)
#: Records: mostly plain objects; sometimes a dict subclass, or not an object at all.
records = st.one_of(st.just(dict), st.just(dict), st.just(dict), st.just(Record)).flatmap(
    lambda kind: st.lists(st.one_of(account.map(kind), account, st.integers()), max_size=6))
edge_records = st.lists(edge | edge | st.none(), max_size=10)
documents = st.fixed_dictionaries(
    {"accounts": records, "edges": edge_records},
    optional={"target": mostly(ids), "observed_at": mostly(valid_times)},
)


@SETTINGS
@given(documents)
def test_fast_and_careful_paths_agree_on_documents(doc: dict) -> None:
    assert_fast_path_changes_nothing(doc)


@SETTINGS
@given(documents)
def test_fast_and_careful_paths_agree_on_node_link(doc: dict) -> None:
    assert_fast_path_changes_nothing({"directed": True, "graph": {"target": doc.get("target")},
                                      "nodes": doc["accounts"], "links": doc["edges"]})


def _clean(n: int) -> dict:
    accounts = [{"id": f"u{i}", "followers_count": i, "has_avatar": i % 2 == 0, "bio": "hi",
                 "created_at": f"2020-01-{1 + i % 28:02d}T10:00:00Z"} for i in range(n)]
    edges = [{"source": f"u{i}", "target": f"u{(i + 1) % n}", "type": "follow",
              "at": None if i % 3 else "2024-11-02T03:14:00Z"} for i in range(n)]
    return {"accounts": accounts, "edges": edges, "target": "u0"}


def test_a_clean_document_takes_the_fast_path_for_every_column(monkeypatch) -> None:
    refused = []

    def spy(name: str):
        convert = getattr(columns, name)

        def call(*args):
            out = convert(*args)
            if out is None:
                refused.append(name)
            return out

        return call

    for name in ("strings", "ids", "texts", "integers", "booleans", "codes", "timestamps"):
        monkeypatch.setattr(columns, name, spy(name))
    graph = parse_graph(_clean(50))
    assert graph.num_accounts == 50 and graph.num_edges == 50
    assert refused == []


@pytest.mark.parametrize(("field", "value", "stored"), [
    ("followers_count", True, None),  # a bool is no count: refused, as before
    ("followers_count", 3.0, 3.0),  # a whole float is a count: accepted, as before
    ("has_avatar", 1, None),  # a number is no flag
    ("created_at", "2024-01-01T00:00:00+02:00", 1704060000.0),  # another valid form
    ("created_at", "2024-02-30T00:00:00Z", None),
    ("bio", Text("hi"), None),
    ("id", Text("u1"), None),
])
def test_coercion_traps_keep_their_old_result(field: str, value: object, stored) -> None:
    doc = _clean(3)
    doc["accounts"][1][field] = value
    assert_fast_path_changes_nothing(doc)
    kind, result = outcome(doc)
    assert kind == ("issues" if stored is None else "graph")
    if stored is not None:
        column = {"followers_count": result.accounts.counts.get("followers_count"),
                  "created_at": result.accounts.created_at}[field]
        assert column[1] == stored


@pytest.mark.parametrize("value", [Text("follow"), None, "follows", 0])
def test_edge_type_traps_keep_their_old_issues(value: object) -> None:
    doc = _clean(3)
    doc["edges"][1]["type"] = value
    assert_fast_path_changes_nothing(doc)
    assert outcome(doc)[0] == "issues"
