"""Observation views: what a user can see of a simulated world.

The simulator builds the whole truth: every follow with its time, every profile field.
Users see much less (issue "Trust on real data"):

- ``full``: the graph with timestamps (a platform's own data, a research crawl);
- ``untimed``: the same edges without times (most crawls: who follows whom, not when);
- ``follower_list``: one target's followers and nothing else, in follow order but
  without times (X's ``followers/ids``, Instagram and TikTok lists);
- ``profiles``: a bare list of profiles, no edges at all (the commonest real input);
  ``counts_only`` keeps of each profile only its followers, following and posts counts.

On top of the edge view, the platform may go unsaid (a user who does not tell us, or a
platform we do not know), profile fields go missing at the view's rates (a collector
that never reads creation dates, a platform that hides likes), private accounts' own
follow lists are unreadable, and only a share of the remaining edges may be seen (a
partial crawl leaves most accounts isolated, as in Cresci-2015), and creation dates may
carry the day only (Cresci-2015, Instagram's "joined" month).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from detector.features import name_counts
from detector.follow_times import with_estimated_times
from detector.graph import AccountGraph, Accounts, Edges
from detector.schema import FOLLOW

DAY = 86_400.0

EDGE_VIEWS = ("full", "untimed", "follower_list", "profiles")
#: Account fields a view may hide (``Accounts`` counts, flags, texts, or created_at).
HIDEABLE = ("followers_count", "following_count", "posts_count", "likes_count",
            "listed_count", "has_avatar", "verified", "private", "username", "bio",
            "created_at")
#: The profile fields a bare list of counts holds (``counts_only``).
COUNTS = ("followers_count", "following_count", "posts_count")


@dataclass(frozen=True)
class View:
    """How a user observes a simulated graph."""

    edges: str = "full"  # one of EDGE_VIEWS
    edge_share: float = 1.0  # share of the (remaining) edges a partial crawl sees
    missing: dict[str, float] = field(default_factory=dict)  # field -> share hidden
    private_edges: bool = True  # False: private accounts' own follows are unreadable
    created_by_day: bool = False  # creation dates without a time of day (midnight UTC)
    # Share of hidden user names whose length and digit count stay published
    name_counts: float = 0.0
    platform: bool = True  # False: the accounts do not say which platform they are on

    def __post_init__(self) -> None:
        if self.edges not in EDGE_VIEWS:
            raise ValueError(f"edges must be one of {', '.join(EDGE_VIEWS)}, got {self.edges!r}")
        if not 0.0 <= self.edge_share <= 1.0:
            raise ValueError(f"edge_share must lie in [0, 1], got {self.edge_share}")
        unknown = sorted(set(self.missing) - set(HIDEABLE))
        if unknown:
            raise ValueError(f"missing names unknown fields: {', '.join(unknown)}")
        bad = {k: v for k, v in self.missing.items() if not 0.0 <= v <= 1.0}
        if bad:
            raise ValueError(f"missing shares must lie in [0, 1], got {bad}")
        if not 0.0 <= self.name_counts <= 1.0:
            raise ValueError(f"name_counts must lie in [0, 1], got {self.name_counts}")


def observe(graph: AccountGraph, view: View, rng: np.random.Generator) -> AccountGraph:
    """``graph`` as ``view`` lets a user see it (a new graph; ``graph`` is not changed).

    Raises:
        ValueError: a ``follower_list`` view of a graph without a target.
    """
    accounts = graph.accounts.take(np.arange(graph.num_accounts))
    edges = _edges(graph, view, rng)
    names = accounts.texts["username"].copy() if view.name_counts > 0 else None
    for name, share in view.missing.items():
        hide(accounts, name, rng.random(len(accounts)) < share)
    if view.name_counts > 0:
        publish_name_counts(accounts, names, rng.random(len(accounts)) < view.name_counts)
    if view.created_by_day:
        accounts.created_at = np.floor(accounts.created_at / DAY) * DAY
    if not view.platform:
        accounts.platform[:] = -1
    seen = AccountGraph(accounts, edges, graph.target, graph.observed_at)
    return with_estimated_times(seen) if view.edges == "follower_list" else seen


def counts_only(graph: AccountGraph) -> AccountGraph:
    """``graph`` as a bare list of counts, the shape many audits and exports have
    (issue "Trust on real data"): no edge, and of each profile only ``COUNTS``; every
    other count, flag, text and the creation date unknown. Deterministic, so a training
    world seen this way leaves the random draws of the others as they were."""
    n = graph.num_accounts
    accounts = graph.accounts.take(np.arange(n))
    accounts.counts = {name: values if name in COUNTS else np.full(n, np.nan)
                       for name, values in accounts.counts.items()}
    accounts.flags = {name: np.full(n, np.nan) for name in accounts.flags}
    accounts.texts = {name: np.full(n, None, dtype=object) for name in accounts.texts}
    accounts.created_at = np.full(n, np.nan)
    return AccountGraph(accounts, Edges.empty(), graph.target, graph.observed_at)


def _edges(graph: AccountGraph, view: View, rng: np.random.Generator) -> Edges:
    e = graph.edges
    if view.edges == "profiles":
        return Edges.empty()
    keep = np.ones(len(e), bool)
    if view.edges == "follower_list":
        if graph.target is None:
            raise ValueError("a follower_list view needs a graph with a target")
        keep = (e.type == FOLLOW) & (e.dst == graph.target)
    if not view.private_edges:
        private = np.nan_to_num(graph.accounts.flags["private"]) > 0
        # A private account's own lists are closed; the target still lists it as follower.
        keep &= ~private[e.src] | ((e.type == FOLLOW) & (e.dst == graph.target))
    if view.edge_share < 1.0:
        keep &= rng.random(len(e)) < view.edge_share
    out = e.take(np.flatnonzero(keep))
    if view.edges == "follower_list":
        # The list comes in follow order (ranks from the true times, 0 = oldest), without
        # the times; the detector estimates them from the order, as for a real list.
        # Ranked as a platform lists them: newest first (a follow the simulator left
        # untimed at the end, as the oldest), then counted from the end, 0 = oldest.
        when = np.where(np.isnan(out.at), -np.inf, out.at)
        newest_first = np.argsort(-when, kind="stable")
        out.rank = np.empty(len(out), np.int64)
        out.rank[newest_first] = len(out) - 1 - np.arange(len(out))
    if view.edges in ("untimed", "follower_list"):
        out.at = np.full(len(out), np.nan)
    return out


def publish_name_counts(accounts: Accounts, names: np.ndarray, chosen: np.ndarray) -> None:
    """Where a user name is hidden but was there (``names``) and ``chosen``, publish its
    length and digit count instead (``username_length``, ``username_digits``)."""
    rows = np.flatnonzero(chosen & np.equal(accounts.texts["username"], None)
                          & np.not_equal(names, None))
    length, digits = name_counts(names[rows])
    accounts.counts["username_length"][rows] = length
    accounts.counts["username_digits"][rows] = digits


def hide(accounts: Accounts, name: str, gone: np.ndarray) -> None:
    """Make field ``name`` (one of ``HIDEABLE``) unknown where ``gone`` is true."""
    if name in accounts.counts:
        accounts.counts[name][gone] = np.nan
    elif name in accounts.flags:
        accounts.flags[name][gone] = np.nan
    elif name in accounts.texts:
        accounts.texts[name][gone] = None
    elif name == "created_at":
        accounts.created_at[gone] = np.nan
    else:
        raise ValueError(f"cannot hide unknown field {name!r}")
