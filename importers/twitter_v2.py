"""Twitter/X API v2: users lookup responses + a follower list -> an audience.

``--users`` files hold ``GET /2/users`` (lookup) responses, ``{"data": [...],
"errors": [...]}``, one per file or one per line (as twarc2 writes them); a line may also
be a single user object. Field mapping (v2 user -> contract): ``id``, ``username``,
``public_metrics.followers_count`` / ``following_count`` / ``tweet_count`` ->
``posts_count`` / ``like_count`` -> ``likes_count`` / ``listed_count``, ``verified``,
``protected`` -> ``private``, ``description`` -> ``bio``, ``created_at`` (ISO 8601),
``profile_image_url`` -> ``has_avatar`` (false for the default image, whose URL holds
``default_profile_images``). The follower list may be v2 ``/2/users/:id/followers``
pages (newest first), whose user objects count as profiles when no ``--users`` file has
that user, or the v1.1 inputs of ``twitter_v1``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import msgspec
import numpy as np
import pandas as pd

from importers import times
from importers.audience import Followers, Imported, ImportOptions, audience
from importers.files import json_values
from importers.problems import Origin, Problems
from importers.profiles import Profiles, profiles
from importers.twitter_ids import read_follower_ids
from importers.twitter_v1 import resolve_target

FORMAT_NAME = "twitter-v2"
DEFAULT_AVATAR = "default_profile_images"


class PublicMetrics(msgspec.Struct, gc=False):
    followers_count: int | None = None
    following_count: int | None = None
    tweet_count: int | None = None
    listed_count: int | None = None
    like_count: int | None = None


class UserV2(msgspec.Struct, gc=False):
    """The fields of a v2 user object we read (all others are skipped)."""

    id: int | str | None = None
    username: str | None = None
    created_at: str | None = None
    description: str | None = None
    protected: bool | None = None
    verified: bool | None = None
    profile_image_url: str | None = None
    public_metrics: PublicMetrics | None = None


class LookupError_(msgspec.Struct, gc=False):
    """An entry of a response's ``errors``: a user that could not be looked up."""

    value: str | None = None
    resource_id: str | None = None
    title: str | None = None
    detail: str | None = None


class _Line(UserV2, gc=False):
    """A response (``data``, ``errors``) or, for twarc2's flattened output, a user."""

    data: list[UserV2] | UserV2 | None = None
    errors: list[LookupError_] | None = None


_DECODER = msgspec.json.Decoder(_Line)
_METRICS = {"followers_count": "followers_count", "following_count": "following_count",
            "tweet_count": "posts_count", "like_count": "likes_count",
            "listed_count": "listed_count"}


@dataclass(frozen=True)
class TwitterV2Files:
    """The input files of ``ffd import twitter-v2``."""

    users: tuple[Path, ...]  # users lookup responses (JSON, or JSON lines of responses)
    follower_ids: tuple[Path, ...]  # v2 followers pages, v1.1 ids pages or text; newest first
    target: str  # the audited account: its id (or a username found among the users)


def import_twitter_v2(files: TwitterV2Files, options: ImportOptions | None = None,
                      now: float | None = None) -> Imported:
    """Read the files and build the target's audience (see ``importers.audience``).

    Raises:
        InputError: naming the file and line of every malformed record or broken page.
    """
    problems = Problems()
    users = read_users(files.users, problems)
    listed = read_follower_ids(files.follower_ids, problems, user=UserV2)
    problems.check()
    if listed.users:
        from_pages = user_columns(listed.users, listed.user_origin, problems)
        new = ~pd.Index(from_pages.ids, dtype=object).isin(pd.Index(users.ids, dtype=object))
        users = Profiles.concat([users, from_pages.take(np.flatnonzero(new))])
    target = resolve_target(files.target, users, problems)
    followers = Followers(np.asarray(listed.ids, dtype=object), listed.origin)
    return audience(FORMAT_NAME, target, followers, users, problems,
                    options or ImportOptions(), now=now, platform="twitter")


def read_users(paths: Sequence[str | Path], problems: Problems) -> Profiles:
    """Every user object of the lookup responses, as profile columns."""
    parts = []
    missing: list[tuple[str, LookupError_]] = []
    for path in paths:
        for chunk in json_values(path, _DECODER, problems):
            users, lines = [], []
            for line, value in zip(chunk.lines.tolist(), chunk.values, strict=True):
                if value.data is not None:
                    data = value.data if type(value.data) is list else [value.data]
                    users.extend(data)
                    lines.extend([line] * len(data))
                elif value.id is not None:
                    users.append(value)
                    lines.append(line)
                missing.extend((f"{path}:{line}", e) for e in value.errors or ())
            parts.append(user_columns(users, Origin.of(str(path), lines), problems))
    if missing:
        where, first = missing[0]
        what = first.detail or first.title or "no reason given"
        problems.warn(where, f"accounts the lookup could not find, left without a profile: "
                      f"{len(missing):,} (first: {first.value or first.resource_id}: {what})")
    return Profiles.concat(parts)


def user_columns(users: list[UserV2], origin: Origin, problems: Problems) -> Profiles:
    """Profile columns of decoded v2 user objects."""
    ids = [str(u.id) if type(u.id) is int else u.id for u in users]
    stamps = [u.created_at for u in users]
    created, bad = times.iso(stamps)
    problems.warn_rows(origin, bad, lambda i: f"created_at {stamps[i]!r} is not a time; dropped",
                       "{n} unreadable created_at values dropped in all")
    metrics = [u.public_metrics for u in users]
    images = [u.profile_image_url for u in users]
    return profiles(
        ids, origin, problems,
        counts={ours: [None if m is None else getattr(m, theirs) for m in metrics]
                for theirs, ours in _METRICS.items()},
        flags={"verified": [u.verified for u in users],
               "private": [u.protected for u in users],
               "has_avatar": [None if v is None else DEFAULT_AVATAR not in v for v in images]},
        texts={"username": [u.username for u in users],
               "bio": [u.description for u in users]},
        created_at=created,
    )
