"""Reasons: the few signals behind an account's score, in words an analyst understands.

The model scores an account from its features and its neighbourhood; an analyst wants
to see *why* in plain words ("follows 1,804, followed by 3"). Each rule below reads raw
values (profile fields and the timing helpers of ``detector.features``), gives every
account a strength in [0, 1] that says how far the value lies outside what genuine
accounts show, and names the classes it speaks for. For an account predicted as class
``c`` the reasons are the rules that support ``c``, strongest first, at most ``top`` of
them and only those with strength >= ``MIN_STRENGTH``. Genuine predictions get the
reassuring signals (old account, active poster, mutual follows).

Strengths are computed for all accounts at once (a few numpy passes); sentences are
formatted only for the rows asked for. The thresholds are fixed, documented values
(docs/api.md), not learned: reasons explain, the model decides.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from detector.campaigns import within
from detector.drivers import (
    NEIGHBOURS_FAKE,
    NEIGHBOURS_GENUINE,
    RAW_FIELD,
    Attribution,
    Attributor,
    describe,
    rule_columns,
    select,
)
from detector.features import (
    FEATURE_INDEX,
    FEATURE_NAMES,
    MASS_FOLLOW_THRESHOLD,
    account_age_days,
    compute_features,
)
from detector.graph import AccountGraph
from detector.schema import LABELS

#: Reasons weaker than this are not shown.
MIN_STRENGTH = 0.15
#: Shown when no rule for the predicted class is strong enough.
NO_SINGLE_SIGNAL = "no single profile or timing signal explains this score"


@dataclass
class Signals:
    """Raw per-account values the rules read (float arrays, NaN where unknown)."""

    followers: np.ndarray
    following: np.ndarray
    posts: np.ndarray
    age_days: np.ndarray
    has_avatar: np.ndarray
    bio_empty: np.ndarray  # 1 for an empty string; NaN when the bio was not collected
    verified: np.ndarray
    trailing_digits: np.ndarray
    name_digits: np.ndarray  # digits in the name, NaN when neither it nor its count is known
    name_text: np.ndarray  # 1 where the name itself is known (else its counts, if any)
    batch: np.ndarray  # other accounts created within an hour
    lockstep: np.ndarray  # most others following the same account within an hour
    follows_out: np.ndarray  # follows made inside the graph
    churn: np.ndarray  # unfollows per follow inside the graph, capped at 1
    follow_rate: np.ndarray  # timed follows per day
    reciprocity: np.ndarray  # share of its follows that are mutual
    campaign: np.ndarray  # followers of the campaign it arrived in (0: none)
    campaign_span: np.ndarray  # days between its campaign's first and last creation date

    @classmethod
    def from_graph(cls, graph: AccountGraph, features: np.ndarray | None = None,
                   rows: np.ndarray | None = None) -> Signals:
        """Collect the values of the accounts at ``rows`` (default all), in that order.

        ``features`` (``compute_features(graph)``) is reused if given; graph-wide values
        such as batch sizes need the whole graph either way.
        """
        x = compute_features(graph) if features is None else features
        pick = slice(None) if rows is None else np.asarray(rows, dtype=np.int64)
        raw = lambda name: x[pick, FEATURE_INDEX[name]].astype(np.float64)  # noqa: E731
        a = graph.accounts
        bio = a.texts["bio"][pick]
        return cls(
            followers=a.counts["followers_count"][pick],
            following=a.counts["following_count"][pick],
            posts=a.counts["posts_count"][pick],
            age_days=account_age_days(graph)[pick],
            has_avatar=a.flags["has_avatar"][pick],
            bio_empty=np.array([np.nan if b is None else float(b.strip() == "") for b in bio]),
            verified=a.flags["verified"][pick],
            trailing_digits=raw("name_trailing_digits"),
            name_digits=np.where(raw("name_digits_missing") > 0, np.nan, raw("name_digits")),
            name_text=1.0 - raw("name_text_missing"),
            batch=np.rint(np.expm1(raw("log_creation_batch"))),
            lockstep=np.rint(np.expm1(raw("sync_max"))),
            follows_out=np.rint(np.expm1(raw("log_follow_out"))),
            churn=raw("churn"),
            follow_rate=np.expm1(raw("log_follow_rate")),
            reciprocity=raw("reciprocity_out"),
            campaign=np.rint(np.expm1(raw("log_campaign_size"))),
            campaign_span=np.expm1(raw("log_campaign_span")),
        )


@dataclass(frozen=True)
class Rule:
    """One explainable signal: its strength for every account of a ``Signals`` and its
    sentence for the one at a position."""

    name: str
    classes: tuple[str, ...]
    strength: Callable[[Signals], np.ndarray]
    text: Callable[[Signals, int], str]


def _clip(values: np.ndarray) -> np.ndarray:
    """``values`` in [0, 1], NaN as 0 (``fmax`` takes the number over a NaN): two ufunc
    calls, where ``np.clip(np.nan_to_num(...))`` costs two Python-level wrappers."""
    return np.fmin(np.fmax(values, 0.0), 1.0)


def _n(value: float) -> str:
    return f"{int(value):,}"


def _age(days: float) -> str:
    if days < 1:
        return "less than a day"
    if days < 60:
        return f"{int(days)} day{'s' if int(days) != 1 else ''}"
    if days < 730:
        return f"{int(days // 30.44)} months"
    return f"{int(days // 365.25)} years"


def _name_run(s: Signals) -> np.ndarray:
    """The digit run ending the name; where only the name's digit count was published
    (InstaFake), that count (NaN when unknown)."""
    return np.where(s.name_text > 0, s.trailing_digits, s.name_digits)


def _ratio(s: Signals) -> np.ndarray:
    """log10 of following per follower (NaN when either count is unknown)."""
    return np.log10((s.following + 1) / (s.followers + 1))


def _bare_profile(s: Signals, i: int) -> str:
    parts = []
    if s.has_avatar[i] == 0:
        parts.append("default avatar")
    if s.bio_empty[i] == 1:
        parts.append("empty bio")
    return ", ".join(parts)


RULES: tuple[Rule, ...] = (
    # Suspicious signals. Genuine medians (Cresci-2015): 100 followers, 230 following.
    Rule("follows_far_more", ("bought",),
         lambda s: _clip((_ratio(s) - 0.5) / 1.5),  # 3x -> 0, 100x -> 1
         lambda s, i: f"follows {_n(s.following[i])}, followed by {_n(s.followers[i])}"),
    Rule("mass_following", ("mass_follow",),
         lambda s: np.where(s.following > MASS_FOLLOW_THRESHOLD,
                            _clip(0.5 + np.log10(s.following / MASS_FOLLOW_THRESHOLD)), 0.0),
         lambda s, i: f"follows {_n(s.following[i])} accounts "
                      f"(mass-follow line: {MASS_FOLLOW_THRESHOLD:,})"),
    Rule("creation_batch", ("bought",),
         lambda s: np.where(s.batch >= 5, _clip(np.log10(s.batch + 1) / 2), 0.0),  # 100 -> 1
         lambda s, i: f"created within an hour of {_n(s.batch[i])} other accounts in this graph"),
    Rule("lockstep", ("bought", "mass_follow"),
         lambda s: np.where(s.lockstep >= 10, _clip(np.log10(s.lockstep + 1) / 2), 0.0),
         lambda s, i: f"followed an account within an hour of {_n(s.lockstep[i])} others "
                      "doing the same"),
    Rule("campaign", ("bought",),
         lambda s: np.where(s.campaign >= 5, _clip(0.3 + np.log10(s.campaign) / 3), 0.0),
         lambda s, i: f"arrived in a block of {_n(s.campaign[i])} followers created "
                      f"{within(s.campaign_span[i])}"),
    Rule("churn", ("mass_follow",),
         lambda s: np.where(s.follows_out >= 5, _clip((s.churn - 0.1) / 0.5), 0.0),
         lambda s, i: f"unfollowed {s.churn[i]:.0%} of the accounts it followed"),
    Rule("fast_following", ("mass_follow",),
         lambda s: _clip(np.log10(np.maximum(s.follow_rate, 1e-9) / 20) / 1.5),  # 20/day -> 0
         lambda s, i: f"follows about {_n(round(s.follow_rate[i]))} accounts a day"),
    Rule("no_posts", ("bought",),
         lambda s: np.where(s.posts == 0, 0.7, np.where(s.posts < 5, 0.4, 0.0)),
         lambda s, i: "no posts" if s.posts[i] == 0 else f"only {_n(s.posts[i])} posts"),
    Rule("bare_profile", ("bought",),
         lambda s: 0.35 * (s.has_avatar == 0) + 0.25 * (s.bio_empty == 1),
         _bare_profile),
    Rule("young", ("bought", "mass_follow"),
         lambda s: np.where(s.age_days < 90, _clip(1 - np.log1p(s.age_days) / np.log1p(90)), 0.0),
         lambda s, i: f"account is {_age(s.age_days[i])} old"),
    Rule("generated_name", ("bought",),
         lambda s: np.where(_name_run(s) >= 3, _clip(0.3 + 0.1 * (_name_run(s) - 3)), 0.0)
                   .clip(0, 0.6),
         lambda s, i: f"user name ends in {int(s.trailing_digits[i])} digits" if s.name_text[i]
         else f"user name holds {int(s.name_digits[i])} digits"),
    # Reassuring signals, shown for genuine predictions.
    Rule("verified", ("genuine",),
         lambda s: 0.9 * (s.verified == 1),
         lambda s, i: "verified account"),
    Rule("real_audience", ("genuine",),
         lambda s: np.where(_ratio(s) <= 0.3, _clip(np.log10(s.followers + 1) / 4), 0.0),
         lambda s, i: f"followed by {_n(s.followers[i])}, follows {_n(s.following[i])}"),
    Rule("old_account", ("genuine",),
         lambda s: _clip(np.log10(np.maximum(s.age_days, 1) / 90) / 1.5),  # 3 months -> 0
         lambda s, i: f"account is {_age(s.age_days[i])} old"),
    Rule("active_poster", ("genuine",),
         lambda s: np.where(s.posts >= 50, _clip(np.log10(s.posts) / 4), 0.0),
         lambda s, i: f"{_n(s.posts[i])} posts"),
    Rule("mutual_follows", ("genuine",),
         lambda s: np.where(s.follows_out >= 5, _clip(1.5 * s.reciprocity), 0.0),
         lambda s, i: f"{s.reciprocity[i]:.0%} of the accounts it follows follow it back"),
    Rule("complete_profile", ("genuine",),
         lambda s: 0.3 * ((s.has_avatar == 1) & (s.bio_empty == 0)),
         lambda s, i: "has an avatar and a bio"),
)
RULE_NAMES = tuple(r.name for r in RULES)
#: [class code, rule] -> 1 where the rule speaks for the class.
_SUPPORT = np.array([[float(c in r.classes) for r in RULES] for c in LABELS])


def rule_strengths(signals: Signals) -> np.ndarray:
    """Strength of every rule for every account, shape ``[N, len(RULES)]``."""
    # Rules read NaN (unknown) and 0 freely; both end as strength 0, so no warnings.
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.stack([np.asarray(r.strength(signals), dtype=np.float64) for r in RULES], axis=1)


def explain(
    graph: AccountGraph,
    labels: Sequence[str],
    rows: np.ndarray | None = None,
    *,
    features: np.ndarray | None = None,
    top: int = 3,
    attribute: Attributor | None = None,
) -> list[list[str]]:
    """Reasons for the predicted ``labels`` of the accounts at ``rows``.

    Args:
        graph: the scored graph.
        labels: predicted class name per row (one of ``LABELS``).
        rows: account indices to explain (default: all, in order).
        features: ``compute_features(graph)``, reused if given.
        top: at most this many reasons per account.
        attribute: how much each input moved the model's score for given rows
            (``detector.drivers``); with it, a non-genuine verdict shows only reasons
            the score rests on, ordered by how much they moved it. Without it, and for
            genuine verdicts, the strongest rules.

    Returns:
        One list of sentences per row, strongest first; never empty.
    """
    rows = np.arange(graph.num_accounts) if rows is None else np.asarray(rows, dtype=np.int64)
    if len(labels) != len(rows):
        raise ValueError(f"{len(labels)} labels for {len(rows)} rows")
    if len(rows) == 0:
        return []
    unknown = set(labels) - set(LABELS)
    if unknown:
        raise ValueError(f"unknown class {sorted(unknown)[0]!r}; expected one of {LABELS}")
    x = compute_features(graph) if features is None else features
    codes = np.array([LABELS.index(name) for name in labels])
    fake = codes != LABELS.index("genuine")
    if attribute is None or not fake.any():
        return _strongest(Signals.from_graph(graph, x, rows), codes, top)
    # Non-genuine verdicts must name what drove them; genuine ones keep the reassuring
    # rules (attributing every genuine follower of an audience would cost more than the
    # rest of the audit).
    out = (_strongest(Signals.from_graph(graph, x, rows[~fake]), codes[~fake], top)
           if (~fake).any() else [])
    suspects = rows[fake]
    driven = _attributed(graph, x, suspects, Signals.from_graph(graph, x, suspects),
                         codes[fake], attribute(suspects), top)
    merged: list[list[str]] = []
    genuine_texts, driven_texts = iter(out), iter(driven)
    for is_fake in fake.tolist():
        merged.append(next(driven_texts) if is_fake else next(genuine_texts))
    return merged


def _strongest(signals: Signals, codes: np.ndarray, top: int) -> list[list[str]]:
    """The strongest rules for each row's class (at least ``MIN_STRENGTH``)."""
    score = rule_strengths(signals) * _SUPPORT[codes]
    order = np.argsort(-score, axis=1, kind="stable")[:, :top]
    out = []
    for r, picks in enumerate(order.tolist()):
        texts = [RULES[k].text(signals, r) for k in picks if score[r, k] >= MIN_STRENGTH]
        out.append(texts or [NO_SINGLE_SIGNAL])
    return out


