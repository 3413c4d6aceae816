"""Randomised worlds and views: the default model's training data is many small graphs,
each from a world and a view drawn here, so that no single simulator setting is what the
model learns (domain randomisation, Tobin et al. 2017).

Every draw is wide on purpose: a platform's anchor counts are scaled by up to about 2x
either way, vendor styles mix, lurkers make up 3-45% of genuine accounts, premium fakes
0-35% of the bought ones, and the view decides which fields and edges survive.
``TrainingMix`` (``training.simulator.mixture``) calls ``sample_config`` and
``sample_view`` once per graph.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from training.simulator.config import SimConfig
from training.simulator.view import View
from training.simulator.world import PLATFORMS, VENDOR_STYLES, Crowd, Platform, World

#: Platforms are drawn with these weights.
PLATFORM_WEIGHTS = {"twitter": 1.0, "instagram": 1.0, "tiktok": 1.0}
#: Edge views and their weights in community graphs and in audit graphs.
COMMUNITY_VIEWS = {"full": 0.35, "untimed": 0.3, "profiles": 0.35}
AUDIT_VIEWS = {"full": 0.3, "follower_list": 0.4, "profiles": 0.3}
#: Fields collectors often lack, and the largest share a view hides of each.
USUALLY_MISSING = {"created_at": 1.0, "likes_count": 1.0, "listed_count": 1.0,
                   "bio": 1.0, "posts_count": 1.0, "private": 1.0, "verified": 1.0,
                   "username": 0.6, "has_avatar": 0.6}


def _jitter(rng: np.random.Generator, value: float, spread: float = 0.35) -> float:
    """``value`` scaled by a log-normal factor (sigma ``spread``)."""
    return float(value * np.exp(spread * rng.standard_normal()))


def _share(rng: np.random.Generator, value: float, spread: float = 0.15) -> float:
    return float(np.clip(value + spread * rng.standard_normal(), 0.0, 1.0))


def _crowd(rng: np.random.Generator, crowd: Crowd) -> Crowd:
    # One factor scales a crowd's audience and its following together (follow-backs
    # keep them in step), a smaller one their ratio: real people rarely follow more
    # than five times their audience (Cresci-2015's genuine 12%, InstaFake's real 3%).
    size = _jitter(rng, 1.0)
    return replace(
        crowd,
        followers=crowd.followers * size,
        following=_jitter(rng, crowd.following * size, 0.15),
        followers_sigma=_jitter(rng, crowd.followers_sigma, 0.15),
        following_sigma=_jitter(rng, crowd.following_sigma, 0.15),
        posts_per_day=_jitter(rng, crowd.posts_per_day, 0.6),
        zero_posts=_share(rng, crowd.zero_posts, 0.1), avatar=_share(rng, crowd.avatar, 0.1),
        private=_share(rng, crowd.private, 0.1), bio=_share(rng, crowd.bio, 0.15),
    )


def sample_platform(rng: np.random.Generator) -> Platform:
    """One of ``PLATFORMS``, its anchors jittered."""
    names = list(PLATFORM_WEIGHTS)
    p = np.array([PLATFORM_WEIGHTS[n] for n in names])
    base = PLATFORMS[names[rng.choice(len(names), p=p / p.sum())]]
    return replace(base, people=_crowd(rng, base.people), lurkers=_crowd(rng, base.lurkers),
                   age_days=min(_jitter(rng, base.age_days, 0.5), base.max_age_days))


def sample_world(rng: np.random.Generator) -> World:
    """A platform with one to three vendor styles, each jittered."""
    styles = list(VENDOR_STYLES.values())
    chosen = rng.choice(len(styles), size=int(rng.integers(1, 4)), replace=False)
    vendors = []
    for k in chosen:
        s = styles[k]
        low = _jitter(rng, s.min_age_days, 0.3)
        vendors.append((replace(
            s, followers=_jitter(rng, s.followers, 0.5), following=_jitter(rng, s.following, 0.4),
            posts=_jitter(rng, s.posts, 0.5), zero_posts=_share(rng, s.zero_posts, 0.15),
            avatar=_share(rng, s.avatar, 0.2), bio=_share(rng, s.bio, 0.15),
            private=_share(rng, s.private, 0.15), min_age_days=low,
            max_age_days=max(low + 30, _jitter(rng, s.max_age_days, 0.3)),
        ), float(rng.uniform(0.3, 1.0))))
    platform = sample_platform(rng)
    return World(platform=platform, vendors=tuple(vendors),
                 heavy_following=_jitter(rng, 2_500, 0.2),
                 notes={"platform": platform.name, "vendors": [v.name for v, _ in vendors]})


def sample_behaviour(rng: np.random.Generator) -> dict[str, object]:
    """Overrides of the ``realistic`` behaviour: the timing and shares that vary most
    between audiences and vendors."""
    u = rng.uniform
    return {
        "lurker_share": u(0.03, 0.45), "heavy_follower_share": u(0.01, 0.08),
        "viral_share": u(0.0, 0.3), "premium_share": u(0.0, 0.35),
        # From tight batches of hours to stock registered steadily over months.
        "batch_spread_h": float(np.exp(u(np.log(0.5), np.log(2_000.0)))),
        "camouflage": u(0.5, 8.0), "ring": u(0.0, 2.0),
        "delivery_h": float(np.exp(u(np.log(0.5), np.log(12.0)))),
        "drip_share": u(0.0, 0.4), "like_vendor_share": u(0.2, 0.8),
        "subtle_mass_share": u(0.0, 0.15), "mass_following": u(2_000, 4_500),
        "unfollow_share": u(0.6, 0.95), "missing": {}, "missing_at": u(0.0, 0.1),
        # Vendors that register stock under names scraped from people, not a template.
        "harvested_names": u(0.0, 0.6),
    }


def sample_config(rng: np.random.Generator, accounts: int, audit: bool) -> SimConfig:
    """A whole ``SimConfig``: world, behaviour, class shares and graph shape."""
    u = rng.uniform
    return SimConfig(
        accounts=accounts, seed=int(rng.integers(0, 2**31 - 1)), difficulty="realistic",
        audit_of="target" if audit else None,
        bought_share=u(0.05, 0.5), mass_share=u(0.0, 0.12),
        genuine_degree=u(2.0, 8.0), reciprocity=u(0.15, 0.5), purchase_size=u(50, 600),
        purchases_per_bot=u(1.0, 6.0), followback=u(0.1, 0.4),
        behaviour=sample_behaviour(rng), world=sample_world(rng),
    )


def sample_view(rng: np.random.Generator, audit: bool) -> View:
    """An edge view, a partial crawl, and fields missing at random shares."""
    weights = AUDIT_VIEWS if audit else COMMUNITY_VIEWS
    names = list(weights)
    p = np.array([weights[n] for n in names])
    edges = names[rng.choice(len(names), p=p / p.sum())]
    # About half the views lose a few fields wholesale (a collector that never reads
    # them), most of the rest lose some here and there.
    missing: dict[str, float] = {}
    for name, most in USUALLY_MISSING.items():
        r = rng.random()
        if r < 0.2:
            missing[name] = most
        elif r < 0.6:
            missing[name] = float(rng.uniform(0.0, 0.3))
    share = 1.0 if edges != "untimed" and rng.random() < 0.5 else float(rng.uniform(0.1, 1.0))
    private_edges, by_day = bool(rng.random() < 0.5), bool(rng.random() < 0.3)
    # Half the collectors that lack names still have their length and digit count, as
    # data sets that publish name statistics instead of names (Cresci-2015, InstaFake).
    name_counts = float(rng.uniform(0.0, 1.0)) if rng.random() < 0.5 else 0.0
    return View(edges=edges, edge_share=share, missing=missing, private_edges=private_edges,
                created_by_day=by_day, name_counts=name_counts)
