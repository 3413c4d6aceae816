"""The account features of ``detector.features``, written the straightforward way with
networkx: one Python pass per account over its edges in a ``MultiDiGraph``.

This is the obvious alternative the benchmark compares our vectorised code with
(``benchmarks.perf.features``). It must give the same numbers (``np.allclose``), so it
follows every definition of ``detector.features`` exactly, including its edge cases:
missing values give 0 plus a ``*_missing`` flag, lockstep windows include both ends,
reciprocity counts every follow edge whose reverse follow exists.
"""

from __future__ import annotations

import bisect
import math
from collections import defaultdict

import networkx as nx
import numpy as np

from detector.campaigns import campaign_membership
from detector.features import (
    BATCH_WINDOW,
    DAY,
    FEATURE_NAMES,
    MASS_FOLLOW_THRESHOLD,
    SYNC_WINDOW,
    YEAR_DAYS,
)
from detector.graph import AccountGraph, Accounts, Edges
from detector.lockstep import (
    BATCH_BASELINE,
    COHORT_CREATED,
    COHORT_WINDOW,
    SLACK,
    SYNC_BASELINE,
)
from detector.schema import FOLLOW, INTERACTIONS, PLATFORMS, UNFOLLOW

_COUNTS = ("followers_count", "following_count", "posts_count", "likes_count",
           "listed_count", "username_length", "username_digits")


def to_networkx(graph: AccountGraph) -> nx.MultiDiGraph:
    """The graph as a ``MultiDiGraph``: node attributes are the account fields (``None``
    when missing), edge attributes ``type``, ``at`` (``None`` when missing) and ``weight``."""
    a, e = graph.accounts, graph.edges
    g = nx.MultiDiGraph(observed_at=None if math.isnan(graph.observed_at) else graph.observed_at,
                        target=graph.target)
    columns = {name: a.counts[name].tolist() for name in _COUNTS}
    columns.update({name: a.flags[name].tolist() for name in a.flags})
    columns.update({name: a.texts[name].tolist() for name in a.texts})
    columns["created_at"] = a.created_at.tolist()
    columns["platform"] = [PLATFORMS[c] if c >= 0 else None for c in a.platform.tolist()]
    for i in range(graph.num_accounts):
        attrs = {}
        for name, values in columns.items():
            v = values[i]
            attrs[name] = None if isinstance(v, float) and math.isnan(v) else v
        g.add_node(i, **attrs)
    for s, d, t, at, w, r in zip(e.src.tolist(), e.dst.tolist(), e.type.tolist(),
                                 e.at.tolist(), e.weight.tolist(), e.rank.tolist(), strict=True):
        g.add_edge(s, d, type=t, at=None if math.isnan(at) else at, weight=w, rank=r)
    return g


def nx_features(g: nx.MultiDiGraph) -> np.ndarray:
    """Features of every node of ``g`` (nodes ``0..N-1``), shape ``[N, F]``, float32."""
    now = _reference_time(g)
    sync = _lockstep(g, lambda t: t == FOLLOW)
    like_sync = _lockstep(g, lambda t: t in INTERACTIONS)
    excess = _lockstep(g, lambda t: t == FOLLOW, excess=True)
    batch = _creation_batches(g)
    batch_excess = _creation_excess(g)
    cohort = _cohort(g)
    interactions = any(d["type"] in INTERACTIONS for _, _, d in g.edges(data=True))
    # Campaigns are a statistical scan of follow order, not a graph count: the reference
    # takes them from detector.campaigns (tested in tests/detector/test_campaigns.py).
    campaigns = _campaign_features(g)
    rows = []
    for u in range(g.number_of_nodes()):
        values = {**_profile(g.nodes[u], now), **_graph(g, u),
                  **_time(g, u, g.nodes[u], interactions)}
        values["sync_mean"], values["sync_max"] = sync.get(u, (0.0, 0.0))
        values["like_sync_mean"] = like_sync.get(u, (0.0, 0.0))[0]
        values["lockstep_excess_mean"], values["lockstep_excess"] = excess.get(u, (0.0, 0.0))
        values["log_creation_batch"] = math.log1p(batch.get(u, 0))
        values["creation_excess"] = batch_excess.get(u, 0.0)
        values["lockstep_cohort"] = cohort.get(u, 0.0)
        values.update({name: float(column[u]) for name, column in campaigns.items()})
        rows.append([_finite(values[name]) for name in FEATURE_NAMES])
    return np.array(rows, dtype=np.float64).reshape(-1, len(FEATURE_NAMES)).astype(np.float32)


