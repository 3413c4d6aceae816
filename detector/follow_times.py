"""Follow times from follow order: when each follower followed, given only the list.

Nobody outside a platform gets follow timestamps, but anyone can collect a target's
follower list in follow order (Twitter's ``followers/ids``, Instagram's and TikTok's lists
come newest first) and each follower's creation date. Meeder et al., "We know who you
followed last summer: inferring social link creation times in Twitter" (WWW 2011),
turn the two into times. Per target, over its follow edges that carry a ``rank``
(0 = the oldest follower), in rank order:

1. **Bound.** A follower followed no earlier than the newest creation date among itself
   and everyone who followed before it (lower ranks), nor before the target was created,
   nor before an earlier follow whose ``at`` is known:
   ``low[i] = max(target created, created[j], at[j] for every rank j <= i)``.
2. **Anchors**, follows whose time is (nearly) known:

   - a follow with a known ``at`` that agrees with the bound (``at == low``: it is no
     earlier than anything that must precede it) sits at exactly ``at``;
   - a follower without ``at`` created after everything before it (its creation date
     raises the bound) followed shortly after it was created: it sits at its creation date.

   A follower without a creation date is no anchor and does not move the bound.
3. **Between anchors** the time is interpolated linearly in rank (a gap in the ranks
   counts as followers missing from the list, who took time to arrive too). Before the
   first anchor it is interpolated from the target's creation, placed at rank -1, or is
   the first anchor's time when the target's creation is unknown. After the last anchor
   it is interpolated towards the reference time (``AccountGraph.reference_time``,
   ``observed_at`` when given), placed at the largest rank + 1; without a reference time
   it stays at the last anchor's time.
4. The estimate is kept within ``[low, reference time]``. It lies there anyway unless
   the data contradict themselves (a creation date after the reference time, a known
   ``at`` before the creation of someone who followed earlier); the reference time wins.

A target none of whose ranked follows is an anchor gets no estimate. Observed ``at``
values are never changed, and follows without a ``rank`` are left as they are. The work
is one sort and a few cumulative maxima over all ranked follows of all targets at once,
without a Python loop per target or per edge: a list of 1,000,000 followers takes
about 0.3 s (docs/follow-times.md has the figures and the measured error).
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from detector.errors import Issue
from detector.graph import AccountGraph, Edges
from detector.schema import FOLLOW


def with_estimated_times(graph: AccountGraph, path: str = "edges") -> AccountGraph:
    """``graph`` with the missing times of ranked follows estimated: written to
    ``edges.at`` and flagged in ``edges.at_estimated``, with a warning saying how many.

    Every reader applies this once (``detector.assemble``), so the features, the audit
    and every answer see the same estimates. A graph without ranks is returned as is.

    Args:
        graph: a validated graph.
        path: JSON path of the edges in warnings (``links`` for node-link input).
    """
    e = graph.edges
    if not (e.rank >= 0).any():  # the common case costs one comparison per edge
        return graph
    estimate = estimate_follow_times(e, graph.accounts.created_at, graph.reference_time())
    filled = ~np.isnan(estimate)
    if not filled.any():
        return graph
    edges = replace(e, at=np.where(filled, estimate, e.at), at_estimated=e.at_estimated | filled)
    notice = Issue(path, f"the times of {int(filled.sum()):,} follows were estimated from "
                         "their rank (follow order) and the followers' creation dates; they "
                         "are estimates, not observed times (docs/follow-times.md)")
    return replace(graph, edges=edges, warnings=[*graph.warnings, notice])


def estimate_follow_times(edges: Edges, created_at: np.ndarray, reference: float) -> np.ndarray:
    """Estimated time of every ranked follow without ``at`` (module docstring).

    Args:
        edges: the edge table; ``rank`` -1 means unranked.
        created_at: creation time per account (epoch seconds, NaN unknown).
        reference: the graph's reference time (NaN unknown).

    Returns:
        Epoch seconds per edge, NaN where nothing is estimated: edges that are not
        follows, have no rank, have an ``at`` already, or whose target has no anchor.

    Shapes:
        ``edges``: E rows; ``created_at``: [N]; returns [E].
    """
    out = np.full(len(edges), np.nan)
    rows = np.flatnonzero((edges.rank >= 0) & (edges.type == FOLLOW))
    if len(rows) == 0:
        return out
    rows = rows[np.lexsort((edges.rank[rows], edges.dst[rows]))]
    dst, rank, at = edges.dst[rows], edges.rank[rows].astype(np.float64), edges.at[rows]
    known = ~np.isnan(at)
    first = np.r_[True, dst[1:] != dst[:-1]]  # each target's lowest rank
    group = np.cumsum(first) - 1
    born = created_at[dst]  # the target's creation
    own = np.fmax(created_at[edges.src[rows]], at)  # NaN only when both are unknown
    low = np.fmax(running_max(own, group), born)
    before = np.where(first, born, np.r_[np.nan, low[:-1]])
    anchor = np.where(known, at == low, ~np.isnan(own) & ~(own <= before))
    left_x, left_y, right_x, right_y, anchored = _neighbours(anchor, group, rank, low, born,
                                                             reference)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = (rank - left_x) / (right_x - left_x)
        guess = np.where(np.isnan(left_y), right_y,
                         np.where(~(right_y >= left_y), left_y,
                                  left_y + (right_y - left_y) * share))
    guess = np.fmin(np.fmax(guess, low), reference)
    wanted = ~known & anchored
    out[rows[wanted]] = guess[wanted]
    return out


def _neighbours(anchor: np.ndarray, group: np.ndarray, rank: np.ndarray, low: np.ndarray,
                born: np.ndarray, reference: float) -> tuple[np.ndarray, ...]:
    """For each row (sorted by group, then rank): the anchor at or before it and the one
    after it in its group as ``(rank, time)``, the ends standing in where there is none
    (the target's creation at rank -1, the reference time after the largest rank), and
    whether its group has an anchor at all.

    Positions only grow along the rows, so the nearest anchor at or before each row is a
    running maximum of anchor positions; it is in the row's group or there is none.
    """
    m = len(anchor)
    pos = np.arange(m)
    prev = np.maximum.accumulate(np.where(anchor, pos, -1))
    after = np.where(anchor, pos, m)
    after[:-1] = after[1:]  # strictly after: an anchor interpolates from itself
    after[-1] = m
    nxt = np.minimum.accumulate(after[::-1])[::-1]
    has_prev = (prev >= 0) & (group[np.maximum(prev, 0)] == group)
    has_next = (nxt < m) & (group[np.minimum(nxt, m - 1)] == group)
    last = np.r_[group[1:] != group[:-1], True]
    top = np.repeat(rank[last], np.bincount(group))  # each group's largest rank
    left_x = np.where(has_prev, rank[np.maximum(prev, 0)], -1.0)
    left_y = np.where(has_prev, low[np.maximum(prev, 0)], born)
    right_x = np.where(has_next, rank[np.minimum(nxt, m - 1)], top + 1.0)
    right_y = np.where(has_next, low[np.minimum(nxt, m - 1)], reference)
    anchored = np.bincount(group, weights=anchor, minlength=group[-1] + 1)[group] > 0
    return left_x, left_y, right_x, right_y, anchored


def running_max(values: np.ndarray, group: np.ndarray) -> np.ndarray:
    """Running maximum of ``values`` within each group (rows sorted by ``group``, which
    counts up from 0), NaN ignored: NaN until a group's first value.

    numpy's ``maximum.accumulate`` has no groups. Each value is replaced by its order
    among all values (an exact integer), offset by ``group * width``; one accumulation
    over the whole array then never carries a maximum into the next group.
    """
    given = ~np.isnan(values)
    if not given.any():
        return np.full(len(values), np.nan)
    distinct, code = np.unique(values[given], return_inverse=True)
    width = np.int64(len(distinct) + 1)
    key = np.zeros(len(values), np.int64)  # 0: no value yet
    key[given] = code.ravel() + 1
    offset = group.astype(np.int64) * width
    top = np.maximum.accumulate(key + offset) - offset
    return np.where(top > 0, distinct[np.maximum(top - 1, 0)], np.nan)
