"""Reasons that match the score: pick the sentences whose inputs drove the model.

``detector.reasons`` phrases what stands out in an account's raw values. A model may
still have decided on something else. When the caller can say how much each input
column moved the score (an ``Attribution``, e.g. integrated gradients of the model's
"not genuine" logit, ``models.attribution``), a reason is shown only if the columns it
speaks about pushed the score towards the verdict: at least ``SHARE`` of everything that
pushed that way, and at least ``MIN_DRIVE`` logits. If no phrased rule qualifies, the
columns that did drive the score are described plainly ("posts: 0"), so a non-genuine
verdict always names what it rests on.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from detector.features import FEATURE_INDEX

#: A reason must carry at least this share of the drive towards the verdict...
SHARE = 0.1
#: ... and at least this many logits of it.
MIN_DRIVE = 0.05
#: The input columns each rule of ``detector.reasons.RULES`` speaks about.
RULE_FEATURES: dict[str, tuple[str, ...]] = {
    "follows_far_more": ("follow_ratio", "log_following", "log_followers"),
    "mass_following": ("mass_following", "log_following"),
    "creation_batch": ("creation_excess", "log_creation_batch"),
    "lockstep": ("lockstep_excess", "lockstep_excess_mean", "lockstep_cohort", "sync_max",
                 "sync_mean"),
    "campaign": ("log_campaign_size", "campaign_score", "log_campaign_span"),
    "churn": ("churn", "log_unfollow_out"),
    "fast_following": ("log_follow_rate",),
    "no_posts": ("log_posts", "log_posts_per_day"),
    "bare_profile": ("has_avatar", "log_bio_length"),
    "young": ("log_age_days", "log_age_capped"),
    "generated_name": ("name_trailing_digits", "name_digits", "name_digit_share"),
    "verified": ("verified",),
    "real_audience": ("log_followers", "follow_ratio"),
    "old_account": ("log_age_days", "log_age_capped"),
    "active_poster": ("log_posts", "log_posts_per_day"),
    "mutual_follows": ("reciprocity_out", "reciprocity_in"),
    "complete_profile": ("has_avatar", "log_bio_length"),
}
#: Shown when the neighbourhood, not the account itself, moved the score most.
NEIGHBOURS_FAKE = "most accounts it follows or is followed by look fake"
NEIGHBOURS_GENUINE = "the accounts it follows or is followed by look genuine"


@dataclass
class Attribution:
    """How much each input moved the "not genuine" logit of some accounts.

    Attributes:
        inputs: ``[rows, len(FEATURE_NAMES)]``, positive towards "not genuine"
            (columns the model does not read are 0).
        neighbours: ``[rows]``, what propagation over follows added on top.
    """

    inputs: np.ndarray
    neighbours: np.ndarray


#: Called with account rows, returns their ``Attribution`` (in that order).
Attributor = Callable[[np.ndarray], Attribution]


def rule_columns(names: tuple[str, ...]) -> list[np.ndarray]:
    """Column indices of each named rule's features (missing names: none)."""
    return [np.array([FEATURE_INDEX[f] for f in RULE_FEATURES.get(n, ()) if f in FEATURE_INDEX],
                     dtype=np.int64) for n in names]


def select(attribution: Attribution, direction: np.ndarray, strength: np.ndarray,
           support: np.ndarray, columns: list[np.ndarray], top: int
           ) -> list[list[tuple[str, int]]]:
    """Per row, the reasons to show as ``(kind, index)`` pairs, strongest drive first.

    ``kind`` is ``"rule"`` (index into the rules), ``"feature"`` (a column to describe
    plainly) or ``"neighbours"``.

    Args:
        attribution: for the rows, in order.
        direction: ``+1`` for a non-genuine verdict, ``-1`` for genuine, per row.
        strength: ``[rows, rules]`` raw rule strengths (a rule whose raw values do not
            apply, strength 0, cannot be phrased and is not shown).
        support: ``[rows, rules]`` 1 where the rule speaks for the row's verdict.
        columns: each rule's feature columns (``rule_columns``).
    """
    drive = attribution.inputs * direction[:, None]
    neighbours = attribution.neighbours * direction
    total = np.maximum(drive, 0).sum(axis=1) + np.maximum(neighbours, 0)
    floor = np.maximum(SHARE * total, MIN_DRIVE)
    by_rule = np.stack([drive[:, c].sum(axis=1) if len(c) else np.zeros(len(drive))
                        for c in columns], axis=1)
    usable = (strength > 0) & (support > 0) & (by_rule >= floor[:, None])
    out = []
    for r in range(len(drive)):
        picks = [(float(by_rule[r, k]), ("rule", int(k))) for k in np.flatnonzero(usable[r])]
        if neighbours[r] >= floor[r]:
            picks.append((float(neighbours[r]), ("neighbours", 0)))
        if not picks:
            strong = np.flatnonzero(drive[r] >= floor[r])
            picks = [(float(drive[r, f]), ("feature", int(f))) for f in strong]
        picks.sort(key=lambda pair: -pair[0])
        out.append([what for _, what in picks[:top]])
    return out


def describe(name: str, value: float) -> str:
    """A plain sentence for one input column and the account's raw value of it."""
    if name in _TEXT:
        return _TEXT[name](value)
    return f"{name.replace('_', ' ')}: {value:.3g}"


def _count(label: str) -> Callable[[float], str]:
    return lambda v: f"{label}: {int(round(v)):,}"


_TEXT: dict[str, Callable[[float], str]] = {
    "followers_count": _count("followers"),
    "following_count": _count("following"),
    "posts_count": _count("posts"),
    "listed_count": _count("listed by others"),
    "has_avatar": lambda v: "has an avatar" if v == 1 else "no avatar",
    "private": lambda v: "private account" if v == 1 else "public account",
    "verified": lambda v: "verified account" if v == 1 else "not verified",
}
#: Which raw field describes each input column (``describe`` takes its value).
RAW_FIELD: dict[str, str] = {
    "log_followers": "followers_count", "log_following": "following_count",
    "follow_ratio": "following_count", "mass_following": "following_count",
    "log_posts": "posts_count", "log_posts_per_day": "posts_count",
    "log_listed": "listed_count", "has_avatar": "has_avatar", "private": "private",
    "verified": "verified",
}
