"""Measurements on simulated graphs shared by the tests."""

from __future__ import annotations

import numpy as np

from detector.graph import AccountGraph
from detector.schema import FOLLOW


def class_median(graph: AccountGraph, field: str, label: int) -> float:
    values = graph.accounts.counts[field][graph.accounts.label == label]
    return float(np.nanmedian(values))


def follows(graph: AccountGraph) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    e = graph.edges
    mask = e.type == FOLLOW
    return e.src[mask], e.dst[mask], e.at[mask]


def mutual(graph: AccountGraph) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(src, dst, is_mutual) for every follow."""
    src, dst, _ = follows(graph)
    n = graph.num_accounts
    return src, dst, np.isin(dst * n + src, src * n + dst)