_RULE_COLUMNS = rule_columns(RULE_NAMES)


def _attributed(graph: AccountGraph, x: np.ndarray, rows: np.ndarray, signals: Signals,
                codes: np.ndarray, attribution: Attribution, top: int) -> list[list[str]]:
    """``explain`` with an attribution: the reasons ``drivers.select`` keeps, in words."""
    direction = np.where(codes == LABELS.index("genuine"), -1.0, 1.0)
    strength = rule_strengths(signals)
    picks = select(attribution, direction, strength, _SUPPORT[codes], _RULE_COLUMNS, top)
    out = []
    for r, chosen in enumerate(picks):
        texts = []
        for kind, k in chosen:
            if kind == "rule":
                texts.append(RULES[k].text(signals, r))
            elif kind == "neighbours":
                texts.append(NEIGHBOURS_FAKE if direction[r] > 0 else NEIGHBOURS_GENUINE)
            else:
                texts.append(_plain(graph, x, int(rows[r]), FEATURE_NAMES[k]))
        out.append(list(dict.fromkeys(texts)) or [NO_SINGLE_SIGNAL])
    return out


def _plain(graph: AccountGraph, x: np.ndarray, row: int, name: str) -> str:
    """One input column of one account, described with its raw value where it has one."""
    field = RAW_FIELD.get(name)
    if field is None:
        return describe(name, float(x[row, FEATURE_INDEX[name]]))
    a = graph.accounts
    source = a.counts if field in a.counts else a.flags
    return describe(field, float(source[field][row]))
