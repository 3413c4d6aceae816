"""The simulated world: which platform's people, which vendors' stock.

Two typed configs, composed by ``SimConfig``:

- ``Platform``: how ordinary genuine accounts and lurkers of one platform look
  (follower, following and post counts, avatar, privacy, bio, account ages). Twitter is
  calibrated to Cresci-2015's genuine accounts (docs/simulator.md); Instagram and TikTok
  to published figures (below) and to the medians the issue tracker quotes for
  InstaFake's real accounts (345 followers, 420 following, 30 posts, 99% avatar).
- ``VendorStyle``: how one follower shop's stock looks. A graph's vendors each draw one
  style from ``World.vendors``; the default world has the single ``standard`` style of
  the difficulty's ``Behaviour`` (Cresci-2015's fake followers).

``training.simulator.randomise.sample_world`` draws whole worlds at random around these
anchors, so that a model trained on many of them learns what holds across platforms
rather than one setting.

Sources for the platform anchors (rounded; the spread is deliberately wide):
- Instagram: median personal account about 150-350 followers and 300-500 following,
  tens of posts (Akyon & Kalfaoglu 2019; HypeAuditor's audience reports). The crowds are
  calibrated to the marginals of InstaFake's real class (design 27c,
  docs/transfer-protocol.md): 345 followers and 420 following, log sigmas about 0.8,
  log-correlated 0.76; 72% private, 98.7% with an avatar, 61% with a bio, 4% without a
  post; its accounts with fewer than three posts have about half the audience (174 / 206)
  and are less often private (62%) or pictured (93%), as the lurkers here.
- People rarely follow more than five times their audience (Cresci-2015's genuine 12%,
  InstaFake's real 3%): Instagram's people have narrow log sigmas (1.0 and 0.8).
- Lurkers are quiet: they barely post, and follow about two to three times as many
  accounts as follow them (the ratio of Cresci-2015's genuine median). Following far
  more than one is followed is what vendor stock does, not what quiet people do.
- TikTok: about half of users never post a video (Pew Research Center, "How U.S. adults
  use TikTok", 2024: most videos come from a small share of users); small audiences
  (median tens of followers), following in the low hundreds.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from training.simulator.config import Behaviour


@dataclass(frozen=True)
class Crowd:
    """Profile distribution of one kind of genuine account (log-normal counts)."""

    followers: float  # median followers
    followers_sigma: float  # log-normal sigma of followers
    following: float  # median following
    following_sigma: float  # log-normal sigma of following
    posts_per_day: float  # median posting rate over the account's life (posts = rate x age)
    posts_sigma: float  # log-normal sigma of the posting rate
    zero_posts: float  # share that never posted
    avatar: float  # share with an avatar
    private: float  # share of private accounts
    bio: float  # share with a non-empty bio
    log_corr: float = 0.9  # correlation of log followers and log following


@dataclass(frozen=True)
class Platform:
    """How genuine accounts of one platform look."""

    name: str
    people: Crowd  # ordinary genuine accounts
    lurkers: Crowd  # genuine accounts that barely post or follow
    age_days: float  # median account age at observation
    max_age_days: float  # the platform's own age: no account is older
    following_cap: float  # most accounts anyone may follow
    likes: float  # median likes given (NaN-free; a view hides it where not public)
    verified: float  # share of verified ordinary accounts
    hidden: tuple[str, ...] = ()  # account fields the platform never shows anyone


@dataclass(frozen=True)
class VendorStyle:
    """How one follower shop's stock looks (standard accounts; premium ones copy people)."""

    name: str
    followers: float  # median followers (log-normal, sigma 0.6)
    following: float  # median following
    following_sigma: float  # log-normal sigma of following
    posts: float  # median posts of the accounts that posted at all
    zero_posts: float  # share that never posted
    avatar: float  # share with an avatar
    bio: float  # share with a (template) bio
    min_age_days: float  # youngest creation batch, days before observation
    max_age_days: float  # oldest creation batch ("aged" stock is years old when sold)
    private: float = 0.02  # share of private stock (closed profiles hide the empty feed)


