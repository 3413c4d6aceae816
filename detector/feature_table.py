"""The feature table: every column ``detector.features.compute_features`` returns, in
order, with its group, why it helps, its direction and when it is unknown.

docs/features.md is generated from this table (``training.feature_docs``); models read
the signs and the unknown-when flags from it (``models.registry``).
"""

from __future__ import annotations

from dataclasses import dataclass

from detector.schema import PLATFORMS

#: Bumped whenever a feature is added, removed, reordered or changes meaning; a saved
#: model records it and refuses to load under a different version.
FEATURE_SCHEMA_VERSION = 6

#: Account ages beyond this many days count as this old in ``log_age_capped``.
YEAR_DAYS = 365.0
#: Following count from which HypeAuditor calls an account a mass follower.
MASS_FOLLOW_THRESHOLD = 1_500


@dataclass(frozen=True)
class Feature:
    """One column of the feature matrix.

    ``sign`` is domain knowledge a model may build in: ``+1`` a larger value never makes
    the account look more genuine, ``-1`` never less genuine, ``0`` no stated direction.
    ``unknown_when`` names the ``*_missing`` flags under which the value is not known (the
    raw value is then 0; a model should not read it as a real 0).
    """

    name: str
    group: str  # "profile", "flags", "graph" or "time": one encoder per group in the RGCN
    why: str
    sign: int = 0
    unknown_when: tuple[str, ...] = ()


