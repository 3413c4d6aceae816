"""The audit of one account's audience: who follows it, how many are fake, and when
they arrived.

- **Followers** are the accounts with a ``follow`` edge to the target that was not
  undone: an ``unfollow`` edge to the target removes the account unless its latest
  follow is known to come after its latest unfollow (an untimed follow counts as the
  earliest event, an untimed unfollow as the latest). Those removed are reported as
  ``former_followers``; mass followers follow and unfollow, so both numbers matter.
- **Shares**: the expected share of each class is the mean predicted probability over
  the followers. Its interval is the Wilson score interval for a proportion ``m`` with
  ``n`` followers: by the law of total variance the true class of a follower drawn at
  random is Bernoulli(``m``) whatever the spread of the individual probabilities. It
  covers sampling of the audience, not the model's own calibration error.
- **Audience quality** = 100 x expected genuine share (formula ``genuine-share/1``),
  with the interval of that share scaled the same way.
- **Bursts**: ``detector.bursts`` over the times of all follows to the target (former
  followers included: a bought batch that was later dropped is still a burst).
- **Estimated times**: follow times estimated from the follow order
  (``detector.follow_times``, flagged in ``edges.at_estimated``) enter bursts and the
  timeline like observed ones; a burst or timeline that holds any says ``estimated``.
- **Campaigns** and the **follower map**: when the followers have an order (``rank``,
  else ``at``; ``detector.follow_order``), blocks of consecutive followers whose creation
  dates cluster (``detector.campaigns``) with their members' class shares, and every
  follower's place against its creation date (``detector.follower_map``). Without an
  order both are empty (``[]`` and ``None``) at the cost of one pass over the edges.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from statistics import NormalDist

import numpy as np

from detector.bursts import Burst, bin_counts, find_bursts, timeline_width
from detector.campaign_scan import ScanConfig
from detector.campaigns import find_campaigns
from detector.drivers import Attributor
from detector.errors import GraphValidationError, Issue
from detector.features import SYNC_WINDOW
from detector.follow_order import follow_order
from detector.follower_map import MAX_POINTS, follower_map
from detector.graph import AccountGraph
from detector.reasons import explain
from detector.schema import FOLLOW, UNFOLLOW

QUALITY_FORMULA = "genuine-share/1"
QUALITY_FORMULA_TEXT = "100 x expected share of genuine followers"


@dataclass(frozen=True)
class AuditConfig:
    """Knobs of an audit; the API exposes ``top``, the rest are documented defaults."""

    top: int = 20  # most suspicious followers returned, with reasons
    confidence: float = 0.95  # level of the share intervals
    burst_bin: float = SYNC_WINDOW  # seconds per burst-detection bin
    burst_alpha: float = 0.01  # false-alarm rate of burst detection over all bins
    burst_min_count: int = 10  # fewest follows in a reported burst
    burst_baseline_days: float = 7.0  # half-width of the local baseline window
    timeline_bins: int = 100  # at most this many bins in the arrival timeline
    timeline_recent_days: float = 365.0  # span of the zoomed timeline, up to the last follow
    histogram_bins: int = 10  # bins of the suspicion histogram over [0, 1]
    campaigns: ScanConfig = field(default_factory=ScanConfig)  # campaign detection
    map_points: int = MAX_POINTS  # most followers drawn on the follower map


@dataclass
class Audience:
    """The target's followers as account indices."""

    followers: np.ndarray  # current followers, ascending
    former: np.ndarray  # followed, then unfollowed
    follow_src: np.ndarray  # actor of every follow edge to the target (for arrivals)
    follow_at: np.ndarray  # its time, NaN when unknown
    follow_estimated: np.ndarray  # the time was estimated from the follow order (rank)


@dataclass
class Audit:
    """The result of ``audit``; ``to_dict`` gives the JSON-ready report."""

    target: str
    classes: tuple[str, ...]
    followers: int
    former_followers: int
    shares: dict[str, dict[str, float]]
    quality: dict[str, object]
    bursts: list[dict[str, object]]
    timeline: dict[str, object]
    histogram: dict[str, object]
    suspicious: list[dict[str, object]]
    campaigns: list[dict[str, object]] = field(default_factory=list)
    follower_map: dict[str, object] | None = None
    warnings: list[Issue] = field(default_factory=list)
    uncertain: int = 0  # followers whose verdict the model flags as uncertain

    def to_dict(self) -> dict[str, object]:
        return {
            "target": self.target,
            "followers_analysed": self.followers,
            "former_followers": self.former_followers,
            "uncertain_followers": self.uncertain,
            "shares": self.shares,
            "quality": self.quality,
            "bursts": self.bursts,
            "campaigns": self.campaigns,
            "timeline": self.timeline,
            "score_histogram": self.histogram,
            "suspicious_followers": self.suspicious,
            "follower_map": self.follower_map,
        }


