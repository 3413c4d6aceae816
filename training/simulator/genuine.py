"""Genuine accounts: people in interest communities, a few influencers, some lurkers.

Follower counts are log-normal around Cresci-2015's genuine median (about 100) with a
Pareto tail of influencers; follows stay mostly inside a community and go to popular
accounts (preferential attachment); ordinary accounts often follow back, influencers
rarely do; likes, comments, shares and mentions flow along follows.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from training.simulator import names
from training.simulator.config import DAY, HOUR, Behaviour, SimConfig
from training.simulator.tables import EdgeLog, Picker, Profiles, coin, counts, uniform_between

#: Share of ordinary genuine accounts with an avatar, private, verified (platform norms).
AVATAR, PRIVATE, VERIFIED = 0.96, 0.12, 0.002
#: Viral moments per account: the instants a popular account's follows may pile up at.
MOMENTS = 3


@dataclass
class Genuine:
    """The genuine block: profiles plus what the edge generators need."""

    profiles: Profiles
    community: np.ndarray  # interest community per account
    lurker: np.ndarray  # bool: barely active
    influencer: np.ndarray  # bool: audience of 10k and more


def make_genuine(rng: np.random.Generator, n: int, config: SimConfig, beh: Behaviour,
                 now: float) -> Genuine:
    """Profiles of ``n`` genuine accounts observed at ``now``."""
    lurker = rng.random(n) < beh.lurker_share
    influencer = ~lurker & (rng.random(n) < config.influencer_share)
    heavy = ~lurker & ~influencer & (rng.random(n) < beh.heavy_follower_share)
    z1, z2, z3 = rng.standard_normal((3, n))
    age = np.clip(1_400 * np.exp(0.6 * rng.standard_normal(n)), 20, 6_000)
    followers = counts(rng, 110, 1.5, n, z1)
    following = counts(rng, 230, 1.05, n, 0.5 * z1 + 0.87 * z2, high=7_500)
    # Posting rate per day, so older accounts have posted more (median about 1,000).
    posts = np.round(age * (1_150 / 1_400) * np.exp(1.1 * (0.4 * z1 + 0.92 * z3)))
    likes = counts(rng, 450, 1.5, n, 0.6 * z3 + 0.8 * rng.standard_normal(n))
    avatar, private, verified = (np.full(n, p) for p in (AVATAR, PRIVATE, VERIFIED))
    bio_share = np.full(n, 0.75)

    following[heavy] = counts(rng, 2_500, 0.45, int(heavy.sum()), high=7_500)
    k = int(lurker.sum())
    followers[lurker] = counts(rng, 12, 1.0, k)
    following[lurker] = counts(rng, 80, 0.9, k)
    posts[lurker] = counts(rng, 8, 1.2, k) * (rng.random(k) > 0.3)
    likes[lurker] = counts(rng, 20, 1.5, k)
    avatar[lurker], private[lurker], bio_share[lurker] = 0.5, 0.25, 0.3
    k = int(influencer.sum())
    followers[influencer] = np.minimum(np.round(10_000 * (1 + rng.pareto(1.1, k))), 5e7)
    following[influencer] = counts(rng, 400, 1.2, k)
    posts[influencer] = counts(rng, 5_000, 1.0, k)
    verified[influencer], private[influencer] = 0.4, 0.0

    listed = rng.poisson(followers * 0.012 * np.exp(0.5 * rng.standard_normal(n)))
    bio_present = rng.random(n) < bio_share
    profiles = Profiles(
        followers=followers, following=following, posts=posts, likes=likes,
        listed=listed.astype(np.float64), has_avatar=coin(rng, avatar, n),
        verified=coin(rng, verified, n), private=coin(rng, private, n),
        username=names.genuine_names(rng, n), bio=names.genuine_bios(rng, n, bio_present),
        created_at=now - np.round(age * DAY * (1 + 0.01 * rng.random(n))),
    )
    sizes = np.exp(0.8 * rng.standard_normal(max(1, round(n / config.community_size))))
    community = rng.choice(len(sizes), n, p=sizes / sizes.sum())
    return Genuine(profiles, community, lurker, influencer)


def follow_edges(rng: np.random.Generator, gen: Genuine, config: SimConfig, beh: Behaviour,
                 now: float, log: EdgeLog) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Follows among genuine accounts (indices ``0..n``), follow-backs included.

    Returns the follows as ``(src, dst, at)`` so interactions can flow along them.
    """
    p = gen.profiles
    n = len(p)
    if n < 2:
        return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0)
    pull = p.followers + 1.0
    local = Picker(np.arange(n), pull, gen.community)
    everyone = Picker(np.arange(n), pull)
    expected = config.genuine_degree * p.following / max(p.following.mean(), 1.0)
    degree = np.minimum(rng.poisson(expected), p.following).astype(np.int64)
    src = np.repeat(np.arange(n), degree)
    is_local = rng.random(len(src)) < config.local_share
    dst = np.empty(len(src), np.int64)
    dst[is_local] = local.draw_in(rng, gen.community[src[is_local]])
    dst[~is_local] = everyone.draw(rng, int((~is_local).sum()))

    created = p.created_at
    start = np.maximum(created[src], created[dst])
    at = uniform_between(rng, start, np.full(len(src), now))
    # Viral moments: some follows of accounts from outside the community pile up within
    # hours of one post, as a real burst of attention does.
    moments = uniform_between(rng, np.repeat(created, MOMENTS), np.full(n * MOMENTS, now))
    viral = ~is_local & (rng.random(len(src)) < beh.viral_share)
    burst = moments[dst[viral] * MOMENTS + rng.integers(0, MOMENTS, int(viral.sum()))]
    burst = burst + rng.exponential(3 * HOUR, len(burst))
    at[viral] = np.where(burst > start[viral], burst, at[viral])

    # Ordinary accounts follow back often; accounts with large audiences rarely do.
    back_p = config.reciprocity / (1.0 + p.followers[dst] / 5_000)
    back_p = np.where(gen.lurker[dst], 0.6 * back_p, back_p)
    back = rng.random(len(src)) < back_p
    back_at = at[back] + rng.exponential(2 * DAY, int(back.sum()))
    src, dst, at = (np.concatenate(pair) for pair in
                    ((src, dst[back]), (dst, src[back]), (at, back_at)))
    log.add(src, dst, "follow", at)
    return src, dst, at


def interaction_edges(rng: np.random.Generator, gen: Genuine, src: np.ndarray,
                      dst: np.ndarray, at: np.ndarray, now: float, log: EdgeLog) -> None:
    """Likes, comments, shares and mentions along follows, after the follow."""
    active = np.where(gen.lurker[src], 0.2, 1.0)
    for kind, share, keep in (("like", 0.35, 1 / 3), ("comment", 0.08, 0.6),
                              ("share", 0.025, 0.8), ("mention", 0.05, 0.7)):
        pick = rng.random(len(src)) < share * active
        k = int(pick.sum())
        when = uniform_between(rng, at[pick], np.full(k, now))
        log.add(src[pick], dst[pick], kind, when, rng.geometric(keep, k))