FEATURES: tuple[Feature, ...] = (
    Feature("log_followers", "profile", "Bought accounts have almost no followers.", -1,
            ("followers_missing",)),
    Feature("log_following", "profile", "Bought follow hundreds; mass followers thousands.", 1,
            ("following_missing",)),
    Feature("log_posts", "profile", "Bought accounts rarely post; genuine ones post steadily.",
            -1, ("posts_missing",)),
    Feature("log_likes", "profile", "Likes given: automation leaves little real activity.", 0,
            ("likes_missing",)),
    Feature("log_listed", "profile", "Being listed by others is hard to fake.", -1,
            ("listed_missing",)),
    Feature(
        "follow_ratio",
        "profile",
        "log(followers+1) - log(following+1): fakes follow far more than they are followed.",
        -1, ("followers_missing", "following_missing"),
    ),
    Feature(
        "log_age_days", "profile", "Fakes are young; account age at the graph's reference time.",
        -1, ("age_missing",),
    ),
    Feature("log_age_capped", "profile",
            "Account age up to one year (log days): young accounts are suspect, but beyond a "
            "year age tells more about the platform's and the collection's epoch than about "
            "the account (aged stock is sold exactly for that). Youth alone is no vendor's "
            "mark: the simulator's newcomers (people who joined within 60 days, with a "
            "newcomer's counts) teach the model that a new account with ordinary counts is "
            "a person, so youth weighs beside a vendor's traces (design 36).", -1,
            ("age_missing",)),
    Feature("log_posts_per_day", "profile", "Posting rate over the account's life.", -1,
            ("posts_missing", "age_missing")),
    Feature("log_bio_length", "profile", "Vendors leave bios empty or template them.", -1,
            ("bio_missing",)),
    Feature("name_length", "profile", "Generated user names have typical lengths.", 0,
            ("name_missing",)),
    Feature("name_digits", "profile", "Generated names carry digit runs (name + 4821).", 1,
            ("name_digits_missing",)),
    Feature("name_trailing_digits", "profile", "Length of the digit run at the end of the name.",
            1, ("name_text_missing",)),
    Feature("name_digit_share", "profile", "Share of digits in the name.", 1,
            ("name_digits_missing", "name_missing")),
    Feature(
        "mass_following", "profile",
        "Following more than 1,500 (HypeAuditor's mass-follower line).", 1,
        ("following_missing",),
    ),
    Feature("has_avatar", "flags", "Bought accounts often keep the default avatar.", -1,
            ("avatar_missing",)),
    Feature("verified", "flags", "Verified accounts are not for sale in bulk.", -1,
            ("verified_missing",)),
    Feature("private", "flags", "Private accounts hide activity; common among real people.", 0,
            ("private_missing",)),
    Feature("followers_missing", "flags", "Platform hid the follower count."),
    Feature("following_missing", "flags", "Platform hid the following count."),
    Feature("posts_missing", "flags", "Platform hid the posts count."),
    Feature("likes_missing", "flags", "Platform hid the likes count."),
    Feature("listed_missing", "flags", "Platform hid the listed count."),
    Feature("age_missing", "flags", "No creation time (or no reference time)."),
    Feature("avatar_missing", "flags", "Avatar status unknown."),
    Feature("bio_missing", "flags", "Bio not collected (an empty bio is not missing)."),
    Feature("name_missing", "flags", "User name not collected."),
    Feature("name_digits_missing", "flags",
            "Neither the user name nor its digit count: the digit signals are unknown."),
    Feature("name_text_missing", "flags",
            "No user name text (at most its length or digit count, as some data sets "
            "publish): the digit run at its end is unknown."),
    Feature("verified_missing", "flags", "Verification status unknown."),
    Feature("private_missing", "flags", "Privacy status unknown."),
    Feature("log_follow_out", "graph", "Follows made inside this graph."),
    Feature("log_follow_in", "graph", "Followers inside this graph.", -1),
    Feature("log_unfollow_out", "graph", "Unfollows made inside this graph.", 1),
    Feature("log_unfollow_in", "graph", "Times this account was unfollowed."),
    Feature("log_interact_out", "graph", "Likes/comments/shares/mentions given (weighted)."),
    Feature("log_interact_in", "graph", "Interactions received (weighted).", -1),
    Feature("isolated", "graph", "No edge at all in this graph: judge it on its profile alone."),
    Feature(
        "reciprocity_out",
        "graph",
        "Share of followees that follow back; genuine ties are often mutual.", -1,
    ),
    Feature("reciprocity_in", "graph", "Share of followers this account follows back.", -1),
    Feature(
        "churn",
        "time",
        "Unfollows per follow: mass followers unfollow those who do not follow back.", 1,
    ),
    Feature("log_follow_rate", "time", "Follows per day over the span of its timed follows.",
            1),
    Feature(
        "sync_mean",
        "time",
        "Mean log count of others following the same target within an hour (lockstep, CopyCatch).",
    ),
    Feature("sync_max", "time", "Largest such lockstep group it took part in."),
    Feature(
        "like_sync_mean",
        "time",
        "The same for interactions (likes, comments, shares, mentions): bought "
        "engagement arrives in bursts too.",
    ),
    Feature(
        "log_creation_batch",
        "time",
        "Accounts created within an hour of this one (vendor batches).",
    ),
    Feature("interactions_per_follow", "time", "Interactions given per follow made."),
    Feature(
        "engagement_rate",
        "time",
        "log interactions received minus log audience: engagement relative to audience.", -1,
    ),
    Feature("time_missing", "time",
            "Follows seen but none timed: the timing signals are unknown, not zero."),
    Feature("lockstep_excess", "time",
            "Most others following the same account within an hour, against that account's "
            "rate over the surrounding days (scale-free lockstep; delivered orders stand out "
            "at any audience size).", 1),
    Feature("lockstep_excess_mean", "time", "The same, averaged over its timed follows.", 1),
    Feature("lockstep_cohort", "time",
            "Those following the same account with it within an hour or two were created "
            "within a month or two of it, far beyond what the account's whole audience "
            "predicts: a vendor's stock delivered together (even aged stock), not a viral "
            "post or a starter pack, which bring people of every age.", 1),
    Feature("log_campaign_size", "time",
            "Followers in the campaign it arrived in: a block of consecutive follows whose "
            "creation dates cluster far more than their neighbours' (detector.campaigns); "
            "0 outside any.", 1),
    Feature("campaign_score", "time",
            "That campaign's -log10 p-value (capped), 0 outside any: how unlikely such a "
            "block is among genuine arrivals.", 1),
    Feature("log_campaign_span", "time",
            "Days between the first and last creation date of that campaign's members "
            "(log), 0 outside any: aged stock still clusters within months."),
    Feature("creation_excess", "profile",
            "Accounts created within the same hour (day, for dates without a time) against "
            "the surrounding month's rate: a vendor batch at any graph size.", 1,
            ("age_missing",)),
    *(Feature(f"platform_{name}", "flags",
              f"The account says it is on {name.title()} (``platform``; all three 0: "
              "unknown): what ordinary people look like differs by platform (Twitter "
              "users follow about twice their audience, Instagram users about as many as "
              "follow them).") for name in PLATFORMS),
)
FEATURE_NAMES: tuple[str, ...] = tuple(f.name for f in FEATURES)
FEATURE_INDEX = {name: i for i, name in enumerate(FEATURE_NAMES)}
FEATURE_GROUPS: dict[str, list[int]] = {}
for _i, _f in enumerate(FEATURES):
    FEATURE_GROUPS.setdefault(_f.group, []).append(_i)
