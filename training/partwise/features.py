"""A part's feature rows, equal to ``detector.features.compute_features`` on the whole graph.

A part holds its accounts, their inbound edges (``training.partwise.inbound``) and their
outbound edges with the target-side values attached. From these, by kind of feature:

- **own row** (profile, flags; age at the whole graph's reference time) and **one hop**
  (degrees, interaction counts, reciprocity, churn, follow rate, time-missing): exact
  from ``detector.features``' own helpers on the part's local graph (its accounts, their
  edges both ways, the other ends as bare stubs), whose rows for the part's accounts
  see every edge those rows depend on;
- **target-side per edge** (lockstep: ``sync_*``, ``like_sync_mean``,
  ``lockstep_excess*``, ``lockstep_cohort``): each edge's value comes from the part
  owning its target; here they are averaged or maximised per source, as
  ``detector.lockstep`` does;
- **campaigns**: memberships found in the follower lists of every part; an account keeps
  its largest campaign, ties to the first list in account order (``campaign_membership``);
- **global** (``creation_excess``, ``log_creation_batch``, and whether the graph has any
  interaction for ``engagement_rate``): from one pass over the creation dates of all
  accounts (``creation_columns``) and one flag gathered from every part.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from detector import features
from detector.features import FEATURE_NAMES
from detector.graph import AccountGraph, Accounts, Edges
from detector.lockstep import creation_batch_sizes, creation_excess
from detector.schema import FOLLOW, INTERACTIONS
from training.partwise.inbound import EDGE_VALUES


def no_outbound() -> pd.DataFrame:
    """The outbound edges of a part that receives none (``inbound.outbound_edges``'
    columns, and the ``owner`` of each edge's target)."""
    return pd.DataFrame(
        {name: pd.Series(dtype=np.int64) for name in ("source", "target", "type", "weight",
                                                      "owner")}
        | {name: pd.Series(dtype=np.float64) for name in ("at", *EDGE_VALUES)})


def creation_columns(created: list[np.ndarray]) -> list[tuple[np.ndarray, np.ndarray]]:
    """``(creation_excess, creation batch size)`` of every account, per part: the one
    step that reads a column of the whole graph (8 bytes per account)."""
    every = np.concatenate(created) if created else np.zeros(0)
    excess, batch = creation_excess(every), creation_batch_sizes(every)
    bounds = np.cumsum([0] + [len(c) for c in created])
    return [(excess[a:b], batch[a:b]) for a, b in zip(bounds[:-1], bounds[1:], strict=True)]


@dataclass
class LocalGraph:
    """A part's accounts and every edge touching them. Edges index ``num_accounts``
    accounts: the part's own first (``accounts``, with their fields), then the other
    ends, which no feature of the part's accounts reads a field of: they are only
    indices here, not rows of an account table."""

    accounts: Accounts  # the part's own accounts
    edges: Edges
    num_accounts: int
    reference: float  # the whole graph's reference time

    @property
    def ids(self) -> np.ndarray:
        """The part's own accounts' ids."""
        return self.accounts.ids


def local_graph(accounts: Accounts, inbound: Edges, keys: np.ndarray, owner: np.ndarray,
                outbound: pd.DataFrame, reference: float
                ) -> tuple[LocalGraph, np.ndarray, np.ndarray]:
    """The part's ``accounts``, every edge touching them, and indices for the other
    ends; observed at the whole graph's ``reference`` time.

    ``inbound``: the edges pointing at ``accounts``, indexing ``keys`` and ``owner``
    (each inbound account's place in the input and owning part, the part's own first);
    ``outbound`` carries keys and its targets' ``owner``. Returns the graph and the keys
    and owners of its accounts."""
    core = len(accounts)
    external = outbound.loc[pd.Index(keys[:core]).get_indexer(outbound["target"]) < 0,
                            ["source", "target", "type", "at", "weight", "owner"]]
    every = pd.DataFrame({"key": np.concatenate([keys, external["target"].to_numpy()]),
                          "owner": np.concatenate([owner, external["owner"].to_numpy()])})
    every = every.drop_duplicates("key", ignore_index=True)  # core rows stay first
    index = pd.Index(every["key"])
    e = inbound
    src = np.concatenate([index.get_indexer(keys[e.src]),
                          index.get_indexer(external["source"])])
    dst = np.concatenate([e.dst, index.get_indexer(external["target"])])
    edges = Edges(src=src, dst=dst,
                  type=np.concatenate([e.type, external["type"].to_numpy(np.int8)]),
                  at=np.concatenate([e.at, external["at"].to_numpy(np.float64)]),
                  weight=np.concatenate([e.weight, external["weight"].to_numpy(np.int64)]),
                  # No feature of a part's accounts reads the rank of an edge to another
                  # part's account (follow times were estimated where the list was whole).
                  rank=np.concatenate([e.rank, np.full(len(external), -1, np.int64)]),
                  at_estimated=np.zeros(len(src), bool))
    return (LocalGraph(accounts, edges, len(every), reference), every["key"].to_numpy(),
            every["owner"].to_numpy())


def lockstep_columns(outbound: pd.DataFrame, keys: np.ndarray) -> dict[str, np.ndarray]:
    """The lockstep columns of the part's accounts (``keys``, in order) from the values
    of their ``outbound`` edges: computed first, so the values need not wait for the
    local graph."""
    return _lockstep(pd.Index(keys).get_indexer(outbound["source"]), outbound, len(keys))


def part_features(graph: LocalGraph, keys: np.ndarray, core: int, campaigns: pd.DataFrame,
                  computed: dict[str, np.ndarray]) -> np.ndarray:
    """Raw features of the first ``core`` accounts of ``local_graph``'s ``graph``, as
    ``compute_features`` lays them out: the own-row columns here, the campaigns from
    their memberships, the rest ``computed`` (``exchange_columns`` or the Ray Data pass,
    ``training.partwise.dataset``)."""
    own = AccountGraph(graph.accounts, Edges.empty(), None, graph.reference)
    values = features._profile(own)
    values.update(computed)
    values.update(_campaigns(pd.Index(keys[:core]), campaigns, core))
    out = np.empty((len(FEATURE_NAMES), core), dtype=np.float32)
    for row, name in zip(out, FEATURE_NAMES, strict=True):
        row[...] = values[name][:core]
    np.nan_to_num(out, copy=False, nan=0.0, posinf=0.0, neginf=0.0)
    return out.T.copy()


def exchange_columns(graph: LocalGraph, core: int, lockstep: dict[str, np.ndarray],
                     creation: tuple[np.ndarray, np.ndarray], any_interaction: bool
                     ) -> dict[str, np.ndarray]:
    """The one-hop, lockstep (``lockstep_columns``), creation (``creation_columns``) and
    engagement columns of the first ``core`` accounts, from the part's local graph."""
    values = _one_hop(graph, core)
    values.update(lockstep)
    values["creation_excess"], batch = creation
    values["log_creation_batch"] = np.log1p(batch)
    values["engagement_rate"] = _engagement(graph, core, any_interaction)
    return values


def _one_hop(graph: LocalGraph, core: int) -> dict[str, np.ndarray]:
    """The one-hop columns of ``compute_features`` for the first ``core`` accounts (and
    the stubs, unused), by its own helpers (the rest, target-side and global, would be
    wrong on a part and cost most)."""
    kinds = features._Kinds.of(graph.edges)
    # ``_graph`` reads only the edges and the account count: a ``LocalGraph`` is enough.
    values = features._graph(graph, kinds)
    e, n = graph.edges, graph.num_accounts
    follow = kinds.follow
    f_out = np.bincount(e.src[follow], minlength=n).astype(np.float64)
    unfollows = np.bincount(e.src[kinds.unfollow], minlength=n)
    given = np.bincount(e.src[kinds.interact],
                        weights=e.weight[kinds.interact].astype(np.float64), minlength=n)
    timed = np.bincount(e.src[follow], weights=~np.isnan(e.at[follow]), minlength=n)
    values.update(time_missing=(f_out > 0) & (timed == 0),
                  churn=np.minimum(unfollows / np.maximum(f_out, 1.0), 1.0),
                  log_follow_rate=np.log1p(features._rate(e.src[follow], e.at[follow], n)),
                  interactions_per_follow=np.log1p(given / np.maximum(f_out, 1.0)))
    return values


def _lockstep(src: np.ndarray, out: pd.DataFrame, n: int) -> dict[str, np.ndarray]:
    timed = ~np.isnan(out["at"].to_numpy())
    kind = out["type"].to_numpy()
    follow = (kind == FOLLOW) & timed
    interact = np.isin(kind, INTERACTIONS) & timed

    def mean_max(mask: np.ndarray, name: str) -> tuple[np.ndarray, np.ndarray]:
        owner, value = src[mask], out[name].to_numpy()[mask]
        k = np.bincount(owner, minlength=n)
        peak = np.zeros(n)
        np.maximum.at(peak, owner, value)
        return np.bincount(owner, weights=value, minlength=n) / np.maximum(k, 1), peak

    sync_mean, sync_max = mean_max(follow, "sync")
    excess_mean, excess_max = mean_max(follow, "excess")
    return {"sync_mean": sync_mean, "sync_max": sync_max,
            "like_sync_mean": mean_max(interact, "like_sync")[0],
            "lockstep_excess": excess_max, "lockstep_excess_mean": excess_mean,
            "lockstep_cohort": mean_max(follow, "cohort")[1]}


def _campaigns(index: pd.Index, rows: pd.DataFrame, n: int) -> dict[str, np.ndarray]:
    size, score, span = np.zeros(n), np.zeros(n), np.full(n, np.nan)
    if len(rows):
        best = rows.sort_values(["size", "target_pos", "order"], ascending=[False, True, True],
                                kind="stable").drop_duplicates("key")
        at = index.get_indexer(best["key"])
        size[at], score[at] = best["size"].to_numpy(), best["score"].to_numpy()
        span[at] = best["span_days"].to_numpy()
    return {"log_campaign_size": np.log1p(size), "campaign_score": np.log1p(score),
            "log_campaign_span": np.log1p(np.nan_to_num(span))}


def _engagement(graph: LocalGraph, n: int, any_interaction: bool) -> np.ndarray:
    """``engagement_rate`` of the first ``n`` accounts; 0 when the whole graph has no
    interaction edge (a part without one may still belong to a graph with some)."""
    if not any_interaction:
        return np.zeros(n)
    e = graph.edges
    inward = e.dst < n
    interact, follow = np.flatnonzero(e.interactions() & inward), np.flatnonzero(
        (e.type == FOLLOW) & inward)
    received = np.bincount(e.dst[interact], weights=e.weight[interact].astype(np.float64),
                           minlength=n)
    audience = np.fmax(np.fmax(graph.accounts.counts["followers_count"][:n], 0.0),
                       np.bincount(e.dst[follow], minlength=n))
    return np.log1p(received) - np.log1p(audience)