def _finite(value: float) -> float:
    value = float(value)
    return value if math.isfinite(value) else 0.0


def _log(value: float | None) -> float:
    return math.log1p(max(value, 0.0)) if value is not None else 0.0


def _reference_time(g: nx.MultiDiGraph) -> float | None:
    if g.graph.get("observed_at") is not None:
        return g.graph["observed_at"]
    stamps = [t for _, t in g.nodes(data="created_at") if t is not None]
    stamps += [t for _, _, t in g.edges(data="at") if t is not None]
    return max(stamps) if stamps else None


def _profile(node: dict, now: float | None) -> dict[str, float]:
    out = {}
    for short in ("followers", "following", "posts", "likes", "listed"):
        value = node[f"{short}_count"]
        out[f"log_{short}"] = _log(value)
        out[f"{short}_missing"] = value is None
    both = node["followers_count"] is not None and node["following_count"] is not None
    out["follow_ratio"] = out["log_followers"] - out["log_following"] if both else 0.0
    out["mass_following"] = (node["following_count"] or 0) > MASS_FOLLOW_THRESHOLD
    age = None
    if node["created_at"] is not None and now is not None:
        age = max((now - node["created_at"]) / DAY, 0.0)
    out["log_age_days"] = _log(age)
    out["log_age_capped"] = _log(None if age is None else min(age, YEAR_DAYS))
    out["age_missing"] = age is None
    posts = node["posts_count"]
    out["log_posts_per_day"] = 0.0 if posts is None else _log(posts / max(age or 1.0, 1.0))
    for flag in ("has_avatar", "verified", "private"):
        out[flag] = node[flag] or 0.0
        out[f"{flag.removeprefix('has_')}_missing"] = node[flag] is None
    bio = node["bio"]
    out["bio_missing"] = bio is None
    out["log_bio_length"] = math.log1p(len(bio) if bio is not None else 0)
    name = node["username"]
    length = len(name) if name is not None else (node["username_length"] or 0)
    digits = (sum(ch.isdigit() for ch in name) if name is not None
              else node["username_digits"] or 0)
    out["name_length"] = length
    out["name_digits"] = digits
    out["name_trailing_digits"] = len(name) - len(name.rstrip("0123456789")) if name else 0
    out["name_missing"] = name is None and node["username_length"] is None
    out["name_digit_share"] = 0.0 if out["name_missing"] else digits / max(length, 1.0)
    out["name_digits_missing"] = name is None and node["username_digits"] is None
    out["name_text_missing"] = name is None
    for platform in PLATFORMS:
        out[f"platform_{platform}"] = node["platform"] == platform
    return out


def _graph(g: nx.MultiDiGraph, u: int) -> dict[str, float]:
    f_out = f_in = unf_out = unf_in = mutual_out = mutual_in = 0
    given = received = 0.0
    for _, v, d in g.out_edges(u, data=True):
        if d["type"] == FOLLOW:
            f_out += 1
            mutual_out += _follows(g, v, u)
        elif d["type"] == UNFOLLOW:
            unf_out += 1
        elif d["type"] in INTERACTIONS:
            given += d["weight"]
    for v, _, d in g.in_edges(u, data=True):
        if d["type"] == FOLLOW:
            f_in += 1
            mutual_in += _follows(g, u, v)
        elif d["type"] == UNFOLLOW:
            unf_in += 1
        elif d["type"] in INTERACTIONS:
            received += d["weight"]
    return {
        "log_follow_out": math.log1p(f_out),
        "log_follow_in": math.log1p(f_in),
        "log_unfollow_out": math.log1p(unf_out),
        "log_unfollow_in": math.log1p(unf_in),
        "log_interact_out": math.log1p(given),
        "log_interact_in": math.log1p(received),
        "isolated": g.degree(u) == 0,
        "reciprocity_out": mutual_out / max(f_out, 1),
        "reciprocity_in": mutual_in / max(f_in, 1),
    }


