"""Account features: profile, graph and time signals, vectorised over the whole graph.

Each feature is declared once in ``FEATURES`` (``detector.feature_table``) with its
group and the reason it helps; docs/features.md is generated from that table.
``compute_features`` returns raw values (no NaN: a missing input gives 0 plus a
``*_missing`` indicator). Normalisation is learned at training time and stored with the
model (``models.estimator``).
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from concurrent.futures import ThreadPoolExecutor
from typing import NamedTuple

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from detector.campaigns import campaign_membership
from detector.feature_table import (  # noqa: F401 (re-exported: part of this module's surface)
    FEATURE_GROUPS,
    FEATURE_INDEX,
    FEATURE_NAMES,
    FEATURE_SCHEMA_VERSION,
    FEATURES,
    MASS_FOLLOW_THRESHOLD,
    YEAR_DAYS,
    Feature,
)
from detector.graph import AccountGraph, Edges
from detector.lockstep import (  # noqa: F401 (re-exported: part of this module's surface)
    BATCH_WINDOW,
    DAY,
    SYNC_WINDOW,
    creation_batch_sizes,
    creation_excess,
    lockstep,
    lockstep_and_excess,
    lockstep_cohort,
    lockstep_excess,
)
from detector.schema import FOLLOW, PLATFORMS, UNFOLLOW

#: Columns a caller that reads none of them may skip (``compute_features(skip=...)``):
#: the plain lockstep excess and the lockstep of interactions, which cost a window search
#: each and which the default model does not read (nor does any reason).
SKIPPABLE = frozenset({"lockstep_excess", "lockstep_excess_mean", "like_sync_mean"})


#: Below this many edges the groups of ``compute_features`` run one after the other
#: whatever ``threads`` says: starting threads would cost more than they save.
PARALLEL_EDGES = 100_000


def compute_features(graph: AccountGraph, skip: Collection[str] = (),
                     threads: int = 1) -> np.ndarray:
    """Raw features, shape ``[num_accounts, len(FEATURES)]``, float32, no NaN.

    Args:
        skip: names of columns the caller will not read; those in ``SKIPPABLE`` are left
            at 0 instead of computed (the others are computed anyway).
        threads: run the independent groups (campaigns, the cohort, the other time
            columns, profile, graph) on this many threads. numpy's sorts and searches,
            most of the work, release the GIL: at a million accounts two threads took
            the pass from 16-19 s to 8-10 s on two cores here. Same values either way.
    """
    kinds = _Kinds.of(graph.edges)
    skip = SKIPPABLE.intersection(skip)
    # The costliest first, so that the last to start are the short ones.
    groups: list[Callable[[], dict[str, np.ndarray]]] = [
        lambda: _campaigns(graph),
        lambda: _cohort(graph, kinds),
        lambda: _time(graph, kinds, skip),
        lambda: _profile(graph),
        lambda: _graph(graph, kinds),
    ]
    values: dict[str, np.ndarray] = {}
    if threads > 1 and graph.num_edges >= PARALLEL_EDGES:
        with ThreadPoolExecutor(max_workers=threads, thread_name_prefix="features") as pool:
            for part in pool.map(lambda group: group(), groups):
                values.update(part)
    else:
        for group in groups:
            values.update(group())
    # One float32 row per feature, cleaned in place while it is in the cache, then
    # transposed once: half the time of stacking float64 columns (no value is near
    # float32's range), and a third of ``np.nan_to_num`` over the whole matrix after.
    out = np.empty((len(FEATURE_NAMES), graph.num_accounts), dtype=np.float32)
    for row, name in zip(out, FEATURE_NAMES, strict=True):
        row[...] = values[name]
        if values[name].dtype.kind == "f":  # bool and integer rows hold no NaN
            np.copyto(row, 0.0, where=~np.isfinite(row))
    return out.T.copy()


def _log(values: np.ndarray) -> np.ndarray:
    return np.log1p(np.where(np.isnan(values), 0.0, np.maximum(values, 0.0)))


def _profile(graph: AccountGraph) -> dict[str, np.ndarray]:
    a = graph.accounts
    c = a.counts
    out: dict[str, np.ndarray] = {}
    for short, name in (
        ("followers", "followers_count"),
        ("following", "following_count"),
        ("posts", "posts_count"),
        ("likes", "likes_count"),
        ("listed", "listed_count"),
    ):
        out[f"log_{short}"] = _log(c[name])
        out[f"{short}_missing"] = np.isnan(c[name])
    out["follow_ratio"] = np.where(
        np.isnan(c["followers_count"]) | np.isnan(c["following_count"]),
        0.0,
        out["log_followers"] - out["log_following"],
    )
    out["mass_following"] = c["following_count"] > MASS_FOLLOW_THRESHOLD  # NaN: False
    age = account_age_days(graph)
    out["log_age_days"] = _log(age)
    out["log_age_capped"] = _log(np.minimum(age, YEAR_DAYS))  # minimum keeps NaN
    out["age_missing"] = np.isnan(age)
    out["log_posts_per_day"] = _log(c["posts_count"] / np.fmax(age, 1.0))  # NaN age: 1
    for flag, name in (
        ("has_avatar", "has_avatar"),
        ("verified", "verified"),
        ("private", "private"),
    ):
        out[flag] = np.fmax(a.flags[name], 0.0)  # 0/1, NaN as 0
        out[f"{flag.removeprefix('has_')}_missing"] = np.isnan(a.flags[name])
    bio = a.texts["bio"]
    bio_present = bio != None  # noqa: E711 (element-wise on an object array)
    out["bio_missing"] = ~bio_present
    out["log_bio_length"] = np.log1p(_lengths(bio))
    out.update(_name_shape(a.texts["username"], c["username_length"], c["username_digits"]))
    out["creation_excess"] = creation_excess(a.created_at)
    for code, name in enumerate(PLATFORMS):
        out[f"platform_{name}"] = a.platform == code
    return out


def account_age_days(graph: AccountGraph) -> np.ndarray:
    """Days from creation to the graph's reference time; NaN where unknown."""
    age = (graph.reference_time() - graph.accounts.created_at) / DAY
    return np.where(age < 0, 0.0, age)


