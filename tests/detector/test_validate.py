"""The JSON validator: every error kind of the account-graph/1 contract, with its path."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest

from detector.errors import GraphValidationError, Issue
from detector.schema import EDGE_CODE, LABEL_CODE, MAX_COUNT, MAX_RANK, SPLIT_CODE
from detector.validate import parse_graph, parse_timestamp

#: The example document of issue 2, verbatim (plus u5, which the edges need).
EXAMPLE = {
    "format": "account-graph/1",
    "target": "brand_x",
    "accounts": [
        {"id": "brand_x", "username": "brand_x", "created_at": "2019-04-02T10:00:00Z",
         "followers_count": 51200, "following_count": 310, "posts_count": 880,
         "likes_count": 1200000, "listed_count": 40, "bio": "Official account",
         "has_avatar": True, "verified": True, "private": False},
        {"id": "u17", "followers_count": 3, "following_count": 1804, "posts_count": 0,
         "has_avatar": False, "label": "bought"},
        {"id": "u5"},
    ],
    "edges": [
        {"source": "u17", "target": "brand_x", "type": "follow", "at": "2024-11-02T03:14:00Z"},
        {"source": "u17", "target": "brand_x", "type": "unfollow", "at": "2024-11-09T08:00:00Z"},
        {"source": "u5", "target": "brand_x", "type": "like", "weight": 3},
    ],
}


def doc_with(account: dict | None = None, edge: dict | None = None, **top: Any) -> dict:
    """Two plain accounts ``a`` and ``b``, optionally a third account and one edge."""
    accounts = [{"id": "a"}, {"id": "b"}] + ([{"id": "c", **account}] if account else [])
    return {"accounts": accounts, "edges": [edge] if edge else [], **top}


def issues_of(doc: Any) -> list[str]:
    with pytest.raises(GraphValidationError) as info:
        parse_graph(doc)
    for issue in info.value.errors:
        assert isinstance(issue, Issue)
    return [str(issue) for issue in info.value.errors]


def test_issue_example_parses_into_columns() -> None:
    graph = parse_graph(EXAMPLE)
    assert graph.ids.tolist() == ["brand_x", "u17", "u5"]
    assert graph.target == 0 and graph.target_id == "brand_x"
    assert graph.accounts.counts["followers_count"].tolist()[:2] == [51200.0, 3.0]
    # Missing is not zero: u17 has no likes_count, u5 has nothing at all.
    assert math.isnan(graph.accounts.counts["likes_count"][1])
    assert all(math.isnan(v[2]) for v in graph.accounts.counts.values())
    assert graph.accounts.flags["has_avatar"].tolist()[:2] == [1.0, 0.0]
    assert math.isnan(graph.accounts.flags["verified"][1])
    assert graph.accounts.texts["bio"].tolist() == ["Official account", None, None]
    assert graph.label_names() == [None, "bought", None]
    assert graph.accounts.created_at[0] == parse_timestamp("2019-04-02T10:00:00Z")
    e = graph.edges
    assert e.src.tolist() == [1, 1, 2] and e.dst.tolist() == [0, 0, 0]
    assert e.type.tolist() == [EDGE_CODE["follow"], EDGE_CODE["unfollow"], EDGE_CODE["like"]]
    assert e.weight.tolist() == [1, 1, 3]
    assert math.isnan(e.at[2])
    assert graph.warnings == []
    assert graph.summary() == "account-graph/1: 3 accounts, 3 edges (1 follow, 1 unfollow, 1 like)"


@pytest.mark.parametrize("fmt", [None, "account-graph/1"])
def test_format_may_be_omitted(fmt: str | None) -> None:
    doc = doc_with() if fmt is None else doc_with(format=fmt)
    assert parse_graph(doc).num_accounts == 2


@pytest.mark.parametrize(
    ("fmt", "shown"),
    [("account-graph/2", "'account-graph/2'"), ("", "''"), (1, "1"), (["x"], "['x']")],
)
def test_unknown_format_is_refused(fmt: Any, shown: str) -> None:
    assert issues_of(doc_with(format=fmt)) == [
        f"format: unsupported format {shown}; this server reads account-graph/1"
    ]


@pytest.mark.parametrize(
    ("doc", "expected"),
    [
        ([], "must be a JSON object, got a list"),
        ("graph", "must be a JSON object, got a string"),
        (None, "must be a JSON object, got null"),
        ({}, "accounts: is required (a list of accounts)"),
        ({"accounts": {"id": "a"}}, "accounts: must be a list, got an object"),
        ({"accounts": [], "edges": "none"}, "edges: must be a list, got a string"),
    ],
)
def test_document_shape(doc: Any, expected: str) -> None:
    assert issues_of(doc) == [expected]


def test_null_or_missing_edges_mean_no_edges() -> None:
    assert parse_graph({"accounts": [{"id": "a"}], "edges": None}).num_edges == 0
    assert parse_graph({"accounts": [{"id": "a"}]}).num_edges == 0
    assert parse_graph({"accounts": []}).num_accounts == 0


@pytest.mark.parametrize(("record", "kind"), [(3, "a number"), ("a", "a string"),
                                              ([], "a list"), (None, "null"), (True, "a boolean")])
def test_non_object_records_are_reported_once(record: Any, kind: str) -> None:
    doc = {"accounts": [{"id": "a"}, record], "edges": [record]}
    assert issues_of(doc) == [f"accounts[1]: must be an object, got {kind}",
                              f"edges[0]: must be an object, got {kind}"]


@pytest.mark.parametrize(
    ("record", "expected"),
    [
        ({}, "accounts[2].id: is required"),
        ({"id": None}, "accounts[2].id: is required"),
        ({"id": 7}, "accounts[2].id: must be a string, got a number"),
        ({"id": ""}, "accounts[2].id: must have 1 to 256 characters, got 0"),
        ({"id": "x" * 257}, "accounts[2].id: must have 1 to 256 characters, got 257"),
        ({"id": "a\nb"}, "accounts[2].id: must not contain control characters, got 'a\\nb'"),
        ({"id": "a"}, "accounts[2].id: duplicate id 'a' (first at accounts[0])"),
    ],
)
def test_account_ids(record: dict, expected: str) -> None:
    doc = {"accounts": [{"id": "a"}, {"id": "b"}, record]}
    assert issues_of(doc) == [expected]


def test_every_duplicate_names_the_first() -> None:
    doc = {"accounts": [{"id": "a"}, {"id": "b"}, {"id": "a"}, {"id": "b"}, {"id": "a"}]}
    assert issues_of(doc) == [
        "accounts[2].id: duplicate id 'a' (first at accounts[0])",
        "accounts[3].id: duplicate id 'b' (first at accounts[1])",
        "accounts[4].id: duplicate id 'a' (first at accounts[0])",
    ]


def test_negative_count_message_of_the_issue() -> None:
    doc = {"accounts": [{"id": f"u{i}"} for i in range(3)] + [{"id": "u3", "followers_count": -4}]}
    assert issues_of(doc) == ["accounts[3].followers_count: must be a non-negative integer, got -4"]


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (-4, "-4"),
        (1.5, "1.5"),
        (-0.5, "-0.5"),
        ("12", "'12'"),
        (True, "true"),  # bool is an int subclass in Python; a flag is not a count
        (False, "false"),
        (float("nan"), "NaN"),  # Flask's json parser accepts NaN and Infinity
        (float("inf"), "Infinity"),
        (float("-inf"), "-Infinity"),
        ([1], "[1]"),
        ({"n": 1}, "{'n': 1}"),
    ],
)
@pytest.mark.parametrize("field", ["followers_count", "following_count", "posts_count",
                                   "likes_count", "listed_count", "username_length"])
def test_counts_must_be_non_negative_integers(field: str, value: Any, shown: str) -> None:
    assert issues_of(doc_with({field: value})) == [
        f"accounts[2].{field}: must be a non-negative integer, got {shown}"
    ]


@pytest.mark.parametrize("value", [MAX_COUNT + 1, 10**400, 1e30])
def test_counts_have_an_upper_bound(value: int | float) -> None:
    (message,) = issues_of(doc_with({"followers_count": value}))
    prefix = "accounts[2].followers_count: must be at most 1,000,000,000,000, got "
    assert message.startswith(prefix)


@pytest.mark.parametrize(("value", "stored"), [(0, 0.0), (3.0, 3.0), (MAX_COUNT, float(MAX_COUNT)),
                                               (None, math.nan)])
def test_counts_accept_whole_numbers_and_null(value: Any, stored: float) -> None:
    graph = parse_graph(doc_with({"posts_count": value}))
    np.testing.assert_array_equal(graph.accounts.counts["posts_count"][2], stored)


@pytest.mark.parametrize(("value", "shown"), [(1, "1"), ("true", "'true'"), (0.0, "0.0"),
                                              (float("nan"), "NaN")])
@pytest.mark.parametrize("field", ["has_avatar", "verified", "private"])
def test_flags_must_be_booleans(field: str, value: Any, shown: str) -> None:
    assert issues_of(doc_with({field: value})) == [
        f"accounts[2].{field}: must be true, false or null, got {shown}"
    ]


@pytest.mark.parametrize("field", ["username", "bio"])
def test_texts(field: str) -> None:
    assert issues_of(doc_with({field: 5})) == [
        f"accounts[2].{field}: must be a string or null, got 5"
    ]
    assert issues_of(doc_with({field: "x" * 10_001})) == [
        f"accounts[2].{field}: must have at most 10,000 characters, got 10,001"
    ]
    assert parse_graph(doc_with({field: ""})).accounts.texts[field][2] == ""


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("yesterday", "'yesterday'"),
        ("2024-02-30T00:00:00Z", "'2024-02-30T00:00:00Z'"),
        ("2024-11-02 25:00", "'2024-11-02 25:00'"),
        ("2024", "'2024'"),
        (1730517240, "1730517240"),  # epoch numbers are not ISO-8601
        (float("nan"), "NaN"),
        (True, "true"),
    ],
)
def test_bad_timestamps(value: Any, shown: str) -> None:
    reason = f"must be an ISO-8601 timestamp such as 2024-11-02T03:14:00Z, got {shown}"
    edge = {"source": "a", "target": "b", "type": "follow", "at": value}
    assert issues_of(doc_with({"created_at": value}, edge, observed_at=value)) == [
        f"observed_at: {reason}",
        f"accounts[2].created_at: {reason}",
        f"edges[0].at: {reason}",
    ]


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("1970-01-01T00:00:00Z", 0.0),
        ("1970-01-01T00:00:00", 0.0),  # naive means UTC
        ("1970-01-01", 0.0),
        ("1970-01-01T02:00:00+02:00", 0.0),
        ("2024-11-02T03:14:00Z", 1730517240.0),
        ("2024-11-02T03:14:00.500000+00:00", 1730517240.5),
    ],
)
def test_timestamps_are_epoch_seconds_in_utc(text: str, seconds: float) -> None:
    assert parse_timestamp(text) == seconds
    graph = parse_graph(doc_with({"created_at": text}, observed_at=text))
    assert graph.accounts.created_at[2] == seconds and graph.observed_at == seconds


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("label", "bot", "must be one of genuine, bought, mass_follow or null, got 'bot'"),
        ("label", 1, "must be one of genuine, bought, mass_follow or null, got 1"),
        ("split", "dev", "must be one of train, val, test or null, got 'dev'"),
    ],
)
def test_label_and_split(field: str, value: Any, expected: str) -> None:
    assert issues_of(doc_with({field: value})) == [f"accounts[2].{field}: {expected}"]


def test_labels_and_splits_are_codes() -> None:
    doc = {"accounts": [{"id": "a", "label": "mass_follow", "split": "test"}, {"id": "b"}]}
    graph = parse_graph(doc)
    assert graph.accounts.label.tolist() == [LABEL_CODE["mass_follow"], -1]
    assert graph.accounts.split.tolist() == [SPLIT_CODE["test"], -1]
    assert graph.has_labels() and graph.split_names() == ["test", None]
    assert not parse_graph(doc_with()).has_labels()


def test_unknown_endpoint_message_of_the_issue() -> None:
    accounts = [{"id": f"u{i}"} for i in range(13)]
    edges = [{"source": f"u{i}", "target": f"u{i + 1}", "type": "follow"} for i in range(12)]
    edges.append({"source": "u0", "target": "u99", "type": "like"})
    assert issues_of({"accounts": accounts, "edges": edges}) == [
        "edges[12].target: unknown account 'u99'"
    ]


def test_an_account_may_carry_only_its_id() -> None:
    graph = parse_graph(doc_with(edge={"source": "a", "target": "b", "type": "mention"}))
    assert graph.num_edges == 1


@pytest.mark.parametrize(
    ("edge", "expected"),
    [
        ({"source": "x", "target": "b", "type": "follow"},
         ["edges[0].source: unknown account 'x'"]),
        ({"source": "x", "target": "y", "type": "follow"},
         ["edges[0].source: unknown account 'x'", "edges[0].target: unknown account 'y'"]),
        ({"target": "b", "type": "follow"}, ["edges[0].source: is required"]),
        ({"source": 1, "target": "b", "type": "follow"},
         ["edges[0].source: must be an account id (a string), got a number"]),
        ({"source": "a", "target": None, "type": "follow"}, ["edges[0].target: is required"]),
        ({"source": "a", "target": "b"}, ["edges[0].type: is required"]),
        ({"source": "a", "target": "b", "type": "retweet"},
         ["edges[0].type: unknown edge type 'retweet'; expected one of follow, unfollow, like, "
          "comment, share, mention"]),
        ({"source": "a", "target": "b", "type": "Follow"},
         ["edges[0].type: unknown edge type 'Follow'; expected one of follow, unfollow, like, "
          "comment, share, mention"]),
        ({"source": "a", "target": "b", "type": "like", "weight": 0},
         ["edges[0].weight: must be a positive integer, got 0"]),
        ({"source": "a", "target": "b", "type": "like", "weight": 2.5},
         ["edges[0].weight: must be a positive integer, got 2.5"]),
        ({"source": "a", "target": "b", "type": "like", "weight": "3"},
         ["edges[0].weight: must be a positive integer, got '3'"]),
        ({"source": "a", "target": "b", "type": "like", "weight": 10**9 + 1},
         ["edges[0].weight: must be at most 1,000,000,000, got 1000000001"]),
    ],
)
def test_edge_errors(edge: dict, expected: list[str]) -> None:
    assert issues_of(doc_with(edge=edge)) == expected


@pytest.mark.parametrize(("weight", "stored"), [(None, 1), (1, 1), (4.0, 4), (10**9, 10**9)])
def test_edge_weight(weight: Any, stored: int) -> None:
    graph = parse_graph(doc_with(edge={"source": "a", "target": "b", "type": "like",
                                       "weight": weight}))
    assert graph.edges.weight.tolist() == [stored]


@pytest.mark.parametrize(
    ("target", "expected"),
    [("nobody", "target: unknown account 'nobody'"),
     (3, "target: must be an account id (a string), got a number"),
     (["a"], "target: must be an account id (a string), got a list")],
)
def test_target_must_be_a_declared_account(target: Any, expected: str) -> None:
    assert issues_of(doc_with(target=target)) == [expected]


def test_target_and_observed_at_are_optional() -> None:
    graph = parse_graph(doc_with(target=None))
    assert graph.target is None and graph.target_id is None and math.isnan(graph.observed_at)
    assert parse_graph(doc_with(target="b")).target == 1


def test_every_problem_is_reported_at_once() -> None:
    doc = {
        "format": "x",
        "accounts": [{"id": "a", "followers_count": -1, "verified": "no"}, {"id": "a"}],
        "edges": [{"source": "a", "target": "z", "type": "poke"}],
    }
    assert issues_of(doc) == [
        "format: unsupported format 'x'; this server reads account-graph/1",
        "accounts[0].followers_count: must be a non-negative integer, got -1",
        "accounts[0].verified: must be true, false or null, got 'no'",
        "edges[0].type: unknown edge type 'poke'; expected one of follow, unfollow, like, "
        "comment, share, mention",
        "accounts[1].id: duplicate id 'a' (first at accounts[0])",
        "edges[0].target: unknown account 'z'",
    ]


def test_issues_are_capped() -> None:
    doc = {"accounts": [{"id": f"u{i}", "posts_count": -1} for i in range(500)]}
    with pytest.raises(GraphValidationError) as info:
        parse_graph(doc)
    assert len(info.value.errors) == GraphValidationError.MAX_ISSUES
    assert str(info.value).endswith("(and 95 more)")


def test_error_carries_dicts_for_the_api() -> None:
    with pytest.raises(GraphValidationError) as info:
        parse_graph(doc_with(target="z"))
    assert info.value.title == "invalid account graph"
    assert [i.to_dict() for i in info.value.errors] == [
        {"path": "target", "message": "unknown account 'z'"}
    ]
    assert str(info.value) == "invalid account graph: target: unknown account 'z'"


def test_self_loops_and_duplicates_are_warnings_and_dropped() -> None:
    edges = [
        {"source": "a", "target": "a", "type": "follow"},  # self-loop
        {"source": "a", "target": "b", "type": "follow", "at": "2024-01-01T00:00:00Z"},
        {"source": "a", "target": "b", "type": "follow", "at": "2024-01-01T00:00:00Z"},  # repeat
        {"source": "a", "target": "b", "type": "follow", "at": "2024-01-02T00:00:00Z"},  # later
        {"source": "a", "target": "b", "type": "like"},
        {"source": "a", "target": "b", "type": "like", "weight": 5},  # repeat: weight ignored
        {"source": "b", "target": "a", "type": "like"},  # other direction
    ]
    graph = parse_graph({"accounts": [{"id": "a"}, {"id": "b"}], "edges": edges})
    assert [str(w) for w in graph.warnings] == [
        "edges[0]: self-loop on 'a' dropped",
        "edges[2]: duplicate edge dropped",
        "edges[5]: duplicate edge dropped",
    ]
    assert graph.num_edges == 4
    assert graph.edges.src.tolist() == [0, 0, 0, 1]
    assert graph.edges.weight.tolist() == [1, 1, 1, 1]


def test_many_warnings_are_summarised() -> None:
    accounts = [{"id": f"u{i}"} for i in range(30)]
    loops = [{"source": f"u{i}", "target": f"u{i}", "type": "follow"} for i in range(25)]
    graph = parse_graph({"accounts": accounts, "edges": loops})
    assert graph.num_edges == 0
    assert len(graph.warnings) == 21
    assert str(graph.warnings[-1]) == "edges: 25 self-loops dropped in all"


def follows(*ranks: Any, target: str = "b") -> dict:
    """Accounts ``a``, ``b`` and followers ``f0, f1, ...`` of ``target``, one per rank."""
    accounts = [{"id": "a"}, {"id": "b"}] + [{"id": f"f{i}"} for i in range(len(ranks))]
    edges = [{"source": f"f{i}", "target": target, "type": "follow", "rank": r}
             for i, r in enumerate(ranks)]
    return {"accounts": accounts, "edges": edges}


@pytest.mark.parametrize(("rank", "stored"), [(None, -1), (0, 0), (3, 3), (3.0, 3),
                                              (MAX_RANK, MAX_RANK)])
def test_rank_of_a_follow(rank: Any, stored: int) -> None:
    graph = parse_graph(follows(rank))
    assert graph.edges.rank.dtype == np.int64 and graph.edges.rank.tolist() == [stored]


def test_edges_without_rank_have_rank_minus_one() -> None:
    graph = parse_graph(EXAMPLE)
    assert graph.edges.rank.tolist() == [-1, -1, -1]
    assert not graph.edges.at_estimated.any()


@pytest.mark.parametrize(
    ("rank", "shown"),
    [(-1, "must be a non-negative integer, got -1"),
     (1.5, "must be a non-negative integer, got 1.5"),
     ("3", "must be a non-negative integer, got '3'"),
     (True, "must be a non-negative integer, got true"),
     (math.nan, "must be a non-negative integer, got NaN"),
     (MAX_RANK + 1, "must be at most 10,000,000,000, got 10000000001")],
)
def test_bad_rank_values(rank: Any, shown: str) -> None:
    assert issues_of(follows(0, rank)) == [f"edges[1].rank: {shown}"]


def test_rank_belongs_to_follows_only() -> None:
    doc = doc_with(edge={"source": "a", "target": "b", "type": "like", "rank": 0})
    doc["edges"].append({"source": "a", "target": "b", "type": "unfollow", "rank": 1})
    assert issues_of(doc) == [
        "edges[0].rank: only follow edges have a rank (a place in the target's follower "
        "list), not 'like' edges",
        "edges[1].rank: only follow edges have a rank (a place in the target's follower "
        "list), not 'unfollow' edges",
    ]


def test_ranks_are_unique_per_target_and_name_the_edge_holding_it() -> None:
    assert issues_of(follows(0, 5, 2, 5, 5)) == [
        "edges[3].rank: rank 5 among the followers of 'b' is already taken by edges[1]",
        "edges[4].rank: rank 5 among the followers of 'b' is already taken by edges[1]",
    ]


def test_the_same_rank_on_two_targets_and_gaps_are_fine() -> None:
    doc = follows(0, 7, 3)  # gaps: a follower list may have holes
    doc["edges"] += [{"source": "f0", "target": "a", "type": "follow", "rank": 0},
                     {"source": "f1", "target": "a", "type": "follow", "rank": 7}]
    graph = parse_graph(doc)
    assert graph.edges.rank.tolist() == [0, 7, 3, 0, 7]


def test_a_repeated_ranked_follow_is_a_dropped_duplicate_not_a_clash() -> None:
    doc = follows(0, 1)
    doc["edges"].append(dict(doc["edges"][1]))
    doc["edges"].append({**doc["edges"][1], "rank": 9})  # the rank is not compared
    graph = parse_graph(doc)
    assert [str(w) for w in graph.warnings if w.path != "edges"] == [
        "edges[2]: duplicate edge dropped", "edges[3]: duplicate edge dropped"]
    assert graph.edges.rank.tolist() == [0, 1]


def test_node_link_rank_paths_name_the_links() -> None:
    doc = follows(0, 0)
    doc = {"nodes": doc["accounts"], "links": doc["edges"]}
    assert issues_of(doc) == [
        "links[1].rank: rank 0 among the followers of 'b' is already taken by links[0]"]


def test_a_rank_clash_names_the_target_even_beside_a_duplicate_id() -> None:
    doc = follows(1, 1)
    doc["accounts"].insert(1, {"id": "a"})  # a duplicate id between a and the target b
    assert issues_of(doc) == [
        "accounts[1].id: duplicate id 'a' (first at accounts[0])",
        "edges[1].rank: rank 1 among the followers of 'b' is already taken by edges[0]"]
