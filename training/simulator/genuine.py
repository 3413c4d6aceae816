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

#: Viral moments per account: the instants a popular account's follows may pile up at.
MOMENTS = 3


@dataclass
class Genuine:
    """The genuine block: profiles plus what the edge generators need."""

    profiles: Profiles
    community: np.ndarray  # interest community per account
    lurker: np.ndarray  # bool: barely active
    influencer: np.ndarray  # bool: audience of 10k and more


#: Newcomers joined at most this many days before observation.
NEWCOMER_DAYS = 60.0


def make_genuine(rng: np.random.Generator, n: int, config: SimConfig, beh: Behaviour,
                 now: float) -> Genuine:
    """Profiles of ``n`` genuine accounts observed at ``now``, shaped like the people of
    ``config.world.platform``."""
    platform = config.world.platform
    lurker = rng.random(n) < beh.lurker_share
    influencer = ~lurker & (rng.random(n) < config.influencer_share)
    heavy = ~lurker & ~influencer & (rng.random(n) < beh.heavy_follower_share)
    z1, z2, z3 = rng.standard_normal((3, n))
    # Broad: a growing platform has many new people (a tenth under half a year here).
    age = np.clip(platform.age_days * np.exp(1.0 * rng.standard_normal(n)), 3,
                  platform.max_age_days)
    cap = platform.following_cap
    followers, following, posts = (np.zeros(n) for _ in range(3))
    avatar, private, bio_share = (np.zeros(n) for _ in range(3))
    for crowd, rows in ((platform.people, ~lurker), (platform.lurkers, lurker)):
        k = int(rows.sum())
        a, b, c = z1[rows], z2[rows], z3[rows]
        followers[rows] = counts(rng, crowd.followers, crowd.followers_sigma, k, a)
        # Followers and following go together (follow-backs). Cresci-2015's genuine
        # accounts correlate 0.8 in logs, but the upper tail of their ratio is thinner
        # than a log-normal's: 12% follow more than five times their audience, which
        # log-correlation 0.9 reproduces (0.8 gave a fifth). Each crowd sets its own
        # (``Crowd.log_corr``); sqrt(1 - r²) keeps following's own sigma.
        r = crowd.log_corr
        following[rows] = counts(rng, crowd.following, crowd.following_sigma, k,
                                 r * a + np.sqrt(1.0 - r * r) * b, high=cap)
        # Posting rate per day, so older accounts have posted more.
        rate = crowd.posts_per_day * np.exp(crowd.posts_sigma * (0.4 * a + 0.92 * c))
        posts[rows] = np.round(age[rows] * rate) * (rng.random(k) >= crowd.zero_posts)
        avatar[rows], private[rows], bio_share[rows] = crowd.avatar, crowd.private, crowd.bio
    likes = counts(rng, platform.likes, 1.5, n, 0.6 * z3 + 0.8 * rng.standard_normal(n))
    likes[lurker] = np.round(likes[lurker] * 0.05)
    verified = np.full(n, platform.verified)

    before = following[heavy]
    following[heavy] = counts(rng, config.world.heavy_following, 0.45, int(heavy.sum()),
                              high=cap)
    # Following more brings follow-backs: their audience grows with it, less than 1:1.
    followers[heavy] = np.round(followers[heavy] * (following[heavy] / (before + 1)) ** 0.7)
    k = int(influencer.sum())
    followers[influencer] = np.minimum(np.round(10_000 * (1 + rng.pareto(1.1, k))), 5e7)
    following[influencer] = counts(rng, 400, 1.2, k, high=cap)
    posts[influencer] = counts(rng, 5_000, 1.0, k)
    verified[influencer], private[influencer] = 0.4, 0.0
    avatar[influencer] = 1.0

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
    _make_newcomers(rng, profiles, ~lurker & ~influencer & ~heavy, beh, now)
    return Genuine(profiles, community, lurker, influencer)


def _make_newcomers(rng: np.random.Generator, p: Profiles, eligible: np.ndarray,
                    beh: Behaviour, now: float) -> None:
    """Turn a share of ``eligible`` people into newcomers, in place: people who joined
    within the last ``NEWCOMER_DAYS`` days (drawn last, so every other draw of the
    genuine stream is as it was)."""
    share = beh.newcomer_share * np.exp(0.5 * rng.standard_normal())
    new = eligible & (rng.random(len(eligible)) < share)
    k = int(new.sum())
    if k == 0:
        return
    age = rng.uniform(1.0, NEWCOMER_DAYS, k)
    # The accounts a platform suggests at sign-up and a few friends; the friends follow
    # back; posting has barely begun; likes given so far in proportion to the age.
    p.following[new] = counts(rng, 40, 0.8, k)
    p.followers[new] = counts(rng, 8, 1.0, k)
    p.posts[new] = np.round(rng.exponential(0.15 * age)) * (rng.random(k) >= 0.4)
    p.likes[new] = np.round(p.likes[new] * age / 365.0)
    p.listed[new] = 0.0
    p.has_avatar[new] = coin(rng, 0.6, k)
    p.bio[new] = names.genuine_bios(rng, k, rng.random(k) < 0.3)
    p.created_at[new] = now - np.round(age * DAY)


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