def audience(graph: AccountGraph) -> Audience:
    """Followers of ``graph.target`` (see the module docstring for unfollows)."""
    if graph.target is None:
        raise GraphValidationError(
            [Issue("target", "is required for an audit: the id of the account to audit")],
            "cannot audit this graph",
        )
    e, n, t = graph.edges, graph.num_accounts, graph.target
    to_target = e.dst == t
    follow = np.flatnonzero(to_target & (e.type == FOLLOW))  # rows: cheaper to take than masks
    unfollow = np.flatnonzero(to_target & (e.type == UNFOLLOW))
    last_follow = _latest(e.src[follow], e.at[follow], n, untimed=-np.inf)
    last_unfollow = _latest(e.src[unfollow], e.at[unfollow], n, untimed=np.inf)
    now = ~np.isnan(last_follow) & (np.isnan(last_unfollow) | (last_follow > last_unfollow))
    before = ~np.isnan(last_follow) & ~now
    if not now.any():
        raise GraphValidationError(
            [Issue("target", f"account {graph.target_id!r} has no followers in this graph "
                             "(no follow edge points to it that was not undone)")],
            "cannot audit this graph",
        )
    return Audience(np.flatnonzero(now), np.flatnonzero(before), e.src[follow], e.at[follow],
                    e.at_estimated[follow])


def _latest(src: np.ndarray, at: np.ndarray, n: int, untimed: float) -> np.ndarray:
    """Latest event time per account (``untimed`` for events without a time), NaN if none."""
    out = np.full(n, -np.inf)
    np.maximum.at(out, src, np.where(np.isnan(at), untimed, at))
    seen = np.zeros(n, dtype=bool)
    seen[src] = True
    return np.where(seen, out, np.nan)


def wilson(share: float, n: int, confidence: float = 0.95) -> tuple[float, float]:
    """Wilson score interval of a proportion ``share`` observed over ``n`` draws."""
    z = NormalDist().inv_cdf(0.5 + confidence / 2)
    denom = 1 + z * z / n
    centre = (share + z * z / (2 * n)) / denom
    half = z / denom * np.sqrt(share * (1 - share) / n + z * z / (4 * n * n))
    # At 0 and 1 the bound is exact; rounding would otherwise leave 1e-17 from it.
    low = 0.0 if share <= 0 else max(0.0, float(centre - half))
    high = 1.0 if share >= 1 else min(1.0, float(centre + half))
    return low, high


def audit(
    graph: AccountGraph,
    proba: np.ndarray,
    classes: tuple[str, ...],
    config: AuditConfig | None = None,
    features: np.ndarray | None = None,
    who: Audience | None = None,
    *,
    attribute: Attributor | None = None,
    uncertain: np.ndarray | None = None,
) -> Audit:
    """Audit the audience of ``graph.target`` from per-account class probabilities.

    Args:
        graph: a graph with a ``target``.
        proba: ``[num_accounts, len(classes)]`` probabilities (rows sum to 1).
        classes: class names of ``proba``'s columns; must include ``"genuine"``.
        config: audit knobs (defaults if omitted).
        features: ``compute_features(graph)``, reused for the reasons if given.
        who: ``audience(graph)``, when the caller has it already.
        attribute: how much each input moved the model's score, for the reasons
            (``detector.drivers``; the model gives it).
        uncertain: per account, whether the model flags its verdict as uncertain.

    Raises:
        GraphValidationError: no target, or a target nobody follows.
    """
    config = config or AuditConfig()
    if "genuine" not in classes:
        raise ValueError(f"an audit needs a 'genuine' class, the model has {classes}")
    if proba.shape != (graph.num_accounts, len(classes)):
        raise ValueError(f"proba has shape {proba.shape}, expected "
                         f"({graph.num_accounts}, {len(classes)})")
    who = audience(graph) if who is None else who
    p = proba[who.followers].astype(np.float64)
    n = len(who.followers)
    genuine = classes.index("genuine")
    shares = {}
    for k, name in enumerate(classes):
        m = float(p[:, k].mean())
        low, high = wilson(m, n, config.confidence)
        shares[name] = {"share": round(m, 4), "low": round(low, 4), "high": round(high, 4)}
    g = shares["genuine"]
    quality = {
        "score": round(100 * g["share"], 1),
        "low": round(100 * g["low"], 1),
        "high": round(100 * g["high"], 1),
        "formula": QUALITY_FORMULA,
        "definition": QUALITY_FORMULA_TEXT,
        "confidence": config.confidence,
    }
    suspicion = 1.0 - proba[:, genuine].astype(np.float64)
    warnings = []
    untimed = int(np.isnan(who.follow_at).sum())
    if untimed:
        warnings.append(Issue("edges", f"{untimed} follows of the target have no time; "
                                       "they count as followers but not in bursts or the timeline"))
    order = follow_order(graph)
    campaigns = find_campaigns(graph, config.campaigns, order) if order is not None else []
    return Audit(
        target=graph.target_id or "",
        classes=classes,
        followers=n,
        former_followers=len(who.former),
        shares=shares,
        quality=quality,
        bursts=_bursts(who, proba, classes, config),
        timeline=_timeline(who, suspicion, config.timeline_bins, config.timeline_recent_days),
        histogram=_histogram(suspicion[who.followers], config.histogram_bins),
        suspicious=_suspicious(graph, who, proba, classes, suspicion, config.top, features,
                               attribute, uncertain),
        campaigns=[c.to_dict(proba, classes) for c in campaigns],
        follower_map=(None if order is None else
                      follower_map(graph, order, proba, classes, config.map_points)),
        warnings=warnings,
        uncertain=0 if uncertain is None else int(uncertain[who.followers].sum()),
    )


