"""Cross-row checks shared by every input form: ids, endpoints, target, loops, repeats."""

from __future__ import annotations

import numpy as np
import pytest

from detector.assemble import MAX_WARNINGS, EdgeColumns, assemble
from detector.errors import GraphValidationError, Issue
from detector.graph import Accounts
from detector.schema import EDGE_CODE

FOLLOW = EDGE_CODE["follow"]


def columns(pairs: list[tuple[str, str]], at: list[float] | None = None) -> EdgeColumns:
    n = len(pairs)
    return EdgeColumns(
        source=np.array([s for s, _ in pairs], dtype=object),
        target=np.array([t for _, t in pairs], dtype=object),
        type=np.full(n, FOLLOW, np.int8),
        at=np.array(at if at is not None else [np.nan] * n, dtype=np.float64),
        weight=np.ones(n, np.int64),
    )


def accounts(*ids: str) -> Accounts:
    return Accounts.empty(np.array(ids, dtype=object))


def test_endpoints_become_indices() -> None:
    graph = assemble(accounts("a", "b", "c"), columns([("c", "a"), ("a", "b")]), target="c",
                     observed_at=7.0)
    assert graph.edges.src.tolist() == [2, 0] and graph.edges.dst.tolist() == [0, 1]
    assert graph.edges.src.dtype == np.int64 and graph.target == 2 and graph.observed_at == 7.0


def test_issues_from_the_caller_are_raised_with_these() -> None:
    earlier = [Issue("accounts[0].bio", "must be a string or null, got 5")]
    with pytest.raises(GraphValidationError) as info:
        assemble(accounts("a"), columns([("a", "x")]), issues=earlier)
    assert [str(i) for i in info.value.errors] == [
        "accounts[0].bio: must be a string or null, got 5",
        "edges[0].target: unknown account 'x'",
    ]


def test_an_endpoint_already_refused_is_not_also_unknown() -> None:
    earlier = [Issue("edges[0].source", "is required"), Issue("edges[1]", "must be an object")]
    with pytest.raises(GraphValidationError) as info:
        assemble(accounts("a"), columns([("", "a"), ("", ""), ("a", "q")]), issues=earlier)
    assert [str(i) for i in info.value.errors][2:] == ["edges[2].target: unknown account 'q'"]


def test_duplicate_ids_check_endpoints_against_the_first() -> None:
    with pytest.raises(GraphValidationError) as info:
        assemble(accounts("a", "b", "a"), columns([("a", "b")]), accounts_path="nodes")
    assert [str(i) for i in info.value.errors] == [
        "nodes[2].id: duplicate id 'a' (first at nodes[0])"
    ]


def test_repeats_need_the_same_time() -> None:
    graph = assemble(accounts("a", "b"), columns([("a", "b")] * 3, at=[1.0, 1.0, 2.0]))
    assert [str(w) for w in graph.warnings] == ["edges[1]: duplicate edge dropped"]
    assert graph.edges.at.tolist() == [1.0, 2.0]


def test_many_repeats_are_summarised() -> None:
    n = MAX_WARNINGS + 5
    graph = assemble(accounts("a", "b"), columns([("a", "b")] * (n + 1)), edges_path="links")
    assert graph.num_edges == 1
    assert len(graph.warnings) == MAX_WARNINGS + 1
    assert str(graph.warnings[0]) == "links[1]: duplicate edge dropped"
    assert str(graph.warnings[-1]) == f"links: {n} duplicate edges dropped in all"


def test_unknown_endpoints_are_capped() -> None:
    pairs = [("a", f"x{i}") for i in range(300)]
    with pytest.raises(GraphValidationError) as info:
        assemble(accounts("a"), columns(pairs))
    assert len(info.value.errors) == GraphValidationError.MAX_ISSUES
