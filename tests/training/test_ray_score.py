"""Partitioned scoring on Ray: partitions, halos, and scores equal to one machine's."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from detector.io import save_graph
from models.config import ModelConfig
from models.estimator import FollowerClassifier
from training.ray_score import (
    RayConfig,
    partition,
    receptive_hops,
    score_part,
    subgraph,
    undirected,
    with_halo,
)

_spec = importlib.util.spec_from_file_location(
    "tiny_graphs", Path(__file__).parents[1] / "models" / "tiny_graphs.py")
_tiny = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_tiny)
make_graph = _tiny.make_graph


def path_graph(n: int) -> np.ndarray:
    """Relation edges of the path 0 - 1 - ... - n-1, both directions."""
    a = np.arange(n - 1)
    return np.stack([np.concatenate([a, a + 1]), np.concatenate([a + 1, a])])


def test_blocks_cover_every_node_once_in_order():
    adjacency = undirected(path_graph(10), 10)
    parts, method = partition(adjacency, 3, "blocks")
    assert method == "blocks"
    assert parts.tolist() == [0, 0, 0, 0, 1, 1, 1, 2, 2, 2]


def test_metis_cuts_a_path_into_contiguous_halves():
    pytest.importorskip("pymetis")
    adjacency = undirected(path_graph(20), 20)
    parts, method = partition(adjacency, 2, "metis")
    assert method == "metis"
    assert sorted(np.bincount(parts).tolist()) == [10, 10]
    assert np.count_nonzero(np.diff(parts)) == 1  # one cut edge on a path


@pytest.mark.parametrize("hops, expected", [(0, [4, 5]), (1, [4, 5, 3, 6]),
                                            (2, [4, 5, 2, 3, 6, 7])])
def test_the_halo_reaches_exactly_hops_away(hops, expected):
    adjacency = undirected(path_graph(10), 10)
    parts = np.array([0, 0, 0, 0, 1, 1, 2, 2, 2, 2])
    piece = with_halo(adjacency, parts, hops)[1]
    assert piece.core == 2
    assert piece.nodes.tolist() == expected


def test_a_hub_reached_from_many_core_accounts_is_in_the_halo():
    """A hub seen from 200 core accounts (an int8 sum of neighbours wraps to -56)."""
    leaves = np.arange(1, 201)
    edges = np.stack([np.concatenate([leaves, np.zeros(200, np.int64)]),
                      np.concatenate([np.zeros(200, np.int64), leaves])])
    adjacency = undirected(edges, 201)
    parts = np.ones(201, np.int64)
    parts[0] = 0
    piece = with_halo(adjacency, parts, 1)[1]
    assert piece.core == 200
    assert piece.nodes.tolist() == [*leaves.tolist(), 0]


def test_subgraph_keeps_only_edges_among_the_nodes_renumbered():
    edges = path_graph(5)
    types = np.arange(edges.shape[1])
    ei, et = subgraph(edges, types, np.array([3, 2]), 5)
    assert sorted(zip(ei[0].tolist(), ei[1].tolist(), strict=True)) == [(0, 1), (1, 0)]
    assert sorted(et.tolist()) == [2, 6]


def test_a_bad_method_is_refused():
    with pytest.raises(ValueError, match="method must be one of"):
        RayConfig(method="random")


@pytest.fixture(scope="module")
def rgcn_dir(tmp_path_factory):
    """A 2-layer RGCN trained for a few epochs on a tiny graph."""
    graph = make_graph(90, seed=0)
    config = ModelConfig(model="rgcn", hidden=8, layers=2, epochs=5, patience=5)
    out = tmp_path_factory.mktemp("rgcn")
    FollowerClassifier(config).fit(graph, progress=False, log=lambda _m: None).save(out)
    return out


def test_the_halo_is_what_makes_partitions_exact(rgcn_dir):
    """Scoring one part without Ray: a 2-hop halo gives the single-machine scores, a
    1-hop halo does not (for a 2-layer model)."""
    from detector.features import compute_features
    from detector.tensors import relation_edges

    classifier = FollowerClassifier.load(rgcn_dir)
    assert receptive_hops(classifier) == 2
    graph = make_graph(60, seed=3)
    expected = classifier.predict_proba(graph)
    x = classifier.normaliser_.transform(compute_features(graph))
    edge_index, edge_type = relation_edges(graph)
    adjacency = undirected(edge_index, graph.num_accounts)
    parts, _ = partition(adjacency, 4, "blocks")
    for hops, exact in ((2, True), (1, False)):
        errors = []
        for piece in with_halo(adjacency, parts, hops):
            ei, et = subgraph(edge_index, edge_type, piece.nodes, graph.num_accounts)
            got = score_part(str(rgcn_dir), x[piece.nodes], ei, et, piece.core)
            errors.append(np.abs(got - expected[piece.nodes[:piece.core]]).max())
        assert bool(max(errors) < 1e-5) is exact


@pytest.fixture(scope="module")
def local_ray():
    ray = pytest.importorskip("ray", reason="ray is an optional extra: pip install .[scale]")
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    yield ray
    ray.shutdown()


@pytest.mark.slow
@pytest.mark.parametrize("method, partitions", [("auto", 4), ("blocks", 3)])
def test_ray_scores_equal_single_machine_scores(local_ray, rgcn_dir, method, partitions):
    from training.ray_score import predict_proba_ray

    graph = make_graph(120, seed=7)
    expected = FollowerClassifier.load(rgcn_dir).predict_proba(graph)
    got = predict_proba_ray(rgcn_dir, graph, RayConfig(partitions=partitions, method=method))
    assert got.shape == expected.shape
    np.testing.assert_allclose(got, expected, atol=1e-5)


@pytest.mark.slow
def test_ffd_score_engine_ray_writes_the_same_table(local_ray, rgcn_dir, tmp_path):
    import pandas as pd

    from training.cli import main

    data = save_graph(make_graph(80, seed=11), tmp_path / "g.json")
    tables = []
    for engine in ("local", "ray"):
        out = tmp_path / f"{engine}.parquet"
        result = CliRunner().invoke(main, ["score", "--model", str(rgcn_dir), "--data",
                                           str(data), "--out", str(out), "--engine", engine,
                                           "--partitions", "3"])
        assert result.exit_code == 0, result.output
        tables.append(pd.read_parquet(out))
    local, ray = tables
    assert ray["id"].tolist() == local["id"].tolist()
    assert ray["label"].astype(str).tolist() == local["label"].astype(str).tolist()
    np.testing.assert_allclose(ray.filter(like="p_").to_numpy(),
                               local.filter(like="p_").to_numpy(), atol=1e-5)
