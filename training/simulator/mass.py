"""Mass followers: people (often with a growth tool) who follow thousands to be followed.

They follow in sessions, hundreds a day, mostly small and mid-size accounts likely to
follow back, and each other (follow-for-follow); days later they unfollow most of those
who did not follow back, and some who did. Their follower counts are moderate to high,
made of follow-backs. Following counts sit above HypeAuditor's 1,500 line, except for
the "subtle" ones that cap themselves below it.
"""

from __future__ import annotations

import numpy as np

from training.simulator import names
from training.simulator.config import DAY, HOUR, Behaviour, SimConfig
from training.simulator.tables import EdgeLog, Picker, Profiles, coin, counts, uniform_between

SESSIONS = 6  # most follow sessions one account runs inside the window
WINDOW_D = 180.0  # days before observation in which the sessions fall
SESSION_H = 12.0  # hours one session lasts
PEER_SHARE = 0.15  # follows aimed at other mass followers (follow-for-follow)


def make_mass(rng: np.random.Generator, n: int, beh: Behaviour, now: float) -> Profiles:
    """Profiles of ``n`` mass followers."""
    if n == 0:
        return Profiles.empty()
    subtle = rng.random(n) < beh.subtle_mass_share
    following = counts(rng, beh.mass_following, 0.45, n, low=300, high=7_500)
    following[subtle] = counts(rng, 1_100, 0.3, int(subtle.sum()), low=300, high=1_499)
    # Their audience is mostly follow-backs: a fraction of whom they follow.
    followers = np.round(following * 0.3 * np.exp(0.6 * rng.standard_normal(n)))
    age = np.clip(900 * np.exp(0.7 * rng.standard_normal(n)), 30, 5_000)
    bio_present = rng.random(n) < 0.85
    return Profiles(
        followers=followers, following=following, posts=counts(rng, 300, 1.2, n),
        likes=counts(rng, 3_000, 1.0, n),
        listed=rng.poisson(followers * 0.003).astype(np.float64),
        has_avatar=coin(rng, 0.93, n), verified=coin(rng, 0.001, n), private=coin(rng, 0.04, n),
        username=names.genuine_names(rng, n), bio=names.mass_bios(rng, n, bio_present),
        created_at=now - np.round(age * DAY),
    )


def campaign_edges(rng: np.random.Generator, mass: Profiles, offset: int, targets: Picker,
                   followers: np.ndarray, config: SimConfig, beh: Behaviour, now: float,
                   log: EdgeLog) -> None:
    """Follow sessions, follow-backs, unfollows of the unreciprocated, bait likes.

    Args:
        mass: the mass-follower profiles (rows ``offset..offset+len``).
        targets: genuine accounts weighted by how likely a growth tool aims at them.
        followers: platform follower count of every account, to set follow-back odds.
    """
    n = len(mass)
    if n == 0:
        return
    expected = config.mass_degree * mass.following / np.median(mass.following)
    degree = np.minimum(rng.poisson(expected), mass.following).astype(np.int64)
    src = np.repeat(np.arange(n), degree)
    k = len(src)
    peer = rng.random(k) < PEER_SHARE
    dst = np.where(peer, offset + rng.integers(0, n, k), targets.draw(rng, k))

    sessions = 1 + np.minimum(rng.poisson(2.0, n), SESSIONS - 1)
    low = np.maximum(mass.created_at, now - WINDOW_D * DAY)
    start = uniform_between(rng, np.repeat(low, SESSIONS), np.full(n * SESSIONS, now))
    session = rng.integers(0, sessions[src])
    at = start[src * SESSIONS + session] + rng.uniform(0, SESSION_H * HOUR, k)
    src = offset + src
    log.add(src, dst, "follow", at)

    back_p = np.where(peer, 0.6, config.followback / (1.0 + followers[dst] / 1_000))
    back = rng.random(k) < back_p
    log.add(dst[back], src[back], "follow", at[back] + rng.exponential(10 * HOUR, int(back.sum())))
    # Unfollow most who ignored them a few days later, and a few who did follow back.
    drop = np.where(back, rng.random(k) < 0.15, rng.random(k) < beh.unfollow_share)
    delay = np.where(back, rng.uniform(7, 30, k), rng.uniform(1, 7, k)) * DAY
    log.add(src[drop], dst[drop], "unfollow", at[drop] + delay[drop])
    bait = rng.random(k) < 0.25
    log.add(src[bait], dst[bait], "like", at[bait] - rng.uniform(0, 600, int(bait.sum())))