def _lengths(texts: np.ndarray) -> np.ndarray:
    """Characters (code points, as ``len``) per text; 0 for ``None``."""
    return _arrow_float(pc.utf8_length(pa.array(texts, type=pa.string())))


def _arrow_float(values: pa.Array) -> np.ndarray:
    return values.fill_null(0).to_numpy(zero_copy_only=False).astype(np.float64)


def _arrow_bool(values: pa.Array, null: bool) -> np.ndarray:
    return values.fill_null(null).to_numpy(zero_copy_only=False).astype(bool)


def _name_shape(names: np.ndarray, given_length: np.ndarray,
                given_digits: np.ndarray) -> dict[str, np.ndarray]:
    """Length and digits of the user name; without its text, the published length and
    digit count where a data set gives them (the digit run at the end needs the text)."""
    # Arrow's string kernels instead of a Python loop per account (10x faster at 1M).
    text = pa.array(names, type=pa.string())
    present = text.is_valid().to_numpy(zero_copy_only=False)
    chars = _arrow_float(pc.utf8_length(text))
    length = np.where(present, chars, np.fmax(given_length, 0.0))  # NaN as 0
    digits = _arrow_float(pc.count_substring_regex(text, "[0-9]"))
    # str.isdigit also counts non-ASCII digits (Arabic-Indic, superscripts): those few
    # names are counted in Python so the value is exactly sum(ch.isdigit() for ch in name).
    other = np.flatnonzero(~_arrow_bool(pc.string_is_ascii(text), True))
    digits[other] = [sum(ch.isdigit() for ch in names[i]) for i in other.tolist()]
    stripped = pc.utf8_length(pc.utf8_rtrim(text, characters="0123456789"))
    trailing = chars - _arrow_float(stripped)
    digits = np.where(present, digits, np.fmax(given_digits, 0.0))  # NaN as 0
    name_missing = ~present & np.isnan(given_length)
    return {
        "name_length": length,
        "name_digits": digits,
        "name_trailing_digits": trailing,
        "name_digit_share": np.where(name_missing, 0.0, digits / np.maximum(length, 1.0)),
        "name_missing": name_missing,
        "name_digits_missing": ~present & np.isnan(given_digits),
        "name_text_missing": ~present,
    }


