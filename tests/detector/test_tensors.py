"""The one builder from an account graph to a PyG ``Data``: shapes and relations."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from detector.features import FEATURES, compute_features
from detector.tensors import NUM_RELATIONS, RELATIONS, relation_edges, to_data, to_tensors
from detector.validate import parse_graph

#: One edge of each kind; accounts 0..3 are a, b, c, d.
DOC = {
    "accounts": [{"id": "a", "label": "genuine", "split": "train"},
                 {"id": "b", "label": "bought", "split": "val"},
                 {"id": "c", "label": "mass_follow", "split": "test"},
                 {"id": "d"}],
    "edges": [
        {"source": "b", "target": "a", "type": "follow"},
        {"source": "c", "target": "a", "type": "unfollow"},
        {"source": "d", "target": "a", "type": "like"},
        {"source": "d", "target": "b", "type": "comment"},
        {"source": "d", "target": "c", "type": "share"},
        {"source": "a", "target": "d", "type": "mention"},
    ],
}


def relation(data, name: str) -> list[tuple[int, int]]:
    mask = data.edge_type == RELATIONS.index(name)
    return sorted(map(tuple, data.edge_index[:, mask].t().tolist()))


def test_shapes_and_types() -> None:
    graph = parse_graph(DOC)
    x = compute_features(graph)
    data = to_data(graph, x)
    data.validate(raise_on_error=True)
    assert data.num_nodes == 4
    assert data.x.shape == (4, len(FEATURES)) and data.x.dtype == torch.float32
    assert data.edge_index.shape == (2, 12) and data.edge_index.dtype == torch.int64
    assert data.edge_type.shape == (12,) and data.edge_type.dtype == torch.int64
    assert data.y.tolist() == [0, 1, 2, -1] and data.split.tolist() == [0, 1, 2, -1]
    assert NUM_RELATIONS == 6 and int(data.edge_type.max()) < NUM_RELATIONS
    torch.testing.assert_close(data.x, torch.from_numpy(x))


@pytest.mark.parametrize(
    ("name", "pairs"),
    [
        # messages flow edge_index[0] -> edge_index[1]
        ("followed_by", [(1, 0)]),  # a hears from its follower b
        ("follows", [(0, 1)]),  # b hears from a, whom it follows
        ("unfollowed_by", [(2, 0)]),
        ("unfollows", [(0, 2)]),
        ("engaged_by", [(3, 0), (3, 1), (3, 2), (0, 3)]),  # likes, comments, shares, mentions
        ("engages", [(0, 3), (1, 3), (2, 3), (3, 0)]),
    ],
)
def test_each_edge_appears_in_both_directions(name: str, pairs: list[tuple[int, int]]) -> None:
    data = to_data(parse_graph(DOC), np.zeros((4, 1), np.float32))
    assert relation(data, name) == sorted(pairs)


def test_no_edges() -> None:
    graph = parse_graph({"accounts": [{"id": "a"}]})
    edge_index, edge_type = relation_edges(graph)
    assert edge_index.shape == (2, 0) and edge_type.shape == (0,)
    data = to_data(graph, np.ones((1, 3)))
    assert data.edge_index.shape == (2, 0) and data.x.dtype == torch.float32


def test_rows_must_match_accounts() -> None:
    with pytest.raises(ValueError, match="x has 3 rows for 4 accounts"):
        to_data(parse_graph(DOC), np.zeros((3, 2)))


@pytest.mark.parametrize("relations", [(0, 1), (1,), (0, 4, 5), (), tuple(range(6))])
def test_a_subset_of_relations_is_the_full_list_filtered(relations) -> None:
    graph = parse_graph(DOC)
    full_index, full_type = relation_edges(graph)
    keep = np.isin(full_type, relations)
    edge_index, edge_type = relation_edges(graph, relations)
    np.testing.assert_array_equal(edge_type, full_type[keep])
    np.testing.assert_array_equal(edge_index, full_index[:, keep])
    assert edge_index.dtype == np.int64 and edge_type.dtype == np.int64


def test_every_model_reads_the_relations_it_declares() -> None:
    """A model that builds only its ``relations`` scores exactly as with every edge."""
    from models.ensemble import EvidenceEnsemble
    from models.evidence import EvidenceGNN
    from models.mlp import MLP

    graph = parse_graph(DOC)
    torch.manual_seed(0)
    x = np.random.default_rng(0).normal(size=(4, 6)).astype(np.float32)
    evidence = dict(in_channels=6, hidden_channels=8, profile=[0, 1, 2], steps=2)
    for model in (EvidenceGNN(**evidence), EvidenceEnsemble(2, **evidence),
                  MLP(6, 8, 3)):
        model.eval()
        full, some = to_data(graph, x), to_tensors(graph, x, model.relations)
        with torch.no_grad():
            torch.testing.assert_close(model(some.x, some.edge_index, some.edge_type),
                                       model(full.x, full.edge_index, full.edge_type))
    # The evidence models read every relation: any edge exempts an account from the
    # floor of edge-less accounts (``models.evidence.propagate``).
    assert EvidenceGNN.relations is EvidenceEnsemble.relations is None
    assert MLP.relations == ()
