"""Typed decoding (``detector.typed``) builds exactly the graph of the general path
(``parse_graph(orjson.loads(data))``), and answers ``None`` for everything else."""

from __future__ import annotations

import json

import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st

from detector import typed
from detector.errors import GraphValidationError
from detector.io import load_graph
from detector.schema import BOOL_FIELDS, COUNT_FIELDS, ENUM_FIELDS, TEXT_FIELDS
from detector.validate import parse_graph

from .test_validate_fast import SETTINGS, assert_same_graph, ids, valid_times

#: JSON values a client may send where another was expected.
json_odd = st.sampled_from([True, False, 0, -1, 1.0, 2.5, 2**63, 2**64, "", "x", "x" * 300,
                            "a\x00b", "2024-01-01T00:00:00+02:00", "2024-02-30T00:00:00Z",
                            None, [], {}, ["like"], {"a": 1}])


def json_mostly(valid: st.SearchStrategy) -> st.SearchStrategy:
    return st.one_of(valid, valid, valid, json_odd)


def _valid(valid: st.SearchStrategy) -> st.SearchStrategy:
    return valid


def _documents(pick) -> st.SearchStrategy:
    """Documents whose values come from ``pick(valid)``: the valid values alone, or mostly."""
    account = st.fixed_dictionaries({"id": pick(ids)}, optional={
        "followers_count": pick(st.none() | st.integers(0, 10**6)),
        "following_count": pick(st.none() | st.integers(0, 10**6)),
        "has_avatar": pick(st.none() | st.booleans()),
        "bio": pick(st.none() | st.text(max_size=5)),
        "created_at": pick(st.none() | valid_times),
        "label": pick(st.none() | st.sampled_from(["genuine", "bought", "mass"])),
        "unknown": st.integers() | st.text(max_size=3),
    })
    edge = st.fixed_dictionaries(
        {"source": pick(ids), "target": pick(ids),
         "type": pick(st.sampled_from(["follow", "unfollow", "like"]))},
        optional={"at": pick(st.none() | valid_times),
                  "weight": pick(st.none() | st.integers(1, 5)),
                  "rank": pick(st.none() | st.integers(0, 3))},
    )
    if pick is _valid:  # endpoints and target among the accounts, so most are accepted
        return st.lists(account, min_size=1, max_size=6, unique_by=lambda a: a["id"]).flatmap(
            lambda accounts: _connected(accounts, edge))
    return st.fixed_dictionaries(
        {"accounts": st.lists(account | st.integers(), max_size=6),
         "edges": st.lists(edge, max_size=10) | st.none()},
        optional={"target": pick(ids), "observed_at": pick(valid_times),
                  "format": st.sampled_from(["account-graph/1", "account-graph/2"])},
    )


def _connected(accounts: list[dict], edge: st.SearchStrategy) -> st.SearchStrategy:
    known = st.sampled_from([a["id"] for a in accounts])
    edges = st.lists(st.tuples(edge, known, known).map(
        lambda e: {**e[0], "source": e[1], "target": e[2]}), max_size=10)
    return st.fixed_dictionaries({"accounts": st.just(accounts), "edges": edges},
                                 optional={"target": known, "observed_at": valid_times})


#: Mostly valid (the typed path gives up on most) and valid values only (it takes most;
#: the ids repeat, so duplicates, unknown endpoints, self-loops and repeats still occur).
documents = _documents(json_mostly) | _documents(_valid)


def general(data: bytes):
    try:
        return parse_graph(orjson.loads(data))
    except GraphValidationError:
        return None


@SETTINGS
@given(documents)
def test_typed_graph_is_the_general_graph_or_none(doc: dict) -> None:
    data = json.dumps(doc, ensure_ascii=False).encode()  # orjson stops at 64-bit ints
    fast, slow = typed.graph_from_json(data), general(data)
    if fast is not None:
        assert slow is not None
        assert_same_graph(fast, slow)


def test_a_plain_valid_document_takes_the_typed_path() -> None:
    doc = {"format": "account-graph/1", "target": "a", "observed_at": "2024-06-01T00:00:00Z",
           "accounts": [{"id": "a", "followers_count": 3, "has_avatar": True, "bio": "hi",
                         "created_at": "2020-01-01T00:00:00Z", "label": "genuine"},
                        {"id": "b", "x": [[[1]]]}],
           "edges": [{"source": "b", "target": "a", "type": "follow",
                      "at": "2024-05-01T10:00:00Z"},
                     {"source": "b", "target": "a", "type": "follow",
                      "at": "2024-05-01T10:00:00Z"},  # a repeat: a warning, not a refusal
                     {"source": "a", "target": "b", "type": "like", "weight": 2}]}
    data = orjson.dumps(doc)
    fast = typed.graph_from_json(data)
    assert fast is not None
    assert_same_graph(fast, parse_graph(doc))
    assert [w.message for w in fast.warnings] == ["duplicate edge dropped"]


