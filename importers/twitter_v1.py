"""Twitter/X API v1.1: user objects (JSON lines) + a follower-id list -> an audience.

Field mapping (v1.1 user object -> contract): ``id_str`` (else ``id``) -> ``id``,
``screen_name`` -> ``username``, ``followers_count``, ``friends_count`` ->
``following_count``, ``statuses_count`` -> ``posts_count``, ``favourites_count`` ->
``likes_count``, ``listed_count``, ``verified``, ``protected`` -> ``private``,
``default_profile_image`` -> ``has_avatar`` (negated), ``description`` -> ``bio``,
``created_at`` (``Wed Oct 10 20:19:24 +0000 2018``) -> ``created_at``. v1.1 gives no
follow times, so the rank is the list position.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from operator import attrgetter
from pathlib import Path

import msgspec
import numpy as np

from importers import times
from importers.audience import Followers, Imported, ImportOptions, audience
from importers.files import json_values
from importers.problems import Origin, Problems
from importers.profiles import Profiles, profiles
from importers.twitter_ids import read_follower_ids

FORMAT_NAME = "twitter-v1"


class UserV1(msgspec.Struct, gc=False):
    """The fields of a v1.1 user object we read (all others are skipped)."""

    id: int | str | None = None
    id_str: str | None = None
    screen_name: str | None = None
    created_at: str | None = None
    followers_count: int | None = None
    friends_count: int | None = None
    statuses_count: int | None = None
    favourites_count: int | None = None
    listed_count: int | None = None
    verified: bool | None = None
    protected: bool | None = None
    default_profile_image: bool | None = None
    description: str | None = None


#: A line holds one user object, or a list of them (a ``users/lookup`` response).
_DECODER = msgspec.json.Decoder(UserV1 | list[UserV1])
_COUNTS = {"followers_count": "followers_count", "friends_count": "following_count",
           "statuses_count": "posts_count", "favourites_count": "likes_count",
           "listed_count": "listed_count"}


@dataclass(frozen=True)
class TwitterV1Files:
    """The input files of ``ffd import twitter-v1``."""

    users: tuple[Path, ...]  # JSON lines (.gz too) of v1.1 user objects
    follower_ids: tuple[Path, ...]  # followers/ids pages or id-per-line text, newest first
    target: str  # the audited account: its id (or a screen_name found among the users)


def import_twitter_v1(files: TwitterV1Files, options: ImportOptions | None = None,
                      now: float | None = None) -> Imported:
    """Read the files and build the target's audience (see ``importers.audience``).

    Raises:
        InputError: naming the file and line of every malformed record or broken page.
    """
    problems = Problems()
    users = read_users(files.users, problems)
    listed = read_follower_ids(files.follower_ids, problems)
    problems.check()
    target = resolve_target(files.target, users, problems)
    followers = Followers(np.asarray(listed.ids, dtype=object), listed.origin)
    return audience(FORMAT_NAME, target, followers, users, problems,
                    options or ImportOptions(), now=now, platform="twitter")


def read_users(paths: Sequence[str | Path], problems: Problems) -> Profiles:
    """Every v1.1 user object of the files, as profile columns."""
    parts = []
    for path in paths:
        for chunk in json_values(path, _DECODER, problems):
            users, lines = chunk.values, chunk.lines
            if any(type(u) is list for u in users):
                lines = np.repeat(lines, [len(u) if type(u) is list else 1 for u in users])
                users = [x for u in users for x in (u if type(u) is list else (u,))]
            parts.append(user_columns(users, Origin.of(str(path), lines), problems))
    return Profiles.concat(parts)


def user_columns(users: list[UserV1], origin: Origin, problems: Problems) -> Profiles:
    """Profile columns of decoded user objects."""
    def column(name: str) -> list:
        return list(map(attrgetter(name), users))

    ids = column("id_str")
    if None in ids:
        ids = [u.id_str if u.id_str is not None else (str(u.id) if type(u.id) is int else u.id)
               for u in users]
    stamps = column("created_at")
    created, bad = times.twitter_v1(stamps)
    problems.warn_rows(origin, bad, lambda i: f"created_at {stamps[i]!r} is not a time; dropped",
                       "{n} unreadable created_at values dropped in all")
    no_avatar = column("default_profile_image")
    return profiles(
        ids, origin, problems,
        counts={ours: column(theirs) for theirs, ours in _COUNTS.items()},
        flags={"verified": column("verified"), "private": column("protected"),
               "has_avatar": [None if v is None else not v for v in no_avatar]},
        texts={"username": column("screen_name"), "bio": column("description")},
        created_at=created,
    )


def resolve_target(target: str, users: Profiles, problems: Problems) -> str:
    """The target's id: ``target`` itself when numeric, else the id of the user object
    whose ``screen_name`` it is (with or without ``@``, any case)."""
    if target.isdigit():
        return target
    name = target.removeprefix("@").lower()
    names = users.accounts.texts["username"]
    found = [i for i, v in enumerate(names.tolist()) if v is not None and v.lower() == name]
    if not found:
        problems.error("--target", f"{target!r} is neither a numeric id nor the screen_name "
                       "of a user object in --users")
        problems.check()
    return str(users.ids[found[0]])
