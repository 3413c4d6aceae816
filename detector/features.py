"""Account features: profile, graph and time signals, vectorised over the whole graph.

Each feature is declared once in ``FEATURES`` with its group and the reason it helps;
docs/features.md is generated from that table. ``compute_features`` returns raw values
(no NaN: a missing input gives 0 plus a ``*_missing`` indicator). Normalisation is
learned at training time and stored with the model (``models.estimator``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from detector.campaigns import campaign_membership
from detector.graph import AccountGraph, Edges
from detector.lockstep import (  # noqa: F401 (re-exported: part of this module's surface)
    BATCH_WINDOW,
    DAY,
    SYNC_WINDOW,
    creation_batch_sizes,
    creation_excess,
    lockstep,
    lockstep_cohort,
    lockstep_excess,
)
from detector.schema import FOLLOW, UNFOLLOW

#: Bumped whenever a feature is added, removed, reordered or changes meaning; a saved
#: model records it and refuses to load under a different version.
FEATURE_SCHEMA_VERSION = 4

#: Account ages beyond this many days count as this old in ``log_age_capped``.
YEAR_DAYS = 365.0
#: Following count from which HypeAuditor calls an account a mass follower.
MASS_FOLLOW_THRESHOLD = 1_500


@dataclass(frozen=True)
class Feature:
    """One column of the feature matrix.

    ``sign`` is domain knowledge a model may build in: ``+1`` a larger value never makes
    the account look more genuine, ``-1`` never less genuine, ``0`` no stated direction.
    ``unknown_when`` names the ``*_missing`` flags under which the value is not known (the
    raw value is then 0; a model should not read it as a real 0).
    """

    name: str
    group: str  # "profile", "flags", "graph" or "time": one encoder per group in the RGCN
    why: str
    sign: int = 0
    unknown_when: tuple[str, ...] = ()


FEATURES: tuple[Feature, ...] = (
    Feature("log_followers", "profile", "Bought accounts have almost no followers.", -1,
            ("followers_missing",)),
    Feature("log_following", "profile", "Bought follow hundreds; mass followers thousands.", 1,
            ("following_missing",)),
    Feature("log_posts", "profile", "Bought accounts rarely post; genuine ones post steadily.",
            -1, ("posts_missing",)),
    Feature("log_likes", "profile", "Likes given: automation leaves little real activity.", 0,
            ("likes_missing",)),
    Feature("log_listed", "profile", "Being listed by others is hard to fake.", -1,
            ("listed_missing",)),
    Feature(
        "follow_ratio",
        "profile",
        "log(followers+1) - log(following+1): fakes follow far more than they are followed.",
        -1, ("followers_missing", "following_missing"),
    ),
    Feature(
        "log_age_days", "profile", "Fakes are young; account age at the graph's reference time.",
        -1, ("age_missing",),
    ),
    Feature("log_age_capped", "profile",
            "Account age up to one year (log days): young accounts are suspect, but beyond a "
            "year age tells more about the platform's and the collection's epoch than about "
            "the account (aged stock is sold exactly for that).", -1, ("age_missing",)),
    Feature("log_posts_per_day", "profile", "Posting rate over the account's life.", -1,
            ("posts_missing", "age_missing")),
    Feature("log_bio_length", "profile", "Vendors leave bios empty or template them.", -1,
            ("bio_missing",)),
    Feature("name_length", "profile", "Generated user names have typical lengths.", 0,
            ("name_missing",)),
    Feature("name_digits", "profile", "Generated names carry digit runs (name + 4821).", 1,
            ("name_digits_missing",)),
    Feature("name_trailing_digits", "profile", "Length of the digit run at the end of the name.",
            1, ("name_digits_missing",)),
    Feature("name_digit_share", "profile", "Share of digits in the name.", 1,
            ("name_digits_missing",)),
    Feature(
        "mass_following", "profile",
        "Following more than 1,500 (HypeAuditor's mass-follower line).", 1,
        ("following_missing",),
    ),
    Feature("has_avatar", "flags", "Bought accounts often keep the default avatar.", -1,
            ("avatar_missing",)),
    Feature("verified", "flags", "Verified accounts are not for sale in bulk.", -1,
            ("verified_missing",)),
    Feature("private", "flags", "Private accounts hide activity; common among real people.", 0,
            ("private_missing",)),
    Feature("followers_missing", "flags", "Platform hid the follower count."),
    Feature("following_missing", "flags", "Platform hid the following count."),
    Feature("posts_missing", "flags", "Platform hid the posts count."),
    Feature("likes_missing", "flags", "Platform hid the likes count."),
    Feature("listed_missing", "flags", "Platform hid the listed count."),
    Feature("age_missing", "flags", "No creation time (or no reference time)."),
    Feature("avatar_missing", "flags", "Avatar status unknown."),
    Feature("bio_missing", "flags", "Bio not collected (an empty bio is not missing)."),
    Feature("name_missing", "flags", "User name not collected."),
    Feature("name_digits_missing", "flags",
            "No user name text (at most its length): the digit signals are unknown."),
    Feature("verified_missing", "flags", "Verification status unknown."),
    Feature("private_missing", "flags", "Privacy status unknown."),
    Feature("log_follow_out", "graph", "Follows made inside this graph."),
    Feature("log_follow_in", "graph", "Followers inside this graph.", -1),
    Feature("log_unfollow_out", "graph", "Unfollows made inside this graph.", 1),
    Feature("log_unfollow_in", "graph", "Times this account was unfollowed."),
    Feature("log_interact_out", "graph", "Likes/comments/shares/mentions given (weighted)."),
    Feature("log_interact_in", "graph", "Interactions received (weighted).", -1),
    Feature("isolated", "graph", "No edge at all in this graph: judge it on its profile alone."),
    Feature(
        "reciprocity_out",
        "graph",
        "Share of followees that follow back; genuine ties are often mutual.", -1,
    ),
    Feature("reciprocity_in", "graph", "Share of followers this account follows back.", -1),
    Feature(
        "churn",
        "time",
        "Unfollows per follow: mass followers unfollow those who do not follow back.", 1,
    ),
    Feature("log_follow_rate", "time", "Follows per day over the span of its timed follows.",
            1),
    Feature(
        "sync_mean",
        "time",
        "Mean log count of others following the same target within an hour (lockstep, CopyCatch).",
    ),
    Feature("sync_max", "time", "Largest such lockstep group it took part in."),
    Feature(
        "like_sync_mean",
        "time",
        "The same for interactions (likes, comments, shares, mentions): bought "
        "engagement arrives in bursts too.",
    ),
    Feature(
        "log_creation_batch",
        "time",
        "Accounts created within an hour of this one (vendor batches).",
    ),
    Feature("interactions_per_follow", "time", "Interactions given per follow made."),
    Feature(
        "engagement_rate",
        "time",
        "log interactions received minus log audience: engagement relative to audience.", -1,
    ),
    Feature("time_missing", "time",
            "Follows seen but none timed: the timing signals are unknown, not zero."),
    Feature("lockstep_excess", "time",
            "Most others following the same account within an hour, against that account's "
            "rate over the surrounding days (scale-free lockstep; delivered orders stand out "
            "at any audience size).", 1),
    Feature("lockstep_excess_mean", "time", "The same, averaged over its timed follows.", 1),
    Feature("lockstep_cohort", "time",
            "Those following the same account with it within an hour or two were created "
            "within a month or two of it, far beyond what the account's whole audience "
            "predicts: a vendor's stock delivered together (even aged stock), not a viral "
            "post or a starter pack, which bring people of every age.", 1),
    Feature("log_campaign_size", "time",
            "Followers in the campaign it arrived in: a block of consecutive follows whose "
            "creation dates cluster far more than their neighbours' (detector.campaigns); "
            "0 outside any.", 1),
    Feature("campaign_score", "time",
            "That campaign's -log10 p-value (capped), 0 outside any: how unlikely such a "
            "block is among genuine arrivals.", 1),
    Feature("log_campaign_span", "time",
            "Days between the first and last creation date of that campaign's members "
            "(log), 0 outside any: aged stock still clusters within months."),
    Feature("creation_excess", "profile",
            "Accounts created within the same hour (day, for dates without a time) against "
            "the surrounding month's rate: a vendor batch at any graph size.", 1,
            ("age_missing",)),
)
FEATURE_NAMES: tuple[str, ...] = tuple(f.name for f in FEATURES)
FEATURE_INDEX = {name: i for i, name in enumerate(FEATURE_NAMES)}
FEATURE_GROUPS: dict[str, list[int]] = {}
for _i, _f in enumerate(FEATURES):
    FEATURE_GROUPS.setdefault(_f.group, []).append(_i)


def compute_features(graph: AccountGraph) -> np.ndarray:
    """Raw features, shape ``[num_accounts, len(FEATURES)]``, float32, no NaN."""
    kinds = _Kinds.of(graph.edges)
    values = {**_profile(graph), **_graph(graph, kinds), **_time(graph, kinds),
              **_campaigns(graph)}
    # One float32 row per feature, cleaned in place, then transposed once: half the time
    # of stacking float64 columns (no value is near float32's range).
    out = np.empty((len(FEATURE_NAMES), graph.num_accounts), dtype=np.float32)
    for row, name in zip(out, FEATURE_NAMES, strict=True):
        row[...] = values[name]
    np.nan_to_num(out, copy=False, nan=0.0, posinf=0.0, neginf=0.0)
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
    out.update(_name_shape(a.texts["username"], c["username_length"]))
    out["creation_excess"] = creation_excess(a.created_at)
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


def _name_shape(names: np.ndarray, given_length: np.ndarray) -> dict[str, np.ndarray]:
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
    return {
        "name_length": length,
        "name_digits": digits,
        "name_trailing_digits": trailing,
        "name_digit_share": digits / np.maximum(length, 1.0),
        "name_missing": ~present & np.isnan(given_length),
        "name_digits_missing": ~present,
    }


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
    mutual = follow[_reciprocated(e.src[follow], e.dst[follow], n)]
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
        "reciprocity_out": np.bincount(e.src[mutual], minlength=n) / np.maximum(f_out, 1),
        "reciprocity_in": np.bincount(e.dst[mutual], minlength=n) / np.maximum(f_in, 1),
    }


#: Up to this many accounts, ``_reciprocated`` looks follows up in a table of all pairs.
_TABLE_ACCOUNTS = 2048


def _reciprocated(src: np.ndarray, dst: np.ndarray, n: int) -> np.ndarray:
    """For each follow u->v, whether v->u is also a follow."""
    if len(src) == 0:
        return np.zeros(0, bool)
    if n <= _TABLE_ACCOUNTS:  # a lookup table of n * n flags (at most 4 MB): 8x faster
        return np.isin(dst.astype(np.int64) * n + src, src.astype(np.int64) * n + dst,
                       kind="table")
    # Sort + binary search: np.isin hashes here, which is several times slower. The
    # queries are sorted too, so the searches walk memory in order (4x at 10M edges).
    forward = np.sort(src.astype(np.int64) * n + dst)
    backward = dst.astype(np.int64) * n + src
    order = np.argsort(backward)
    query = backward[order]
    found = np.minimum(np.searchsorted(forward, query), len(forward) - 1)
    out = np.empty(len(query), dtype=bool)
    out[order] = forward[found] == query
    return out


def _time(graph: AccountGraph, kinds: _Kinds) -> dict[str, np.ndarray]:
    n, e = graph.num_accounts, graph.edges
    follow, interact = kinds.follow, kinds.interact
    f_out = np.bincount(e.src[follow], minlength=n).astype(np.float64)
    unf_out = np.bincount(e.src[kinds.unfollow], minlength=n)
    w = e.weight[interact].astype(np.float64)
    given = np.bincount(e.src[interact], weights=w, minlength=n)
    received = np.bincount(e.dst[interact], weights=w, minlength=n)
    audience = np.fmax(np.fmax(graph.accounts.counts["followers_count"], 0.0),  # NaN as 0
                       np.bincount(e.dst[follow], minlength=n))
    sync_mean, sync_max = lockstep(e.src, e.dst, e.at, kinds.follow_mask, n)
    like_mean, _ = lockstep(e.src, e.dst, e.at, kinds.interact_mask, n)
    excess_mean, excess_max = lockstep_excess(e.src, e.dst, e.at, kinds.follow_mask, n)
    timed_out = np.bincount(e.src[follow], weights=~np.isnan(e.at[follow]), minlength=n)
    return {
        "time_missing": (f_out > 0) & (timed_out == 0),
        "lockstep_excess": excess_max,
        "lockstep_cohort": lockstep_cohort(e.src, e.dst, e.at, kinds.follow_mask,
                                           graph.accounts.created_at, n),
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