def name_counts(names: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Length and digit count of each user name, as the features count them (what a
    data set publishes in ``username_length`` and ``username_digits``)."""
    unknown = np.full(len(names), np.nan)
    shape = _name_shape(names, unknown, unknown)
    return shape["name_length"], shape["name_digits"]


class _Kinds(NamedTuple):
    """Each edge kind's rows, and the masks ``lockstep`` takes, found once. Takes are by
    rows: 2-8 us at 11k edges, against 13-29 us for a boolean subscript."""
    follow_mask: np.ndarray
    interact_mask: np.ndarray
    follow: np.ndarray
    unfollow: np.ndarray
    interact: np.ndarray

    @classmethod
    def of(cls, e: Edges) -> _Kinds:
        follow_mask, interact_mask = e.type == FOLLOW, e.interactions()
        return cls(follow_mask, interact_mask, np.flatnonzero(follow_mask),
                   np.flatnonzero(e.type == UNFOLLOW), np.flatnonzero(interact_mask))


def _graph(graph: AccountGraph, kinds: _Kinds) -> dict[str, np.ndarray]:
    n, e = graph.num_accounts, graph.edges
    follow, unfollow, interact = kinds.follow, kinds.unfollow, kinds.interact
    count = lambda rows, ends, w=None: np.bincount(  # noqa: E731
        ends[rows], weights=None if w is None else w[rows], minlength=n
    ).astype(np.float64)
    f_out, f_in = count(follow, e.src), count(follow, e.dst)
    mutual_src, mutual_dst = _mutual(e.src[follow], e.dst[follow], n)
    w = e.weight.astype(np.float64)
    degree = np.bincount(e.src, minlength=n) + np.bincount(e.dst, minlength=n)
    return {
        "log_follow_out": np.log1p(f_out),
        "log_follow_in": np.log1p(f_in),
        "log_unfollow_out": np.log1p(count(unfollow, e.src)),
        "log_unfollow_in": np.log1p(count(unfollow, e.dst)),
        "log_interact_out": np.log1p(count(interact, e.src, w)),
        "log_interact_in": np.log1p(count(interact, e.dst, w)),
        "isolated": degree == 0,
        "reciprocity_out": np.bincount(mutual_src, minlength=n) / np.maximum(f_out, 1),
        "reciprocity_in": np.bincount(mutual_dst, minlength=n) / np.maximum(f_in, 1),
    }


#: Up to this many accounts, ``_mutual`` looks follows up in a table of all pairs.
_TABLE_ACCOUNTS = 2048


def _mutual(src: np.ndarray, dst: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """``(source, target)`` of each follow u->v for which v->u is also a follow, in no
    particular order (the callers only count them per account)."""
    if len(src) == 0:
        return src, dst
    if n <= _TABLE_ACCOUNTS:  # a lookup table of n * n flags (at most 4 MB): 8x faster
        found = np.isin(dst.astype(np.int64) * n + src, src.astype(np.int64) * n + dst,
                        kind="table")
        return src[found], dst[found]
    # Sort + binary search: np.isin hashes here, which is several times slower. Both
    # sides are sorted, so the searches walk memory in order, and the ends come back
    # from the sorted keys: no argsort to put the answers back in edge order.
    forward = np.sort(src.astype(np.int64) * n + dst)
    backward = np.sort(dst.astype(np.int64) * n + src)  # v * n + u for each u->v
    found = np.minimum(np.searchsorted(forward, backward), len(forward) - 1)
    keys = backward[forward[found] == backward]
    return keys % n, keys // n


def _time(graph: AccountGraph, kinds: _Kinds, skip: frozenset[str]) -> dict[str, np.ndarray]:
    n, e = graph.num_accounts, graph.edges
    follow, interact = kinds.follow, kinds.interact
    f_out = np.bincount(e.src[follow], minlength=n).astype(np.float64)
    unf_out = np.bincount(e.src[kinds.unfollow], minlength=n)
    w = e.weight[interact].astype(np.float64)
    given = np.bincount(e.src[interact], weights=w, minlength=n)
    received = np.bincount(e.dst[interact], weights=w, minlength=n)
    audience = np.fmax(np.fmax(graph.accounts.counts["followers_count"], 0.0),  # NaN as 0
                       np.bincount(e.dst[follow], minlength=n))
    if {"lockstep_excess", "lockstep_excess_mean"} <= skip:
        sync_mean, sync_max = lockstep(e.src, e.dst, e.at, kinds.follow_mask, n)
        excess_mean = excess_max = np.zeros(n)
    else:
        (sync_mean, sync_max), (excess_mean, excess_max) = lockstep_and_excess(
            e.src, e.dst, e.at, kinds.follow_mask, n)
    like_mean = (np.zeros(n) if "like_sync_mean" in skip
                 else lockstep(e.src, e.dst, e.at, kinds.interact_mask, n)[0])
    timed_out = np.bincount(e.src[follow], weights=~np.isnan(e.at[follow]), minlength=n)
    return {
        "time_missing": (f_out > 0) & (timed_out == 0),
        "lockstep_excess": excess_max,
        "lockstep_excess_mean": excess_mean,
        "churn": np.minimum(unf_out / np.maximum(f_out, 1.0), 1.0),
        "log_follow_rate": np.log1p(_rate(e.src[follow], e.at[follow], n)),
        "sync_mean": sync_mean,
        "sync_max": sync_max,
        "like_sync_mean": like_mean,
        "log_creation_batch": np.log1p(creation_batch_sizes(graph.accounts.created_at)),
        "interactions_per_follow": np.log1p(given / np.maximum(f_out, 1.0)),
        # Without a single interaction edge the graph says nothing about engagement (a
        # follower list, a crawl of follows): unknown, not zero engagement.
        "engagement_rate": (np.log1p(received) - np.log1p(audience)) if len(interact)
        else np.zeros(n),
    }


def _cohort(graph: AccountGraph, kinds: _Kinds) -> dict[str, np.ndarray]:
    e = graph.edges
    return {"lockstep_cohort": lockstep_cohort(e.src, e.dst, e.at, kinds.follow_mask,
                                               graph.accounts.created_at, graph.num_accounts)}


def _rate(src: np.ndarray, at: np.ndarray, n: int) -> np.ndarray:
    """Timed follows per day over each account's first-to-last timed follow."""
    timed = np.flatnonzero(~np.isnan(at))
    src, at = src[timed], at[timed]
    first = np.full(n, np.inf)
    last = np.full(n, -np.inf)
    np.minimum.at(first, src, at)
    np.maximum.at(last, src, at)
    k = np.bincount(src, minlength=n).astype(np.float64)
    span_days = np.maximum((last - first) / DAY, 1.0)
    return np.where(k >= 2, k / span_days, 0.0)


def _campaigns(graph: AccountGraph) -> dict[str, np.ndarray]:
    """Campaign membership (``detector.campaigns``) as features."""
    member = campaign_membership(graph)
    return {"log_campaign_size": np.log1p(member["campaign_size"]),
            "campaign_score": np.log1p(member["campaign_score"]),
            "log_campaign_span": np.log1p(np.nan_to_num(member["campaign_span_days"]))}
