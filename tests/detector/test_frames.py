"""Tables -> AccountGraph: the checks behind the columnar (Parquet) and CSV forms."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from detector import frames
from detector.errors import GraphValidationError
from detector.frames import graph_from_frames
from detector.schema import COUNT_FIELDS, EDGE_CODE
from detector.validate import parse_timestamp


def accounts(**columns: list) -> pd.DataFrame:
    """Accounts a, b, c plus the given columns (three values each)."""
    return pd.DataFrame({"id": ["a", "b", "c"], **columns})


def edges(**columns: list) -> pd.DataFrame:
    base = {"source": ["a"], "target": ["b"], "type": ["follow"]}
    return pd.DataFrame({**base, **columns})


def issues_of(acc: pd.DataFrame, edge: pd.DataFrame | None = None, **kwargs: Any) -> list[str]:
    with pytest.raises(GraphValidationError) as info:
        graph_from_frames(acc, edge, **kwargs)
    return [str(i) for i in info.value.errors]


def test_tables_become_a_graph() -> None:
    acc = accounts(followers_count=[10, None, 0], has_avatar=[True, None, False],
                   username=["x1", None, "z"], created_at=["2024-01-01T00:00:00Z", None, ""],
                   label=["bought", None, "genuine"], split=["train", "val", None],
                   extra=[1, 2, 3])  # unknown columns are ignored
    edge = pd.DataFrame({"source": ["a", "c"], "target": ["b", "a"], "type": ["like", "follow"],
                         "at": ["2024-01-02T00:00:00Z", None], "weight": [4, None]})
    graph = graph_from_frames(acc, edge, target="b", observed_at=1_735_689_600.0)  # 2025-01-01
    np.testing.assert_array_equal(graph.accounts.counts["followers_count"], [10, np.nan, 0])
    np.testing.assert_array_equal(graph.accounts.flags["has_avatar"], [1, np.nan, 0])
    assert graph.accounts.texts["username"].tolist() == ["x1", None, "z"]
    assert graph.accounts.created_at[0] == parse_timestamp("2024-01-01T00:00:00Z")
    assert np.isnan(graph.accounts.created_at[1:]).all()  # null and empty both mean missing
    assert graph.label_names() == ["bought", None, "genuine"]
    assert graph.split_names() == ["train", "val", None]
    assert graph.edges.type.tolist() == [EDGE_CODE["like"], EDGE_CODE["follow"]]
    assert graph.edges.weight.tolist() == [4, 1]
    assert graph.edges.at[0] == parse_timestamp("2024-01-02T00:00:00Z")
    assert math.isnan(graph.edges.at[1])
    assert graph.target == 1 and graph.observed_at == 1_735_689_600.0


def test_absent_optional_columns_mean_missing() -> None:
    graph = graph_from_frames(pd.DataFrame({"id": ["a", "b"]}), None)
    assert graph.num_edges == 0
    for name in COUNT_FIELDS:
        assert np.isnan(graph.accounts.counts[name]).all()
    assert np.isnan(graph.accounts.created_at).all()
    assert graph.accounts.label.tolist() == [-1, -1]


@pytest.mark.parametrize(
    ("acc", "edge", "expected"),
    [
        (pd.DataFrame({"name": ["a"]}), None, ["accounts.id: column is required"]),
        (accounts(), pd.DataFrame({"source": ["a"]}),
         ["edges.target: column is required", "edges.type: column is required"]),
    ],
)
def test_required_columns(acc: pd.DataFrame, edge: pd.DataFrame | None,
                          expected: list[str]) -> None:
    assert issues_of(acc, edge) == expected


@pytest.mark.parametrize(
    ("column", "values", "expected"),
    [
        ("followers_count", [1, -4, 2],
         "accounts[1].followers_count: must be a non-negative integer, got -4"),
        ("posts_count", [1, "many", 2], "accounts[1].posts_count: must be a non-negative integer, "
         "got 'many'"),
        ("likes_count", [1.0, 1.5, None],
         "accounts[1].likes_count: must be a non-negative integer, got 1.5"),
        ("listed_count", [0, 10**13, 1],
         "accounts[1].listed_count: must be at most 1,000,000,000,000, got 10000000000000"),
        ("following_count", [True, None, None],
         "accounts[0].following_count: must be a non-negative integer, got true"),
        ("verified", ["yes", "maybe", "no"], "accounts[1].verified: must be true or false, "
         "got 'maybe'"),
        ("private", [0, 2, 1], "accounts[1].private: must be true or false, got 2"),
        ("created_at", ["2024-01-01", "soon", None], "accounts[1].created_at: must be an ISO-8601 "
         "timestamp such as 2024-11-02T03:14:00Z, got 'soon'"),
        ("label", ["bought", "bot", None], "accounts[1].label: must be one of genuine, bought, "
         "mass_follow or null, got 'bot'"),
        ("split", ["dev", None, None],
         "accounts[0].split: must be one of train, val, test or null, got 'dev'"),
    ],
)
def test_account_column_errors(column: str, values: list, expected: str) -> None:
    if column == "following_count":  # a boolean column where a count belongs
        values = pd.array(values, dtype="boolean")
    assert issues_of(accounts(**{column: values})) == [expected]


@pytest.mark.parametrize(
    ("text", "flag"),
    [("true", 1.0), ("False", 0.0), ("YES", 1.0), ("n", 0.0), ("1", 1.0), ("0", 0.0), ("", np.nan)],
)
def test_text_flags_as_spreadsheets_write_them(text: str, flag: float) -> None:
    graph = graph_from_frames(accounts(verified=[text, None, "t"]), None)
    np.testing.assert_array_equal(graph.accounts.flags["verified"], [flag, np.nan, 1.0])


def test_numbers_in_text_columns_become_text() -> None:
    graph = graph_from_frames(accounts(username=[123, None, "x"]), None)
    assert graph.accounts.texts["username"].tolist() == ["123", None, "x"]


def test_datetime_columns_are_accepted_naive_as_utc() -> None:
    stamps = pd.to_datetime(["1970-01-02", None, "1970-01-01T01:00:00"], format="ISO8601")
    graph = graph_from_frames(accounts(created_at=stamps), None)
    np.testing.assert_array_equal(graph.accounts.created_at, [86_400.0, np.nan, 3_600.0])


@pytest.mark.parametrize("unit", ["s", "ms", "us", "ns"])
@pytest.mark.parametrize("tz", [None, "UTC", "Asia/Kolkata"])
def test_datetime_columns_in_every_unit_and_zone_give_epoch_seconds(unit, tz) -> None:
    text = ["2024-01-01T00:00:00Z", "2013-05-01T12:30:45.25Z", None, "1970-01-01T00:00:01Z"]
    if unit == "s":  # years pandas keeps only in seconds
        text[3] = "9999-12-31T23:59:59Z"
    col = pd.Series(pd.to_datetime(text, utc=True, format="ISO8601")).dt.as_unit(unit)
    col = col.dt.tz_convert(tz) if tz else col.dt.tz_localize(None)
    graph = graph_from_frames(accounts(created_at=col.iloc[:3].tolist()), None)
    got = frames._epoch_seconds(col)
    expected = [np.nan if t is None else parse_timestamp(t) for t in text]
    if unit == "s":
        expected[1] = math.floor(expected[1])  # a quarter second is below the unit
    np.testing.assert_array_equal(got, expected)
    assert got[0] == 1704067200.0 and got.dtype == np.float64
    np.testing.assert_array_equal(graph.accounts.created_at, got[:3])


def test_id_and_edge_errors() -> None:
    acc = pd.DataFrame({"id": ["a", None, "a", None]})
    edge = pd.DataFrame({"source": ["a", None, "a", "a"], "target": ["zz", "a", "a", "a"],
                         "type": ["follow", "follow", "hug", "like"], "weight": [1, 1, 1, 0]})
    assert issues_of(acc, edge) == [
        "accounts[1].id: is required",
        "accounts[3].id: is required",
        "edges[1].source: is required",
        "edges[2].type: unknown edge type 'hug'; expected one of follow, unfollow, like, "
        "comment, share, mention",
        "edges[3].weight: must be a positive integer, got 0",
        "accounts[2].id: duplicate id 'a' (first at accounts[0])",
        "edges[0].target: unknown account 'zz'",
    ]


def test_target_and_custom_paths() -> None:
    assert issues_of(accounts(), None, target="q") == ["target: unknown account 'q'"]
    bad = pd.DataFrame({"source": ["a"], "target": ["q"], "type": ["like"]})
    assert issues_of(accounts(), bad, accounts_path="users", edges_path="relations") == [
        "relations[0].target: unknown account 'q'"
    ]


def test_self_loops_and_duplicates_are_dropped_with_warnings() -> None:
    edge = pd.DataFrame({"source": ["a", "a", "b", "b"], "target": ["a", "b", "c", "c"],
                         "type": ["follow", "follow", "like", "like"]})
    graph = graph_from_frames(accounts(), edge)
    assert [str(w) for w in graph.warnings] == ["edges[0]: self-loop on 'a' dropped",
                                                "edges[3]: duplicate edge dropped"]
    assert graph.edges.src.tolist() == [0, 1] and graph.edges.dst.tolist() == [1, 2]


def test_parquet_tables_give_the_same_graph_as_in_memory_ones(tmp_path: Path) -> None:
    # Parquet hands back categorical and Arrow-string columns in chunks.
    acc = accounts(label=["bought", None, "genuine"])
    edge = pd.DataFrame({"source": ["a", "a", "a", "c", "c", "b"],
                         "target": ["b", "c", "b", "a", "b", "c"],
                         "type": ["follow", "like", "follow", "like", "like", "share"],
                         "at": ["2024-01-01T00:00:00Z", None, "2024-01-01T00:00:00Z", None, None,
                                "2024-01-02T00:00:00Z"]})
    acc.astype({"label": "category"}).to_parquet(tmp_path / "a.parquet")
    edge.astype({"type": "category"}).to_parquet(tmp_path / "e.parquet", row_group_size=4)
    stored = graph_from_frames(pd.read_parquet(tmp_path / "a.parquet"),
                               pd.read_parquet(tmp_path / "e.parquet"))
    graph = graph_from_frames(acc, edge)
    assert [str(w) for w in graph.warnings] == ["edges[2]: duplicate edge dropped"]
    assert [str(w) for w in stored.warnings] == [str(w) for w in graph.warnings]
    for name in ("src", "dst", "type", "at", "weight"):
        np.testing.assert_array_equal(getattr(stored.edges, name), getattr(graph.edges, name))
    assert stored.label_names() == graph.label_names() == ["bought", None, "genuine"]


@pytest.mark.parametrize(
    ("types", "expected"),
    [
        (pd.Categorical(["like", "hug", None]),
         ["edges[1].type: unknown edge type 'hug'", "edges[2].type: unknown edge type nan"]),
        (pd.array(["like", None, "Like"], dtype="str"),
         ["edges[1].type: unknown edge type nan", "edges[2].type: unknown edge type 'Like'"]),
        (pd.Series([2, "like", None], dtype=object),
         ["edges[0].type: unknown edge type 2", "edges[2].type: unknown edge type None"]),
        (pd.Series([["like"], "like", ["like"]], dtype=object),  # unhashable cells
         ["edges[0].type: unknown edge type ['like']",
          "edges[2].type: unknown edge type ['like']"]),
    ],
)
def test_edge_types_of_every_column_kind(types: Any, expected: list[str]) -> None:
    edge = pd.DataFrame({"source": ["a", "b", "c"], "target": ["b", "c", "a"], "type": types})
    suffix = "; expected one of follow, unfollow, like, comment, share, mention"
    assert issues_of(accounts(), edge) == [e + suffix for e in expected]


def test_enum_columns_of_every_kind() -> None:
    labels = pd.Categorical(["bought", "bot", None])
    assert issues_of(accounts(label=labels)) == [
        "accounts[1].label: must be one of genuine, bought, mass_follow or null, got 'bot'"
    ]
    graph = graph_from_frames(accounts(label=pd.Categorical(["bought", None, "bought"])), None)
    assert graph.label_names() == ["bought", None, "bought"]
    with pytest.raises(GraphValidationError, match=r"accounts\[0\].split: .* got 1"):
        graph_from_frames(accounts(split=pd.Series([1, None, "val"], dtype=object)), None)


def test_null_endpoints_are_required_not_unknown() -> None:
    edge = pd.DataFrame({"source": pd.array(["a", None, "a"], dtype="str"),
                         "target": pd.array(["b", "b", None], dtype="str"),
                         "type": ["follow"] * 3})
    assert issues_of(accounts(), edge) == ["edges[1].source: is required",
                                           "edges[2].target: is required"]


def test_numeric_endpoints_are_compared_as_text() -> None:
    acc = pd.DataFrame({"id": ["1", "2", "3"]})
    edge = pd.DataFrame({"source": [1, 1, 3], "target": [2, 3, 4], "type": ["follow"] * 3})
    assert issues_of(acc, edge) == ["edges[2].target: unknown account '4'"]


def ranked(rank: list, types: list[str] | None = None) -> pd.DataFrame:
    """Follows of ``a`` by b, c, b with the given ranks (and types)."""
    n = len(rank)
    return pd.DataFrame({"source": ["b", "c", "b"][:n], "target": ["a"] * n,
                         "type": types or ["follow"] * n, "rank": rank})


@pytest.mark.parametrize("rank", [[0, 5], [0.0, 5.0], ["0", "5"],
                                  pd.array([0, 5], dtype="Int64")])
def test_rank_column_of_every_kind(rank: Any) -> None:
    graph = graph_from_frames(accounts(), ranked(rank))
    assert graph.edges.rank.dtype == np.int64 and graph.edges.rank.tolist() == [0, 5]


def test_rank_cells_may_be_missing_and_the_column_absent() -> None:
    graph = graph_from_frames(accounts(), ranked(pd.array([None, 2], dtype="Int64")))
    assert graph.edges.rank.tolist() == [-1, 2]
    assert graph_from_frames(accounts(), edges()).edges.rank.tolist() == [-1]


@pytest.mark.parametrize(
    ("edge", "expected"),
    [(ranked([0, -3]), ["edges[1].rank: must be a non-negative integer, got -3"]),
     (ranked([0, 1.5]), ["edges[1].rank: must be a non-negative integer, got 1.5"]),
     (ranked(["0", "many"]), ["edges[1].rank: must be a non-negative integer, got 'many'"]),
     (ranked([0, 10**10 + 1]),
      ["edges[1].rank: must be at most 10,000,000,000, got 10000000001"]),
     (ranked([0, 3], ["follow", "like"]),
      ["edges[1].rank: only follow edges have a rank (a place in the target's follower "
       "list), not 'like' edges"]),
     (ranked([4, 4]), ["edges[1].rank: rank 4 among the followers of 'a' is already taken "
                       "by edges[0]"])],
)
def test_rank_errors(edge: pd.DataFrame, expected: list[str]) -> None:
    assert issues_of(accounts(), edge) == expected