def _follows(g: nx.MultiDiGraph, u: int, v: int) -> bool:
    """Whether ``u`` follows ``v`` (any follow edge u -> v)."""
    return any(d["type"] == FOLLOW for d in g.get_edge_data(u, v, default={}).values())


def _time(g: nx.MultiDiGraph, u: int, node: dict, interactions: bool) -> dict[str, float]:
    follows = [d for _, _, d in g.out_edges(u, data=True) if d["type"] == FOLLOW]
    unfollows = sum(1 for _, _, d in g.out_edges(u, data=True) if d["type"] == UNFOLLOW)
    given = sum(d["weight"] for _, _, d in g.out_edges(u, data=True) if d["type"] in INTERACTIONS)
    received = sum(d["weight"] for _, _, d in g.in_edges(u, data=True)
                   if d["type"] in INTERACTIONS)
    followers_in = sum(1 for _, _, d in g.in_edges(u, data=True) if d["type"] == FOLLOW)
    times = [d["at"] for d in follows if d["at"] is not None]
    rate = 0.0
    if len(times) >= 2:
        rate = len(times) / max((max(times) - min(times)) / DAY, 1.0)
    audience = max(node["followers_count"] or 0.0, followers_in)
    return {
        "churn": min(unfollows / max(len(follows), 1), 1.0),
        "log_follow_rate": math.log1p(rate),
        "interactions_per_follow": math.log1p(given / max(len(follows), 1)),
        "engagement_rate": math.log1p(received) - math.log1p(audience) if interactions
        else 0.0,
        "time_missing": bool(follows) and not times,
    }


def _lockstep(g: nx.MultiDiGraph, selected,
              excess: bool = False) -> dict[int, tuple[float, float]]:
    """Per source: mean and max of log(1 + others acting on the same target within the
    window, ends included), over its timed edges of the selected types; with ``excess``,
    that minus log(1 + others within the baseline x window / baseline + SLACK), floored
    at 0."""
    values: dict[int, list[float]] = defaultdict(list)
    for v in g.nodes:
        timed = sorted((d["at"], u) for u, _, d in g.in_edges(v, data=True)
                       if selected(d["type"]) and d["at"] is not None)
        times = [t for t, _ in timed]
        for t, u in timed:
            others = _within(times, t, SYNC_WINDOW)
            value = math.log1p(others)
            if excess:
                around = _within(times, t, SYNC_BASELINE)
                value = max(value - math.log1p(around * SYNC_WINDOW / SYNC_BASELINE + SLACK),
                            0.0)
            values[u].append(value)
    return {u: (sum(v) / len(v), max(max(v), 0.0)) for u, v in values.items()}


def _within(times: list[float], t: float, window: float) -> int:
    """Others in sorted ``times`` within ``window`` of ``t`` (ends included)."""
    return bisect.bisect_right(times, t + window) - bisect.bisect_left(times, t - window) - 1


def _creation_excess(g: nx.MultiDiGraph) -> dict[int, float]:
    """Per account: log(1 + others created within the batch window, or the same day when
    no date has a time of day) minus log(1 + the month around's count scaled to it +
    SLACK), floored at 0."""
    created = {u: t for u, t in g.nodes(data="created_at") if t is not None}
    times = sorted(created.values())
    by_day = all(t % DAY == 0 for t in times)
    window = 0.0 if by_day else BATCH_WINDOW
    share = DAY / (2 * BATCH_BASELINE + DAY) if by_day else window / BATCH_BASELINE
    return {u: max(math.log1p(_within(times, t, window))
                   - math.log1p(_within(times, t, BATCH_BASELINE) * share + SLACK), 0.0)
            for u, t in created.items()}