def _bursts(who: Audience, proba: np.ndarray, classes: tuple[str, ...],
            config: AuditConfig) -> list[dict[str, object]]:
    timed = ~np.isnan(who.follow_at)
    src, at = who.follow_src[timed], who.follow_at[timed]
    estimated = who.follow_estimated[timed]
    found: list[Burst] = find_bursts(at, config.burst_bin, config.burst_alpha,
                                     config.burst_min_count, config.burst_baseline_days)
    out = []
    for b in found:
        inside = (at >= b.start) & (at < b.end)
        accounts = np.unique(src[inside])
        mean = proba[accounts].mean(axis=0)
        out.append({
            "start": iso(b.start),
            "end": iso(b.end),
            "follows": b.count,
            "expected": round(b.expected, 2),
            "p_value": float(f"{b.p_value:.3g}"),
            "accounts": len(accounts),
            "shares": {name: round(float(v), 4) for name, v in zip(classes, mean, strict=True)},
            "estimated": bool(estimated[inside].any()),
        })
    return out


def _timeline(who: Audience, suspicion: np.ndarray, max_bins: int,
              recent_days: float) -> dict[str, object]:
    """Arrivals over the whole history, plus ``recent``: the last ``recent_days`` in finer
    bins, where a burst of hours still stands out against years of history."""
    timed = ~np.isnan(who.follow_at)
    at, src = who.follow_at[timed], who.follow_src[timed]
    estimated = who.follow_estimated[timed]
    recent = at >= at.max() - recent_days * 86_400.0 if len(at) else np.zeros(0, dtype=bool)
    return {**_binned(at, src, estimated, suspicion, max_bins),
            "recent": {"days": recent_days,
                       **_binned(at[recent], src[recent], estimated[recent], suspicion,
                                 max_bins)}}


def _binned(at: np.ndarray, src: np.ndarray, estimated: np.ndarray, suspicion: np.ndarray,
            max_bins: int) -> dict[str, object]:
    """Follows per bin; ``estimated`` says whether any of their times was estimated."""
    if len(at) == 0:
        return {"start": None, "bin_seconds": None, "follows": [], "expected_suspicious": [],
                "estimated": False}
    start, width, counts = bin_counts(at, timeline_width(at, max_bins))
    index = ((at - start) // width).astype(np.int64)
    expected = np.bincount(index, weights=suspicion[src], minlength=len(counts))
    return {
        "start": iso(start),
        "bin_seconds": width,
        "follows": counts.tolist(),
        "expected_suspicious": np.round(expected, 2).tolist(),
        "estimated": bool(estimated.any()),
    }


def _histogram(values: np.ndarray, bins: int) -> dict[str, object]:
    counts, edges = np.histogram(values, bins=bins, range=(0.0, 1.0))
    return {"of": "1 - p(genuine)", "edges": np.round(edges, 4).tolist(), "counts": counts.tolist()}


def _suspicious(graph: AccountGraph, who: Audience, proba: np.ndarray, classes: tuple[str, ...],
                suspicion: np.ndarray, top: int, features: np.ndarray | None,
                attribute: Attributor | None,
                uncertain: np.ndarray | None) -> list[dict[str, object]]:
    followers = who.followers
    order = np.argsort(-suspicion[followers], kind="stable")[:top]
    rows = followers[order]
    labels = [classes[k] for k in proba[rows].argmax(axis=1).tolist()]
    reasons = explain(graph, labels, rows, features=features, attribute=attribute)
    scores = np.round(proba[rows].astype(np.float64), 4).tolist()
    ids = graph.ids[rows].tolist()
    unsure = (np.zeros(len(rows), bool) if uncertain is None else uncertain[rows]).tolist()
    return [
        {"id": i, "label": label, "suspicion": round(float(suspicion[r]), 4),
         "scores": dict(zip(classes, s, strict=True)), "uncertain": u, "reasons": why}
        for i, r, label, s, u, why in zip(ids, rows.tolist(), labels, scores, unsure, reasons,
                                          strict=True)
    ]


def iso(seconds: float) -> str:
    """Epoch seconds as an ISO-8601 UTC string (whole seconds)."""
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(round(seconds)))
