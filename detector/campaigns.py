"""Campaigns: bought followers delivered as a block of consecutive follows whose
creation dates cluster (the streaks of the follower map; the statistics are in
``detector.campaign_scan``, the reasoning and measured error rates in docs/campaigns.md).

- ``find_campaigns(graph)``: the campaigns among the followers of ``graph.target``, in
  follow order (``detector.follow_order``: by ``rank``, else by ``at``).
- ``campaign_membership(graph)``: per account, the size, score and creation span of
  the campaign it belongs to (0 / NaN if none), as model features.
- ``campaign_reason(membership, row)``: the sentence the reasons show for a member.

A campaign's *members* are the followers whose creation date lies in the block's
cluster; genuine followers that arrived in between and followers without a creation date
are not members, but count in ``in_range`` (every follow from ``rank_from`` to
``rank_to``). ``p_value`` is the cell p-value that found the block (the larger of its
two views) and ``false_alarm_rate`` its Bonferroni bound over the list,
``min(1, p_value x cells tested)``: the chance that a list of this length without any
campaign shows a block at least this tight somewhere. It is per list, not per campaign.
"""

from __future__ import annotations

import hashlib
import math
import threading
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np

from detector.campaign_scan import ScanConfig, ScanResult, scan
from detector.follow_order import FollowOrder, follow_order, follow_orders, ordered_targets
from detector.graph import AccountGraph

#: ``score`` is -log10(p_value), at most this (p-values underflow to 0 for big blocks).
MAX_SCORE = 300.0
#: In a graph without a target, lists shorter than this are not scanned for features.
MIN_LIST = 100
DAY = 86_400.0


@dataclass(frozen=True)
class Campaign:
    """One block of a target's followers; places and times as in ``FollowOrder``."""

    rank_from: int  # place of the first member (0 = the oldest follower)
    rank_to: int  # place of the last member (inclusive)
    members: np.ndarray  # account rows of the members, in follow order
    in_range: int  # follows from rank_from to rank_to, members or not
    created_from: float  # earliest creation date of a member (epoch seconds)
    created_to: float  # latest
    arrived_from: float  # earliest follow time of a member (NaN when none is known)
    arrived_to: float  # latest
    estimated: bool  # some of those follow times were estimated from the order
    p_value: float
    false_alarm_rate: float  # per list (module docstring)

    @property
    def size(self) -> int:
        return len(self.members)

    @property
    def score(self) -> float:
        """-log10 of ``p_value``: 9 means one in a billion."""
        return MAX_SCORE if self.p_value <= 0 else min(MAX_SCORE, -math.log10(self.p_value))

    def to_dict(self, proba: np.ndarray, classes: tuple[str, ...]) -> dict[str, object]:
        """The audit's JSON record, with the members' mean class probabilities
        (``shares``) and the share the model calls bought (``bought_share``)."""
        p = proba[self.members].astype(np.float64)
        bought = (p.argmax(axis=1) == classes.index("bought")).mean() \
            if "bought" in classes else 0.0
        return {
            "rank_from": self.rank_from, "rank_to": self.rank_to, "size": self.size,
            "in_range": self.in_range,
            "created_from": _iso(self.created_from), "created_to": _iso(self.created_to),
            "arrived_from": _iso(self.arrived_from), "arrived_to": _iso(self.arrived_to),
            "estimated": self.estimated,
            "shares": {c: round(float(v), 4) for c, v in zip(classes, p.mean(axis=0),
                                                             strict=True)},
            "bought_share": round(float(bought), 4),
            "score": round(self.score, 2),
            "p_value": float(f"{self.p_value:.3g}"),
            "false_alarm_rate": float(f"{self.false_alarm_rate:.3g}"),
        }


def find_campaigns(graph: AccountGraph, config: ScanConfig | None = None,
                   order: FollowOrder | None = None) -> list[Campaign]:
    """The campaigns among the followers of ``graph.target``, in follow order.

    Args:
        graph: a validated graph (estimated follow times applied, as every reader does).
        config: the scan's knobs.
        order: ``follow_order(graph)``, when the caller has it already; another
            target's order gives that target's campaigns.

    Returns:
        No campaign when the graph has no target or its followers have no order.
    """
    order = follow_order(graph) if order is None else order
    if order is None or len(order) == 0:
        return []
    created = graph.accounts.created_at[order.src]
    result = _scan(created, config)
    if result.count == 0:
        return []
    members = np.flatnonzero(result.group >= 0)
    members = members[np.argsort(result.group[members], kind="stable")]  # by id, then place
    bounds = np.searchsorted(result.group[members], np.arange(result.count + 1))
    out = []
    for k in range(result.count):
        rows = members[bounds[k]:bounds[k + 1]]
        out.append(_campaign(order, created, rows, float(result.p_value[rows].min()),
                             result.tests))
    return out


