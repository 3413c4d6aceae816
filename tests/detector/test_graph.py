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
