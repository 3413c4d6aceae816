"""Layer-wise inference equals the evidence model's full forward pass, on the whole graph
and part by part with 1-hop halos (no Ray: the decomposition the Ray engine runs)."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from detector.tensors import to_data
from models.config import ModelConfig
from models.estimator import FollowerClassifier
from models.layerwise import finish, members_beta, node_pass, propagation_round

from .tiny_graphs import make_graph


@pytest.fixture(scope="module", params=[1, 2], ids=["one", "ensemble"])
def classifier(request):
    config = ModelConfig(model="evidence", hidden=8, layers=2, epochs=4, patience=4,
                         members=request.param)
    return FollowerClassifier(config).fit(make_graph(90, seed=0), progress=False,
                                          log=lambda _m: None)


def _inputs(classifier, graph):
    from detector.features import compute_features

    x = classifier.normaliser_.transform(compute_features(graph)[:, classifier.columns_])
    data = to_data(graph, x)
    follow = (data.edge_type == 0) | (data.edge_type == 1)
    edges = data.edge_index[:, follow]
    seen = torch.zeros(graph.num_accounts, dtype=torch.bool)
    seen[data.edge_index.reshape(-1)] = True
    degree = torch.bincount(edges[1], minlength=graph.num_accounts).float()
    return data, edges, seen, degree


def _layerwise(model, data, edges, seen, degree, parts: np.ndarray):
    """Every round part by part: each part holds its rows, its in-edges, and the previous
    round's rows of its 1-hop neighbours (its halo), never the whole ``z``."""
    n = data.num_nodes
    state = node_pass(model, data.x, seen)
    beta = members_beta(model)
    z = state.z0
    for _ in range(model.steps):
        new = torch.empty_like(z)
        for p in np.unique(parts):
            core = torch.from_numpy(np.flatnonzero(parts == p))
            mine = torch.isin(edges[1], core)
            src, dst = edges[0, mine], edges[1, mine]
            halo = torch.from_numpy(np.setdiff1d(src.numpy(), core.numpy()))
            rows = torch.cat([core, halo])
            local = torch.full((n,), -1, dtype=torch.long)
            local[rows] = torch.arange(len(rows))
            new[core] = propagation_round(state.z0[core], z[rows], degree[rows],
                                          torch.stack([local[src], local[dst]]), beta)
        z = new
    return finish(z, state)


@pytest.mark.parametrize("parts", [1, 3, 7])
def test_layer_by_layer_equals_the_full_pass(classifier, parts):
    graph = make_graph(70, seed=4)
    model = classifier.model_
    data, edges, seen, degree = _inputs(classifier, graph)
    with torch.inference_mode():
        expected = model.parts(data.x, data.edge_index, data.edge_type)
        got = _layerwise(model, data, edges, seen, degree,
                         np.arange(graph.num_accounts) * parts // graph.num_accounts)
    for e, g in zip(expected, got, strict=True):
        if e is None:
            assert g is None
        else:
            torch.testing.assert_close(g, e, atol=1e-6, rtol=1e-6)


def test_an_account_without_edges_keeps_the_floor(classifier):
    model = classifier.model_
    x = torch.full((1, model.in_channels), -5.0)
    with torch.inference_mode():
        alone = node_pass(model, x, torch.tensor([False])).z0
        seen = node_pass(model, x, torch.tensor([True])).z0
    assert (alone >= seen).all() and (alone >= -2.944 - 1e-6).all()


def test_training_mode_is_refused(classifier):
    model = classifier.model_
    model.train()
    try:
        with pytest.raises(ValueError, match="evaluation mode"):
            node_pass(model, torch.zeros(1, model.in_channels), torch.tensor([True]))
    finally:
        model.eval()
