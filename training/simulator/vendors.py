"""Bought followers: vendor stock made in batches, sold as bursts of follows.

A few vendors each run a pool of accounts created in batches (creation times within
hours, one user-name template). A purchase takes a run of the vendor's accounts that
existed at the time and points them at the customer within hours (or, for drip-feed
orders, days). Accounts also follow popular genuine accounts (camouflage) and each other
(rings that inflate their follower counts); some vendors sell likes the same way.
Standard accounts match Cresci-2015's fake followers (median 12-18 followers, ~340
following, few posts); "premium" accounts copy genuine profiles.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from training.simulator import names
from training.simulator.config import DAY, HOUR, Behaviour, SimConfig
from training.simulator.tables import EdgeLog, Picker, Profiles, coin, counts, uniform_between

BATCH_SIZE = 150  # mean accounts per creation batch
DRIP_H = 72.0  # mean hours between purchase and follow for drip-feed orders
LIKES_PER_BOT = 2.0  # mean sold likes per account of a vendor that sells likes
LIKE_ORDER = 100.0  # median likes per like order


@dataclass
class Bought:
    """The bought block, sorted by vendor and, within a vendor, by creation time."""

    profiles: Profiles
    vendor: np.ndarray
    start: np.ndarray  # first row of each vendor in the block
    size: np.ndarray  # accounts per vendor
    sells_likes: np.ndarray  # bool per vendor
    premium: np.ndarray  # bool per account: a genuine-looking ("premium") account


def make_bought(rng: np.random.Generator, n: int, config: SimConfig, beh: Behaviour,
                now: float) -> Bought:
    """Profiles of ``n`` bought accounts in vendor batches; each vendor's stock has one
    of the world's vendor styles (``training.simulator.world``)."""
    if n == 0:
        nothing = np.zeros(0, np.int64)
        return Bought(Profiles.empty(), nothing, nothing, nothing, np.zeros(0, bool),
                      np.zeros(0, bool))
    n_vendors = max(1, min(n // 50, max(3, round(n / config.vendor_size))))
    share = np.exp(0.6 * rng.standard_normal(n_vendors))
    vendor = np.sort(rng.choice(n_vendors, n, p=share / share.sum()))
    styles, weights = zip(*config.world.vendor_styles(beh), strict=True)
    weights = np.asarray(weights, np.float64)
    style_of = rng.choice(len(styles), n_vendors, p=weights / weights.sum())
    pick = lambda attr: np.array([getattr(styles[k], attr) for k in style_of])  # noqa: E731
    new_batch = np.r_[True, vendor[1:] != vendor[:-1]] | (rng.random(n) < 1 / BATCH_SIZE)
    batch = np.cumsum(new_batch) - 1
    batch_vendor = vendor[np.flatnonzero(new_batch)]
    batch_age = rng.uniform(pick("min_age_days")[batch_vendor],
                            pick("max_age_days")[batch_vendor]) * DAY
    created = np.round(now - batch_age[batch] + rng.exponential(beh.batch_spread_h * HOUR, n))
    created = np.minimum(created, now - DAY)
    order = np.lexsort((created, vendor))
    vendor, created = vendor[order], created[order]
    size = np.bincount(vendor, minlength=n_vendors)

    per = lambda attr: pick(attr)[vendor]  # noqa: E731
    premium = rng.random(n) < beh.premium_share
    followers = np.round(per("followers") * np.exp(0.6 * rng.standard_normal(n)))
    following = np.clip(np.round(per("following") * np.exp(
        per("following_sigma") * rng.standard_normal(n))), 20,
        config.world.platform.following_cap)
    posts = (np.round(per("posts") * np.exp(rng.standard_normal(n)))
             * (rng.random(n) >= per("zero_posts")))
    likes = counts(rng, 10, 1.2, n) * (rng.random(n) > 0.5)
    listed = rng.poisson(0.03, n).astype(np.float64)
    avatar, bio_share, private = per("avatar"), per("bio"), per("private")
    # Premium accounts copy the platform's people, somewhat smaller and less active.
    k, people = int(premium.sum()), config.world.platform.people
    followers[premium] = counts(rng, 0.6 * people.followers, 0.9, k)
    following[premium] = counts(rng, 1.2 * people.following, 0.7, k, low=20, high=5_000)
    posts[premium] = counts(rng, max(5.0, 0.3 * people.posts_per_day
                                     * config.world.platform.age_days), 1.0, k)
    likes[premium] = counts(rng, 200, 1.3, k)
    listed[premium] = rng.poisson(0.3, k)
    avatar[premium], bio_share[premium] = 0.93, 0.7
    private[premium] = 0.02  # premium stock stays public: its copied posts are its cover

    bio_present = rng.random(n) < bio_share
    username = np.where(premium, names.genuine_names(rng, n), names.vendor_names(rng, vendor))
    if beh.harvested_names > 0:  # no draw otherwise: the fixed difficulties stay as they were
        harvests = (rng.random(n_vendors) < beh.harvested_names)[vendor]
        username = np.where(harvests, names.genuine_names(rng, n), username)
    bio = np.where(premium, names.genuine_bios(rng, n, bio_present),
                   names.bot_bios(rng, n, bio_present))
    profiles = Profiles(
        followers=followers, following=following, posts=posts, likes=likes, listed=listed,
        has_avatar=coin(rng, avatar, n), verified=np.zeros(n), private=coin(rng, private, n),
        username=username, bio=bio, created_at=created,
    )
    start = np.cumsum(size) - size
    sells_likes = rng.random(n_vendors) < beh.like_vendor_share
    return Bought(profiles, vendor, start, size, sells_likes, premium)


def _stock_before(bought: Bought, vendor: np.ndarray, when: np.ndarray) -> np.ndarray:
    """How many of each vendor's accounts existed at ``when`` (rows are creation-sorted)."""
    created = bought.profiles.created_at
    span = created.max() - created.min() + 1e6 if len(created) else 1.0
    key = bought.vendor * span + (created - created.min())
    probe = vendor * span + (when - created.min())
    return np.searchsorted(key, probe, side="right") - bought.start[vendor]


def _ready(bought: Bought) -> np.ndarray:
    """When each vendor first had a fifth of its stock: sales start after that."""
    offset = bought.start + np.floor(0.2 * bought.size).astype(np.int64)
    return bought.profiles.created_at[np.minimum(offset, len(bought.vendor) - 1)]


def _after_signup(rng: np.random.Generator, t0: np.ndarray, born: np.ndarray,
                  now: float) -> np.ndarray:
    """Order times moved, where a customer signed up after ``t0``, to a uniform instant
    between its sign-up and an hour before ``now`` (a shop sells to accounts that exist).
    Drawn after every other draw of the order, so the rest of the world stays as it was;
    later orders only find more stock, so the accounts chosen at ``t0`` still exist."""
    late = np.flatnonzero(t0 < born)
    moved = t0.copy()
    moved[late] = uniform_between(rng, born[late], np.full(len(late), now - HOUR))
    return moved


def purchase_edges(rng: np.random.Generator, bought: Bought, offset: int, customers: Picker,
                   config: SimConfig, beh: Behaviour, now: float,
                   log: EdgeLog, born: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Follow bursts: each purchase is a run of one vendor's accounts following one
    customer within hours, once the customer exists (``born``: every account's creation
    time). Returns (customer, vendor) per purchase."""
    n = len(bought.vendor)
    if n == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    mean_size = config.purchase_size * np.exp(0.18)
    orders = max(1, int(np.ceil(n * config.purchases_per_bot / mean_size)))
    vendor = rng.choice(len(bought.size), orders, p=bought.size / n)
    size = np.clip(np.round(config.purchase_size * np.exp(0.6 * rng.standard_normal(orders))),
                   20, 5_000).astype(np.int64)
    t0 = uniform_between(rng, _ready(bought)[vendor], np.full(orders, now - HOUR))
    stock = _stock_before(bought, vendor, t0)
    size = np.minimum(size, stock)
    first = bought.start[vendor] + np.floor(rng.random(orders) * (stock - size + 1)).astype(
        np.int64)
    customer = customers.draw(rng, orders)

    order_of = np.repeat(np.arange(orders), size)
    rank = np.arange(len(order_of)) - np.repeat(np.cumsum(size) - size, size)
    drip = rng.random(orders) < beh.drip_share
    scale = np.where(drip, DRIP_H, beh.delivery_h)[order_of] * HOUR
    at = t0[order_of] + rng.exponential(1.0, len(order_of)) * scale
    at += (_after_signup(rng, t0, born[customer], now) - t0)[order_of]
    log.add(offset + first[order_of] + rank, customer[order_of], "follow", at)
    return customer, vendor


def camouflage_edges(rng: np.random.Generator, bought: Bought, offset: int, popular: Picker,
                     beh: Behaviour, now: float, log: EdgeLog, born: np.ndarray) -> None:
    """Follows of popular genuine accounts, and of accounts of the same vendor (rings),
    each once both accounts exist (``born``: every account's creation time; aged stock
    is years older than many of the people it follows)."""
    n = len(bought.vendor)
    created = bought.profiles.created_at
    k = rng.poisson(beh.camouflage, n)
    src = np.repeat(np.arange(n), k)
    dst = popular.draw(rng, len(src))
    log.add(offset + src, dst, "follow",
            uniform_between(rng, np.maximum(created[src], born[dst]), np.full(len(src), now)))
    k = rng.poisson(beh.ring, n)
    src = np.repeat(np.arange(n), k)
    v = bought.vendor[src]
    dst = bought.start[v] + rng.integers(0, bought.size[v])
    log.add(offset + src, offset + dst, "follow",
            uniform_between(rng, np.maximum(created[src], created[dst]), np.full(len(src), now)))


def like_edges(rng: np.random.Generator, bought: Bought, offset: int, sales: tuple,
               customers: Picker, now: float, log: EdgeLog, born: np.ndarray) -> None:
    """Sold likes: bursts of likes from one vendor's accounts on one customer, once the
    customer exists (``born``: every account's creation time)."""
    sold_to, sold_by = sales
    vendors = np.flatnonzero(bought.sells_likes)
    if len(vendors) == 0 or len(bought.vendor) == 0:
        return
    total = bought.size[vendors].sum() * LIKES_PER_BOT
    orders = max(1, int(total / (LIKE_ORDER * np.exp(0.25))))
    vendor = rng.choice(vendors, orders, p=bought.size[vendors] / bought.size[vendors].sum())
    size = np.clip(np.round(LIKE_ORDER * np.exp(0.7 * rng.standard_normal(orders))), 10, 2_000)
    # Customers who bought followers from a vendor also buy its likes.
    by_vendor = np.argsort(sold_by, kind="stable")
    first = np.searchsorted(sold_by[by_vendor], vendor)
    sold = np.searchsorted(sold_by[by_vendor], vendor, side="right") - first
    pick = by_vendor[np.minimum(first + rng.integers(0, np.maximum(sold, 1)), len(sold_by) - 1)]
    customer = np.where(sold > 0, sold_to[pick], customers.draw(rng, orders))
    t0 = uniform_between(rng, _ready(bought)[vendor], np.full(orders, now - HOUR))
    stock = _stock_before(bought, vendor, t0)
    size = np.minimum(size, stock).astype(np.int64)
    order_of = np.repeat(np.arange(orders), size)
    src = bought.start[vendor][order_of] + rng.integers(0, stock[order_of])
    at = t0[order_of] + rng.exponential(HOUR, len(order_of))
    at += (_after_signup(rng, t0, born[customer], now) - t0)[order_of]
    log.add(offset + src, customer[order_of], "like", at)
