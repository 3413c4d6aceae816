"""A part's inbound graph: its accounts, every edge pointing at them, and a stub (id and
creation date) for each account those edges come from.

Every edge lands in the part that owns its target, so a part holds each of its accounts'
follower lists whole. That is all the target-side work needs, done here exactly as the
single process does it:

- validation and repair (``detector.frames``): duplicate edges share their target and
  are dropped here; follow times are estimated from ranks per target list;
- per edge, the lockstep values (``detector.lockstep``): others on the same target at
  about the same time, which only the target's whole list can tell;
- campaigns (``detector.campaigns``): blocks in a target's follower list.

The edges then travel to the part that owns their source with these values attached
(``training.partwise.features`` aggregates them per account, as the single process does).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from detector.campaigns import MIN_LIST, find_campaigns
from detector.follow_order import follow_order, ordered_targets
from detector.frames import graph_from_frames
from detector.graph import AccountGraph
from detector.lockstep import DAY, lockstep, lockstep_cohort, lockstep_excess
from detector.schema import FOLLOW

#: Per-edge values computed on the target side, by name.
EDGE_VALUES = ("sync", "like_sync", "excess", "cohort")


def inbound_graph(core: pd.DataFrame, stubs: pd.DataFrame, edges: pd.DataFrame,
                  target: str | None, observed_at: float) -> AccountGraph:
    """The validated graph of a part's accounts (``core``, first, in that order), the
    ``stubs`` of the accounts its edges come from, and the ``edges`` (all pointing at
    ``core``, in input order). ``target`` only if it is one of ``core``."""
    accounts = pd.concat([core, stubs], ignore_index=True) if len(stubs) else core
    return graph_from_frames(accounts, edges, target, observed_at)


def edge_values(graph: AccountGraph) -> dict[str, np.ndarray]:
    """Per edge of ``graph``: the value each lockstep feature averages or maximises over
    an account's edges. ``detector.lockstep`` aggregates per source account; asked with
    one "source" per edge, it returns each edge's own value."""
    e = graph.edges
    m = len(e)
    n = max(m, graph.num_accounts)
    one = np.arange(m)
    follow, interact = e.type == FOLLOW, e.interactions()
    created = np.full(n, np.nan)
    created[:m] = graph.accounts.created_at[e.src]
    return {
        "sync": lockstep(one, e.dst, e.at, follow, n)[1][:m],
        "like_sync": lockstep(one, e.dst, e.at, interact, n)[1][:m],
        "excess": lockstep_excess(one, e.dst, e.at, follow, n)[1][:m],
        "cohort": lockstep_cohort(one, e.dst, e.at, follow, created, n)[:m],
    }


def outbound_edges(graph: AccountGraph, keys: np.ndarray) -> pd.DataFrame:
    """The repaired edges with their endpoints' ``keys`` (each account's place in the
    input: integers travel lighter than ids), times and ``edge_values``, for the parts
    that own their sources: only the columns the source side reads (not the follow
    ``rank``, used up here), each in the smallest type that holds it."""
    e = graph.edges
    key = np.int32 if len(keys) == 0 or keys.max() <= np.iinfo(np.int32).max else np.int64
    weight = np.int32 if len(e) == 0 or e.weight.max() <= np.iinfo(np.int32).max else np.int64
    frame = pd.DataFrame({"source": keys[e.src].astype(key), "target": keys[e.dst].astype(key),
                          "type": e.type.astype(np.int8), "at": e.at,
                          "weight": e.weight.astype(weight)})
    for name, values in edge_values(graph).items():
        frame[name] = values
    return frame


def campaign_rows(graph: AccountGraph, keys: np.ndarray,
                  whole_graph_target: bool) -> pd.DataFrame:
    """Every campaign membership found in the follower lists of this part's accounts:
    ``member`` (its row in ``graph``), ``key``, ``size, score, span_days``, and the
    ``target_pos`` and ``order`` that break ties (``keys``: places in the input). As
    ``campaign_membership``: with a target in the whole graph only its list is scanned
    (here if it is in this part), else every account with at least ``MIN_LIST`` ordered
    followers."""
    if whole_graph_target:
        targets = [] if graph.target is None else [graph.target]
    else:
        targets = ordered_targets(graph, MIN_LIST).tolist()
    rows: list[pd.DataFrame] = []
    for target in targets:
        for order, c in enumerate(find_campaigns(graph, None, follow_order(graph, target))):
            rows.append(pd.DataFrame({
                "member": c.members, "key": keys[c.members], "size": float(c.size),
                "score": c.score, "span_days": (c.created_to - c.created_from) / DAY,
                "target_pos": int(keys[target]), "order": order}))
    if not rows:
        return pd.DataFrame({name: pd.Series(dtype=np.int64) for name in ("member", "key")}
                            | {"size": [], "score": [], "span_days": [],
                               "target_pos": pd.Series(dtype=np.int64),
                               "order": pd.Series(dtype=np.int64)})
    return pd.concat(rows, ignore_index=True)

