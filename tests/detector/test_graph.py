"""The graph tables' own helpers."""

from __future__ import annotations

import numpy as np

from detector.graph import Edges
from detector.schema import EDGE_TYPES, INTERACTIONS


def test_interactions_mask_every_interaction_type_and_nothing_else() -> None:
    codes = np.array([*range(len(EDGE_TYPES)), *reversed(range(len(EDGE_TYPES)))], np.int8)
    edges = Edges(src=np.zeros(len(codes), np.int64), dst=np.ones(len(codes), np.int64),
                  type=codes, at=np.full(len(codes), np.nan), weight=np.ones(len(codes), np.int64))
    mask = edges.interactions()
    assert mask.dtype == bool
    assert mask.tolist() == [int(c) in INTERACTIONS for c in codes]
    assert Edges.empty().interactions().tolist() == []
