"""The graph tables' own helpers."""

from __future__ import annotations

import numpy as np

from detector.graph import Edges
from detector.schema import EDGE_TYPES, INTERACTIONS


def test_interactions_mask_every_interaction_type_and_nothing_else() -> None:
    codes = np.array([*range(len(EDGE_TYPES)), *reversed(range(len(EDGE_TYPES)))], np.int8)
    n = len(codes)
    edges = Edges(src=np.zeros(n, np.int64), dst=np.ones(n, np.int64), type=codes,
                  at=np.full(n, np.nan), weight=np.ones(n, np.int64),
                  rank=np.full(n, -1, np.int64), at_estimated=np.zeros(n, bool))
    mask = edges.interactions()
    assert mask.dtype == bool
    assert mask.tolist() == [int(c) in INTERACTIONS for c in codes]
    assert Edges.empty().interactions().tolist() == []


def test_take_and_empty_carry_rank_and_the_estimate_flag() -> None:
    edges = Edges(src=np.array([0, 1, 2]), dst=np.array([3, 3, 3]),
                  type=np.zeros(3, np.int8), at=np.array([1.0, np.nan, 3.0]),
                  weight=np.ones(3, np.int64), rank=np.array([0, -1, 2]),
                  at_estimated=np.array([True, False, False]))
    taken = edges.take(np.array([2, 0]))
    assert taken.rank.tolist() == [2, 0] and taken.at_estimated.tolist() == [False, True]
    empty = Edges.empty()
    assert empty.rank.dtype == np.int64 and empty.at_estimated.dtype == bool
    assert len(empty.rank) == len(empty.at_estimated) == 0


def test_the_summary_groups_thousands_and_says_nothing_of_absent_kinds():
    from detector.validate import parse_graph

    accounts = [{"id": f"u{i}"} for i in range(1_200)]
    edges = [{"source": f"u{i}", "target": "u0", "type": "follow"} for i in range(1, 1_100)]
    graph = parse_graph({"accounts": accounts, "edges": edges})
    assert graph.summary() == "account-graph/1: 1,200 accounts, 1,099 edges (1,099 follow)"
    bare = parse_graph({"accounts": accounts[:2]})
    assert bare.summary() == "account-graph/1: 2 accounts, 0 edges"