@pytest.mark.parametrize("data", [
    b'{"nodes": [{"id": "a"}], "links": []}',  # node-link: the general path reads it
    b'{"accounts": [{"id": "a", "followers_count": 1.0}]}',  # accepted, but not as typed
    b'{"accounts": [{"id": "a", "verified": 1}]}',
    b'{"accounts": [{"id": "a"}], "edges": null}',
    b'{"accounts": [{"id": "a", "followers_count": NaN}]}',
    b'{"accounts": [{"id": "a", "x": ' + b"[" * 5000 + b"]" * 5000 + b"}]}",
    b'{"accounts": [{"id": "a\xff"}]}',
    b'{"accounts": [{"id": "\\ud800"}]}',
    b'{"accounts": [{"id": "a"}]} trailing',
    b'{"accounts": [{"id": "a", "followers_count": 18446744073709551616}]}',
    b'{"accounts": [{"id": "a"}], "edges": [{"source": "a", "target": "z", "type": "follow"}]}',
    b'{"accounts": [{"id": "a"}, {"id": "a"}]}',
    b'{"accounts": [{"id": "a", "created_at": "yesterday"}]}',
    b'{"accounts": [{"id": "a"}], "format": "account-graph/9"}',
    b'{"accounts": [{"id": "a"}], "target": "z"}',
    b'{"accounts": [{"id": "a"}, {"id": "b"}], "edges": [{"source": "a", "target": "b", '
    b'"type": "retweet"}]}',  # not one of the edge types (a Literal)
    b'{"accounts": [{"id": "a", "label": "spam"}]}',
    b'[{"accounts": []}]',
])
def test_anything_else_is_left_to_the_general_path(data: bytes) -> None:
    assert typed.graph_from_json(data) is None


def test_kinds_are_the_exact_types_each_field_lets_through() -> None:
    assert typed._KINDS["type"] == {str}  # a Literal of strings
    assert typed._KINDS["label"] == {str, type(None)}
    assert typed._KINDS["weight"] == {int, type(None)}
    assert typed._KINDS["source"] == {str}


def test_the_structs_read_every_field_the_validator_reads() -> None:
    fields = {name for name, *_ in typed.ACCOUNT_FIELDS}
    assert fields == {*COUNT_FIELDS, *BOOL_FIELDS, *TEXT_FIELDS, "created_at", *ENUM_FIELDS}
    assert {name for name, *_ in typed.EDGE_FIELDS} == {"source", "target", "type", "at",
                                                          "weight", "rank"}


def test_each_edge_reader_reads_its_own_field() -> None:
    assert set(typed._EDGE_READERS) == {name for name, *_ in typed.EDGE_FIELDS}
    doc = typed.decode(orjson.dumps({"accounts": [{"id": "a"}, {"id": "b"}], "edges": [
        {"source": "a", "target": "b", "type": "like", "at": "2024-01-01T00:00:00Z",
         "weight": 3}]}))
    edge = doc.edges[0]
    for name, read in typed._EDGE_READERS.items():
        assert read(doc.edges) == [getattr(edge, name)]


def test_load_graph_gives_the_same_graph_through_either_path(tmp_path) -> None:
    doc = {"accounts": [{"id": "a", "followers_count": 2}, {"id": "b", "followers_count": 1.0}],
           "edges": [{"source": "a", "target": "b", "type": "follow"}]}
    path = tmp_path / "g.json"
    path.write_bytes(orjson.dumps(doc))  # 1.0: the general path reads this one
    assert typed.graph_from_json(path.read_bytes()) is None
    assert load_graph(path).accounts.counts["followers_count"].tolist() == [2.0, 1.0]


def test_a_ranked_follower_list_takes_the_typed_path() -> None:
    doc = {"target": "t", "observed_at": "2024-06-01T00:00:00Z",
           "accounts": [{"id": "t", "created_at": "2020-01-01T00:00:00Z"},
                        {"id": "a", "created_at": "2021-01-01T00:00:00Z"}, {"id": "b"}],
           "edges": [{"source": "a", "target": "t", "type": "follow", "rank": 0},
                     {"source": "b", "target": "t", "type": "follow", "rank": 4}]}
    fast = typed.graph_from_json(orjson.dumps(doc))
    assert fast is not None
    assert_same_graph(fast, parse_graph(doc))
    assert fast.edges.rank.tolist() == [0, 4]
    assert fast.edges.at_estimated.tolist() == [True, True]


@pytest.mark.parametrize("edge", [
    {"rank": -1}, {"rank": "2"}, {"rank": True}, {"rank": 10**10 + 1},
    {"rank": 2.0},  # accepted as 2, by the general path only (as a count 2.0 is)
    {"rank": 0, "type": "like"},  # a rank on a like
    {"rank": 1, "source": "b"},  # rank 1 twice among the followers of t
])
def test_other_ranks_are_left_to_the_general_path(edge: dict) -> None:
    doc = {"accounts": [{"id": "t"}, {"id": "a"}, {"id": "b"}],
           "edges": [{"source": "a", "target": "t", "type": "follow", "rank": 1},
                     {"source": "b", "target": "t", "type": "follow", "rank": 2}]}
    doc["edges"][1].update(edge)
    assert typed.graph_from_json(orjson.dumps(doc)) is None