PLATFORMS: dict[str, Platform] = {
    "twitter": Platform(
        "twitter",
        people=Crowd(110, 1.5, 230, 1.05, 1_150 / 1_400, 1.1, 0.0, 0.96, 0.12, 0.75),
        lurkers=Crowd(15, 1.0, 40, 0.9, 8 / 1_400, 1.2, 0.3, 0.5, 0.25, 0.3),
        age_days=1_400, max_age_days=6_000, following_cap=7_500, likes=450,
        verified=0.002,
    ),
    "instagram": Platform(
        "instagram",
        people=Crowd(370, 0.8, 440, 0.8, 40 / 1_500, 1.3, 0.03, 0.99, 0.7, 0.62, 0.75),
        lurkers=Crowd(100, 1.0, 120, 1.0, 2 / 1_500, 1.2, 0.2, 0.9, 0.6, 0.35, 0.65),
        age_days=1_500, max_age_days=5_300, following_cap=7_500, likes=300,
        verified=0.002, hidden=("likes_count", "listed_count"),
    ),
    "tiktok": Platform(
        "tiktok",
        people=Crowd(60, 1.4, 160, 1.0, 30 / 900, 1.5, 0.3, 0.85, 0.15, 0.5),
        lurkers=Crowd(10, 1.0, 30, 0.9, 1 / 900, 1.0, 0.9, 0.5, 0.2, 0.15),
        age_days=900, max_age_days=3_000, following_cap=10_000, likes=800,
        verified=0.001, hidden=("likes_count", "listed_count"),
    ),
}


def standard_style(beh: Behaviour) -> VendorStyle:
    """The difficulty's own vendor stock (Cresci-2015's fake followers at ``realistic``)."""
    return VendorStyle("standard", followers=beh.bot_followers, following=340,
                       following_sigma=0.5, posts=beh.bot_posts, zero_posts=0.35,
                       avatar=beh.bot_avatar, bio=beh.bot_bio, min_age_days=14,
                       max_age_days=beh.bot_max_age_d)


#: Vendor styles seen in the literature and in vendor listings; ``standard`` comes from
#: the difficulty. ``bulk`` stock serves many orders, so it follows thousands (InstaFake's
#: fakes: median 1,447 following, 30 followers, no post); ``aged`` stock was registered
#: years before it is sold and keeps its old creation dates. Privacy is no proof of a
#: person: a closed profile hides an empty feed, and a third of InstaFake's fakes are
#: private (``bulk``; ``stocked`` half that).
VENDOR_STYLES: dict[str, VendorStyle] = {
    "bare": VendorStyle("bare", 5, 250, 0.7, 2, 0.85, 0.15, 0.05, 7, 400),
    "bulk": VendorStyle("bulk", 30, 1_500, 0.6, 3, 0.6, 0.6, 0.15, 30, 1_000, 0.3),
    "stocked": VendorStyle("stocked", 60, 600, 0.6, 12, 0.2, 0.9, 0.5, 60, 1_500, 0.15),
    "aged": VendorStyle("aged", 25, 400, 0.6, 20, 0.3, 0.7, 0.3, 1_500, 4_000),
}


@dataclass(frozen=True)
class World:
    """A platform and the vendor styles selling on it (``None``: the difficulty's own)."""

    platform: Platform = PLATFORMS["twitter"]
    vendors: tuple[tuple[VendorStyle, float], ...] | None = None  # (style, weight) pairs
    heavy_following: float = 2_500  # median following of genuine heavy followers
    notes: dict[str, object] = field(default_factory=dict)  # how a sampled world was drawn

    def vendor_styles(self, beh: Behaviour) -> tuple[tuple[VendorStyle, float], ...]:
        """The (style, weight) pairs vendors draw from."""
        return self.vendors if self.vendors else ((standard_style(beh), 1.0),)

    def with_platform(self, name: str) -> World:
        if name not in PLATFORMS:
            raise ValueError(f"platform {name!r} is not one of {', '.join(PLATFORMS)}")
        return replace(self, platform=PLATFORMS[name])
