"""Simulator settings: the scale knobs (``SimConfig``) and the behaviour per difficulty.

``SimConfig`` holds what a caller chooses (size, seed, class shares, audit target);
``Behaviour`` holds how the simulated world acts at one difficulty. docs/simulator.md
explains where each default comes from.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace

import numpy as np

from training.simulator.world import World

DAY = 86_400.0
HOUR = 3_600.0


@dataclass(frozen=True)
class Behaviour:
    """How the simulated world behaves at one difficulty (see ``BEHAVIOURS``)."""

    lurker_share: float  # genuine accounts that barely post or follow (profile looks cheap)
    heavy_follower_share: float  # genuine accounts following 1,500+ (look like mass followers)
    viral_share: float  # genuine follows of popular accounts that land in a viral burst
    premium_share: float  # bought accounts with genuine-looking profiles ("high quality")
    bot_followers: float  # median platform followers of a standard bought account
    bot_posts: float  # median posts of a standard bought account that posts at all
    bot_avatar: float  # share of standard bought accounts with an avatar
    bot_bio: float  # share of standard bought accounts with a non-empty bio
    batch_spread_h: float  # hours over which one vendor batch of accounts is created
    bot_max_age_d: float  # oldest vendor batch (days before observation)
    camouflage: float  # mean follows of popular genuine accounts per bought account
    ring: float  # mean follows between accounts of the same vendor
    delivery_h: float  # mean hours from purchase to a delivered follow
    drip_share: float  # purchases delivered slowly ("drip-feed") to dodge detection
    like_vendor_share: float  # vendors that also sell likes
    subtle_mass_share: float  # mass followers that stay under 1,500 following
    mass_following: float  # median following of a standard mass follower
    unfollow_share: float  # non-reciprocated follows a mass follower later unfollows
    missing: dict[str, float]  # field -> share of accounts where it was not collected
    missing_at: float  # share of edges without a timestamp
    label_noise: float  # share of accounts carrying a wrong label
    # Vendors whose stock carries names harvested from people (no template, no digit run)
    harvested_names: float = 0.0
    # People who joined within the last two months: new real accounts look quiet too
    newcomer_share: float = 0.0


#: Field-missingness rates at collection time. Likes and lists are hidden by several
#: platforms; creation dates are not exposed by Instagram's public API.
_MISSING_REALISTIC = {
    "followers_count": 0.01, "following_count": 0.01, "posts_count": 0.02,
    "likes_count": 0.25, "listed_count": 0.3, "has_avatar": 0.03, "verified": 0.03,
    "private": 0.1, "username": 0.01, "bio": 0.05, "created_at": 0.15,
}

BEHAVIOURS: dict[str, Behaviour] = {
    "easy": Behaviour(
        lurker_share=0.02, heavy_follower_share=0.01, viral_share=0.0, premium_share=0.0,
        bot_followers=8, bot_posts=20, bot_avatar=0.15, bot_bio=0.1, batch_spread_h=0.5,
        bot_max_age_d=700, camouflage=1.0, ring=0.2, delivery_h=1.0, drip_share=0.0,
        like_vendor_share=0.5, subtle_mass_share=0.0, mass_following=4_000,
        unfollow_share=0.95, missing={}, missing_at=0.0, label_noise=0.0,
    ),
    "realistic": Behaviour(
        lurker_share=0.08, heavy_follower_share=0.03, viral_share=0.05, premium_share=0.1,
        bot_followers=14, bot_posts=70, bot_avatar=0.4, bot_bio=0.25, batch_spread_h=2.0,
        bot_max_age_d=1_100, camouflage=3.0, ring=0.5, delivery_h=3.0, drip_share=0.15,
        like_vendor_share=0.5, subtle_mass_share=0.1, mass_following=3_200,
        unfollow_share=0.85, missing=_MISSING_REALISTIC, missing_at=0.05, label_noise=0.0,
        newcomer_share=0.02,
    ),
    "hard": Behaviour(
        lurker_share=0.2, heavy_follower_share=0.08, viral_share=0.15, premium_share=0.55,
        bot_followers=30, bot_posts=150, bot_avatar=0.75, bot_bio=0.55, batch_spread_h=24.0,
        bot_max_age_d=3_000, camouflage=8.0, ring=2.0, delivery_h=6.0, drip_share=0.4,
        like_vendor_share=0.6, subtle_mass_share=0.3, mass_following=2_400,
        unfollow_share=0.7, missing={k: min(2 * v + 0.05, 0.6) for k, v in
                                     _MISSING_REALISTIC.items()},
        missing_at=0.15, label_noise=0.015, newcomer_share=0.04,
    ),
}


@dataclass
class SimConfig:
    """What to simulate. Shares are of all accounts, or of the target's audience in
    audit mode (``audit_of`` set). Unknown difficulties and impossible shares raise."""

    accounts: int = 20_000  # accounts in the graph (audit mode: target + audience)
    seed: int = 0  # same seed and settings -> identical graph
    difficulty: str = "realistic"  # easy | realistic | hard (see BEHAVIOURS)
    audit_of: str | None = None  # user name of an audited target; None = a whole community
    bought_share: float = 0.2  # share of bought followers
    mass_share: float = 0.1  # share of mass followers
    observed_at: str = "2025-06-01T00:00:00Z"  # collection instant: the graph's "now"
    community_size: float = 200.0  # mean genuine accounts per interest community
    influencer_share: float = 0.002  # genuine accounts with large (10k+) audiences
    genuine_degree: float = 4.0  # mean in-graph follows made by a genuine account
    local_share: float = 0.75  # genuine follows that stay inside the own community
    reciprocity: float = 0.35  # chance an ordinary genuine account follows back a genuine
    purchases_per_bot: float = 4.0  # mean customers each bought account was sold to
    purchase_size: float = 300.0  # median follows per purchase (a burst)
    vendor_size: float = 5_000.0  # mean accounts per vendor
    mass_degree: float = 20.0  # mean in-graph follows made by a mass follower
    followback: float = 0.3  # chance an ordinary genuine account follows a mass follower back
    behaviour: dict[str, object] = field(default_factory=dict)  # overrides of Behaviour fields
    world: World = field(default_factory=World)  # platform and vendor styles (world.py)

    def __post_init__(self) -> None:
        if self.difficulty not in BEHAVIOURS:
            raise ValueError(
                f"difficulty {self.difficulty!r} is not one of {', '.join(BEHAVIOURS)}"
            )
        if self.accounts < 2:
            raise ValueError(f"accounts must be at least 2, got {self.accounts}")
        for name in ("bought_share", "mass_share", "local_share", "reciprocity", "followback"):
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                raise ValueError(f"{name} must lie in [0, 1], got {value}")
        if self.bought_share + self.mass_share > 1.0:
            raise ValueError(
                f"bought_share + mass_share = {self.bought_share + self.mass_share} exceeds 1"
            )
        if self.class_sizes()[0] < 1:
            raise ValueError("the shares leave no genuine account (customers and targets "
                             "of bought and mass followers are genuine)")
        known = {f.name for f in fields(Behaviour)}
        unknown = sorted(set(self.behaviour) - known)
        if unknown:
            raise ValueError(f"unknown behaviour override(s): {', '.join(unknown)}")

    def resolved_behaviour(self) -> Behaviour:
        """The difficulty's behaviour with ``behaviour`` overrides applied."""
        return replace(BEHAVIOURS[self.difficulty], **self.behaviour)

    def observed_seconds(self) -> float:
        """``observed_at`` as seconds since the Unix epoch."""
        stamp = np.datetime64(self.observed_at.rstrip("Z"), "s")
        return float(stamp.astype(np.int64))

    def class_sizes(self) -> tuple[int, int, int]:
        """(genuine, bought, mass) account counts; the audit target counts as genuine."""
        pool = self.accounts - 1 if self.audit_of is not None else self.accounts
        bought = int(round(pool * self.bought_share))
        mass = int(round(pool * self.mass_share))
        return self.accounts - bought - mass, bought, mass
