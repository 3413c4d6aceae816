"""Audit-shaped graphs: one target account and its audience.

The target is a genuine account with a large audience; every other account of the
graph follows it. Genuine fans came over the years, a share of them (``viral_share``)
within the hour of a viral post or a starter pack (harmless lockstep); the target's
bought followers came in purchases (bursts from one vendor's stock, in creation order);
mass followers that still follow it mostly followed in the last days, before their
unfollow round.
"""

from __future__ import annotations

import numpy as np

from training.simulator.config import DAY, HOUR, Behaviour, SimConfig
from training.simulator.tables import EdgeLog, Profiles, coin, counts, uniform_between
from training.simulator.vendors import DRIP_H, Bought

RECENT_D = 6.0  # days within which a mass follower has not yet unfollowed
VIRAL_MOMENTS = 3  # viral posts or starter packs that bring a target many fans at once
RECENT_SHARE = 0.6  # mass followers in the audience that followed that recently


def dress_target(rng: np.random.Generator, profiles: Profiles, target: int, name: str,
                 audience: int, now: float) -> None:
    """Give row ``target`` the profile of an established account named ``name``."""
    p = profiles
    p.followers[target] = max(audience, counts(rng, 60_000, 1.0, 1)[0])
    p.following[target] = counts(rng, 500, 0.8, 1)[0]
    p.posts[target] = counts(rng, 2_500, 0.8, 1)[0]
    p.likes[target] = counts(rng, 3_000, 1.0, 1)[0]
    p.listed[target] = np.round(p.followers[target] * 0.01)
    p.has_avatar[target], p.private[target] = 1.0, 0.0
    p.verified[target] = coin(rng, 0.3, 1)[0]
    p.username[target] = name
    p.created_at[target] = now - np.round(rng.uniform(2_000, 4_000) * DAY)


def audience_edges(rng: np.random.Generator, target: int, created: np.ndarray,
                   genuine: int, bought: Bought, mass: tuple[int, int], config: SimConfig,
                   beh: Behaviour, now: float, log: EdgeLog) -> None:
    """Every account follows ``target``, timed the way its class would.

    Args:
        created: creation time of every account.
        genuine: genuine accounts occupy rows ``0..genuine``.
        bought: the bought block, which starts at row ``genuine``.
        mass: (first row, count) of the mass followers.
    """
    since = created[target]
    fans = np.setdiff1d(np.arange(genuine), [target])
    at = uniform_between(rng, np.maximum(created[fans], since), np.full(len(fans), now))
    # A viral post or a starter pack: a share of the fans arrive within the hour of one of
    # a few moments, people of every age (nobody follows before it exists).
    viral = np.flatnonzero(rng.random(len(fans)) < beh.viral_share)
    if len(viral):
        moments = uniform_between(rng, np.full(VIRAL_MOMENTS, since),
                                  np.full(VIRAL_MOMENTS, now - HOUR))
        burst = moments[rng.integers(0, VIRAL_MOMENTS, len(viral))]
        at[viral] = np.minimum(np.maximum(burst + rng.exponential(0.5 * HOUR, len(viral)),
                                          created[fans[viral]]), now)
    log.add(fans, np.full(len(fans), target), "follow", at)

    n = len(bought.vendor)
    if n:
        # The target's own orders: consecutive runs of a vendor's creation-sorted stock.
        new = np.r_[True, bought.vendor[1:] != bought.vendor[:-1]]
        new |= rng.random(n) < 1.0 / config.purchase_size
        first = np.flatnonzero(new)
        order = np.cumsum(new) - 1
        stamp = bought.profiles.created_at
        ready = np.maximum(np.maximum.reduceat(stamp, first), since)
        t0 = uniform_between(rng, ready, np.full(len(first), now - HOUR))
        drip = rng.random(len(first)) < beh.drip_share
        scale = np.where(drip, DRIP_H, beh.delivery_h)[order] * HOUR
        at = np.minimum(t0[order] + rng.exponential(1.0, n) * scale, now)
        log.add(genuine + np.arange(n), np.full(n, target), "follow", at)

    start, count = mass
    rows = start + np.arange(count)
    recent = rng.random(count) < RECENT_SHARE
    low = np.maximum(created[rows], np.where(recent, now - RECENT_D * DAY, now - 365 * DAY))
    log.add(rows, np.full(count, target), "follow",
            uniform_between(rng, np.maximum(low, since), np.full(count, now)))
