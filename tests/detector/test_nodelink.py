"""networkx node-link JSON in, networkx graphs out."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest

from detector.errors import GraphValidationError
from detector.io import graph_to_document
from detector.nodelink import from_networkx, to_networkx
from detector.validate import parse_graph


def small_nx() -> nx.MultiDiGraph:
    g = nx.MultiDiGraph(target="t")
    g.add_node("t", followers_count=120, verified=True, username="brand")
    g.add_node("u1", following_count=2000, label="mass_follow")
    g.add_node("u2")
    g.add_edge("u1", "t", type="follow", at="2024-11-02T03:14:00Z")
    g.add_edge("u1", "t", type="unfollow", at="2024-11-09T08:00:00Z")
    g.add_edge("u2", "t", type="like", weight=3)
    return g


@pytest.mark.parametrize("key", ["edges", "links"])
def test_node_link_data_is_accepted_with_either_edge_key(key: str) -> None:
    doc = nx.node_link_data(small_nx(), edges=key)
    assert key in doc and "accounts" not in doc
    graph = parse_graph(doc)
    assert graph.ids.tolist() == ["t", "u1", "u2"]
    assert graph.target_id == "t"  # from graph.target
    assert graph.accounts.counts["followers_count"][0] == 120
    assert graph.label_names() == [None, "mass_follow", None]
    assert graph.edges.src.tolist() == [1, 1, 2] and graph.edges.dst.tolist() == [0, 0, 0]
    assert graph.edges.weight.tolist() == [1, 1, 3]
    # Same graph as the account-graph/1 document it corresponds to.
    assert graph_to_document(graph) == graph_to_document(parse_graph(graph_to_document(graph)))


def test_graph_observed_at_is_the_observation_time() -> None:
    # networkx keeps graph attributes under "graph"; the observation time set there
    # must not be dropped (account ages would then be measured at the latest timestamp).
    g = small_nx()
    g.graph["observed_at"] = "2025-01-01T00:00:00Z"
    graph = parse_graph(nx.node_link_data(g, edges="edges"))
    assert graph.observed_at == 1_735_689_600.0
    doc = nx.node_link_data(g, edges="edges")
    doc["observed_at"] = "2025-02-01T00:00:00Z"  # the top level wins, as for the target
    assert parse_graph(doc).observed_at == 1_738_368_000.0
    # ... and the round trip through networkx keeps it.
    assert from_networkx(to_networkx(graph)).observed_at == graph.observed_at


def test_a_bad_graph_observed_at_is_named_by_its_path() -> None:
    doc = nx.node_link_data(small_nx(), edges="edges")
    doc["graph"]["observed_at"] = "yesterday"
    with pytest.raises(GraphValidationError) as err:
        parse_graph(doc)
    assert [e.path for e in err.value.errors] == ["graph.observed_at"]


def test_top_level_target_wins_over_graph_target() -> None:
    doc = nx.node_link_data(small_nx(), edges="edges")
    doc["target"] = "u2"
    assert parse_graph(doc).target_id == "u2"


@pytest.mark.parametrize(
    ("doc", "expected"),
    [
        (
            {"nodes": [{"id": "a"}, {"id": "a"}], "links": []},
            ["nodes[1].id: duplicate id 'a' (first at nodes[0])"],
        ),
        (
            {"nodes": [{"id": "a"}], "links": [{"source": "a", "target": "z", "type": "like"}]},
            ["links[0].target: unknown account 'z'"],
        ),
        (
            {"nodes": [{"id": "a"}], "edges": [{"source": "z", "target": "a", "type": "like"}]},
            ["edges[0].source: unknown account 'z'"],
        ),
        (
            {"nodes": [{"id": "a"}], "graph": {"target": "q"}},
            ["graph.target: unknown account 'q'"],
        ),
        (
            {"nodes": [{"id": 1}, {"id": "b", "posts_count": -2}]},
            ["nodes[0].id: must be a string, got a number",
             "nodes[1].posts_count: must be a non-negative integer, got -2"],
        ),
        (
            {"nodes": [{"id": "a"}], "links": [{"source": "a", "target": "a"}]},
            ["links[0].type: is required"],
        ),
    ],
)
def test_node_link_problems_use_node_link_paths(doc: dict, expected: list[str]) -> None:
    with pytest.raises(GraphValidationError) as info:
        parse_graph({"directed": True, "multigraph": True, "graph": {}, **doc})
    assert [str(i) for i in info.value.errors] == expected


def test_networkx_itself_would_invent_nodes_and_keep_the_last_duplicate() -> None:
    # Why we validate node-link JSON ourselves instead of calling node_link_graph.
    doc = {"directed": True, "multigraph": False, "graph": {},
           "nodes": [{"id": "a", "posts_count": 1}, {"id": "a", "posts_count": 2}],
           "edges": [{"source": "a", "target": "ghost", "type": "follow"}]}
    lenient = nx.node_link_graph(doc, edges="edges")
    assert set(lenient.nodes) == {"a", "ghost"} and lenient.nodes["a"]["posts_count"] == 2
    with pytest.raises(GraphValidationError) as info:
        parse_graph(doc)
    assert [str(i) for i in info.value.errors] == [
        "nodes[1].id: duplicate id 'a' (first at nodes[0])",
        "edges[0].target: unknown account 'ghost'",
    ]


@pytest.mark.parametrize(("doc", "path"), [
    ({"accounts": [{"id": "a"}], "nodes": [{"id": "b"}]}, "nodes"),
    ({"nodes": [{"id": "a"}, {"id": "b"}],
      "edges": [{"source": "a", "target": "b", "type": "follow"}],
      "links": [{"source": "b", "target": "a", "type": "follow"}]}, "links"),
])
def test_a_document_in_both_forms_is_refused_not_half_read(doc: dict, path: str) -> None:
    with pytest.raises(GraphValidationError) as caught:
        parse_graph(doc)
    assert [i.path for i in caught.value.errors] == [path]
    assert "not both" in caught.value.errors[0].message


def test_an_undirected_node_link_graph_is_refused() -> None:
    undirected = nx.Graph()
    undirected.add_edge("a", "b", type="follow")
    doc = nx.node_link_data(undirected, edges="links")
    assert doc["directed"] is False
    with pytest.raises(GraphValidationError) as caught:
        parse_graph(doc)
    assert [(i.path, i.message) for i in caught.value.errors] == [
        ("directed", "must be true: a follow has a direction (who follows whom)")]


def test_networkx_round_trip() -> None:
    graph = from_networkx(small_nx())
    back = to_networkx(graph)
    assert isinstance(back, nx.MultiDiGraph)
    assert back.graph["target"] == "t"
    assert back.nodes["t"] == {"followers_count": 120, "verified": True, "username": "brand"}
    assert back.nodes["u2"] == {}
    assert sorted((u, v, d["type"]) for u, v, d in back.edges(data=True)) == [
        ("u1", "t", "follow"), ("u1", "t", "unfollow"), ("u2", "t", "like")]
    again = from_networkx(back)
    assert graph_to_document(again) == graph_to_document(graph)


def test_from_networkx_takes_a_target_and_plain_digraphs() -> None:
    g = nx.DiGraph()
    g.add_edge("a", "b", type="follow")
    g.add_edge("b", "a", type="follow")
    graph = from_networkx(g, target="b")
    assert graph.target_id == "b"
    np.testing.assert_array_equal(graph.edges.src, [0, 1])


def test_from_networkx_refuses_bad_attributes() -> None:
    g = nx.DiGraph()
    g.add_node("a", followers_count="many")
    g.add_edge("a", "b", type="hug")
    with pytest.raises(GraphValidationError) as info:
        from_networkx(g)
    assert [str(i) for i in info.value.errors] == [
        "nodes[0].followers_count: must be a non-negative integer, got 'many'",
        "edges[0].type: unknown edge type 'hug'; expected one of follow, unfollow, like, "
        "comment, share, mention",
    ]


def test_ranks_survive_networkx_and_estimated_times_stay_out() -> None:
    g = nx.MultiDiGraph(target="t")
    g.add_node("t", created_at="2024-01-01T00:00:00Z")
    g.add_node("u1", created_at="2024-02-01T00:00:00Z")
    g.add_node("u2")
    g.add_edge("u1", "t", type="follow", rank=0)
    g.add_edge("u2", "t", type="follow", rank=1, at="2024-03-01T00:00:00Z")
    graph = from_networkx(g)
    assert graph.edges.rank.tolist() == [0, 1]
    assert graph.edges.at_estimated.tolist() == [True, False]
    out = to_networkx(graph)
    assert sorted((u, d["rank"], d.get("at")) for u, _, d in out.edges(data=True)) == [
        ("u1", 0, None), ("u2", 1, "2024-03-01T00:00:00Z")]
    np.testing.assert_array_equal(from_networkx(out).edges.at, graph.edges.at)


def test_networkx_rank_errors_name_the_edge() -> None:
    g = small_nx()
    g.add_edge("u2", "t", type="follow", rank=-2)
    with pytest.raises(GraphValidationError) as info:
        from_networkx(g)
    assert [str(i) for i in info.value.errors] == [
        "edges[3].rank: must be a non-negative integer, got -2"]