def _creation_batches(g: nx.MultiDiGraph) -> dict[int, int]:
    """Per account: other accounts created within the batch window (ends included)."""
    created = {u: t for u, t in g.nodes(data="created_at") if t is not None}
    times = sorted(created.values())
    return {u: bisect.bisect_right(times, t + BATCH_WINDOW)
            - bisect.bisect_left(times, t - BATCH_WINDOW) - 1 for u, t in created.items()}


def _campaign_features(g: nx.MultiDiGraph) -> dict[str, np.ndarray]:
    """The campaign columns, from a minimal ``AccountGraph`` of what the scan reads
    (creation dates, follow order, the target)."""
    n = g.number_of_nodes()
    accounts = Accounts.empty(np.array([str(u) for u in range(n)], dtype=object))
    accounts.created_at = np.array([math.nan if g.nodes[u]["created_at"] is None
                                    else g.nodes[u]["created_at"] for u in range(n)])
    rows = list(g.edges(data=True))
    edges = Edges(src=np.array([u for u, _, _ in rows], np.int64).reshape(-1),
                  dst=np.array([v for _, v, _ in rows], np.int64).reshape(-1),
                  type=np.array([d["type"] for *_, d in rows], np.int8).reshape(-1),
                  at=np.array([math.nan if d["at"] is None else d["at"] for *_, d in rows],
                              np.float64).reshape(-1),
                  weight=np.array([d["weight"] for *_, d in rows], np.int64).reshape(-1),
                  rank=np.array([d.get("rank", -1) for *_, d in rows], np.int64).reshape(-1),
                  at_estimated=np.zeros(len(rows), bool))
    graph = AccountGraph(accounts, edges, g.graph.get("target"),
                         math.nan if g.graph["observed_at"] is None else g.graph["observed_at"])
    member = campaign_membership(graph)
    return {"log_campaign_size": np.log1p(member["campaign_size"]),
            "campaign_score": np.log1p(member["campaign_score"]),
            "log_campaign_span": np.log1p(np.nan_to_num(member["campaign_span_days"]))}


def _cohort(g: nx.MultiDiGraph) -> dict[int, float]:
    """Per account: the most, over its timed follows, of log(1 + others on the target in
    its or a neighbouring hour bucket created in its or a neighbouring 30-day bucket)
    minus log(1 + those in the hour buckets x the target's share created alike + SLACK),
    floored at 0 (``detector.lockstep.lockstep_cohort``, counted with dictionaries)."""
    follows = [(u, v, d["at"], g.nodes[u]["created_at"]) for u, v, d in g.edges(data=True)
               if d["type"] == FOLLOW and d["at"] is not None
               and g.nodes[u]["created_at"] is not None]
    if not follows:
        return {}
    t0 = min(math.floor(at / COHORT_WINDOW) for _, _, at, _ in follows)
    c0 = min(math.floor(c / COHORT_CREATED) for *_, c in follows)
    cells = [(v, math.floor(at / COHORT_WINDOW) - t0, math.floor(c / COHORT_CREATED) - c0)
             for _, v, at, c in follows]
    both, by_time, by_created, audience = (defaultdict(int) for _ in range(4))
    for v, tb, cb in cells:
        both[v, tb, cb] += 1
        by_time[v, tb] += 1
        by_created[v, cb] += 1
        audience[v] += 1
    out: dict[int, float] = {}
    for (u, *_), (v, tb, cb) in zip(follows, cells, strict=True):
        steps = (-1, 0, 1)
        close = sum(both[v, tb + a, cb + b] for a in steps for b in steps) - 1
        near = sum(by_time[v, tb + a] for a in steps) - 1
        alike = sum(by_created[v, cb + b] for b in steps) - 1
        share = alike / max(audience[v] - 1, 1)
        value = max(math.log1p(close) - math.log1p(near * share + SLACK), 0.0)
        out[u] = max(out.get(u, 0.0), value)
    return out