#: Scans kept by ``_scan``: the features and the audit of one request scan the same list.
_SCANS: OrderedDict[tuple[bytes, ScanConfig | None], ScanResult] = OrderedDict()
_KEEP = 4
_SCANS_LOCK = threading.Lock()


def _scan(created: np.ndarray, config: ScanConfig | None) -> ScanResult:
    """``scan``, remembering the last few lists by a digest of their creation dates: the
    features and the audit of one request ask for the same scan (1 ms of 20 for a
    1,000-follower audit, 3 s at a million)."""
    key = (hashlib.blake2b(np.ascontiguousarray(created).tobytes(), digest_size=16).digest(),
           config)
    with _SCANS_LOCK:
        found = _SCANS.get(key)
    if found is None:
        found = scan(created, config)
        with _SCANS_LOCK:
            _SCANS[key] = found
            while len(_SCANS) > _KEEP:
                _SCANS.popitem(last=False)
    return found


def _campaign(order: FollowOrder, created: np.ndarray, rows: np.ndarray, p: float,
              tests: int) -> Campaign:
    first, last = int(rows[0]), int(rows[-1])
    at = order.at[rows]
    timed = ~np.isnan(at)
    return Campaign(
        rank_from=int(order.place[first]), rank_to=int(order.place[last]),
        members=order.src[rows], in_range=last - first + 1,
        created_from=float(created[rows].min()), created_to=float(created[rows].max()),
        arrived_from=float(at[timed].min()) if timed.any() else math.nan,
        arrived_to=float(at[timed].max()) if timed.any() else math.nan,
        estimated=bool(order.estimated[rows].any()),
        p_value=p, false_alarm_rate=min(1.0, p * tests),
    )


def campaign_membership(graph: AccountGraph, config: ScanConfig | None = None,
                        min_list: int = MIN_LIST) -> dict[str, np.ndarray]:
    """Per account (row), what it would take as model features:

    - ``campaign_size``: members of the campaign it belongs to (0 if none);
    - ``campaign_score``: that campaign's ``score`` (0 if none);
    - ``campaign_span_days``: the days between its members' first and last creation
      date (NaN if none).

    The lists scanned are the followers of ``graph.target``; a graph without a target
    (training data) has every account with at least ``min_list`` ordered followers
    scanned. An account in campaigns of several lists keeps the largest.

    Shapes:
        each array: [num_accounts].
    """
    n = graph.num_accounts
    size, score = np.zeros(n), np.zeros(n)
    span = np.full(n, np.nan)
    orders = ([follow_order(graph)] if graph.target is not None
              else follow_orders(graph, ordered_targets(graph, min_list)))
    for order in orders:
        for c in find_campaigns(graph, config, order):
            bigger = size[c.members] < c.size
            rows = c.members[bigger]
            size[rows] = c.size
            score[rows] = c.score
            span[rows] = (c.created_to - c.created_from) / DAY
    return {"campaign_size": size, "campaign_score": score, "campaign_span_days": span}


def campaign_reason(membership: dict[str, np.ndarray], row: int) -> str | None:
    """The reason sentence for account ``row`` ("arrived in a block of 900 followers
    created within the same month"), or ``None`` when it is in no campaign."""
    size = int(membership["campaign_size"][row])
    if size <= 0:
        return None
    span = within(float(membership["campaign_span_days"][row]))
    return f"arrived in a block of {size:,} followers created {span}"


def within(days: float) -> str:
    """``within the same day`` ... ``within 3 years``: a creation span in words."""
    if days <= 1:
        return "within the same day"
    if days <= 7:
        return "within the same week"
    if days <= 31:
        return "within the same month"
    if days <= 365:
        return f"within {math.ceil(days / 30.44)} months"
    return f"within {math.ceil(days / 365.25)} years"


def _iso(seconds: float) -> str | None:
    if math.isnan(seconds):
        return None
    return np.datetime_as_string(np.datetime64(round(seconds), "s")) + "Z"
