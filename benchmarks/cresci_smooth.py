"""Graph smoothing of a profile model's scores: the "smooth" step of Correct & Smooth
(Huang et al., "Combining label propagation and simple models out-performs graph neural
networks", ICLR 2021), here over follow edges.

A profile model scores every account alone; smoothing then pulls each connected
account's score towards the mean of its neighbours', where a training neighbour counts
with its known label. An isolated account (64% of Cresci-2015) has no neighbour and keeps
its profile score unchanged, so the graph only speaks where it has something to say.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from detector.graph import AccountGraph
from detector.schema import FOLLOW

#: Propagation steps; the scores settle well before (the update is a contraction).
ITERATIONS = 10


def neighbour_mean(graph: AccountGraph) -> tuple[sp.csr_matrix, np.ndarray]:
    """Row-normalised adjacency of the follow edges, direction ignored, and the degree."""
    e, n = graph.edges, graph.num_accounts
    follow = e.type == FOLLOW
    a = sp.coo_matrix((np.ones(int(follow.sum())), (e.src[follow], e.dst[follow])),
                      shape=(n, n)).tocsr()
    a = ((a + a.T) > 0).astype(np.float64)
    degree = np.asarray(a.sum(axis=1)).ravel()
    return sp.diags(1.0 / np.maximum(degree, 1.0)) @ a, degree


def smooth_scores(graph: AccountGraph, p: np.ndarray, known: np.ndarray, y: np.ndarray,
                  alpha: float, iterations: int = ITERATIONS) -> np.ndarray:
    """Scores after label smoothing over follows.

    .. math::
        b_i = y_i \\text{ if } i \\text{ known else } p_i, \\qquad
        q_i \\leftarrow (1 - \\alpha)\\, b_i + \\alpha \\operatorname{mean}_{j \\in N(i)}
        (y_j \\text{ if } j \\text{ known else } q_j)

    Args:
        graph: the graph whose follow edges carry the smoothing.
        p: profile-model score per account, ``[N]`` in [0, 1].
        known: boolean ``[N]``, accounts whose label may be used (the training accounts).
        y: label per account as 0/1 (read only where ``known``).
        alpha: weight of the neighbours, in [0, 1); 0 returns ``p`` unchanged.
        iterations: propagation steps.

    Returns:
        ``[N]`` scores; isolated accounts keep ``p``, known accounts are not clamped in
        the output (only their label feeds their neighbours).
    """
    if not 0.0 <= alpha < 1.0:
        raise ValueError(f"alpha must be in [0, 1), got {alpha}")
    mean, degree = neighbour_mean(graph)
    base = np.where(known, y, p).astype(np.float64)
    q = np.asarray(p, dtype=np.float64).copy()
    for _ in range(iterations):
        q = np.where(degree > 0, (1.0 - alpha) * base + alpha * (mean @ np.where(known, y, q)),
                     p)
    return q
