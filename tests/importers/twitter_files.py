"""Write an ``AccountGraph``'s audience as Twitter v1.1 files, for round-trip tests.

The target's followers become ``followers/ids`` pages, newest first by their true follow
time (untimed follows last), and every account a v1.1 user object. Ids become 19-digit
numbers above 2^53 (``ID_BASE`` + row), so a float anywhere on the way would show.
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import orjson

from detector.graph import AccountGraph
from detector.schema import FOLLOW

ID_BASE = 2**60
#: Contract count -> v1.1 field.
COUNTS = {"followers_count": "followers_count", "following_count": "friends_count",
          "posts_count": "statuses_count", "likes_count": "favourites_count",
          "listed_count": "listed_count"}


def twitter_id(row: int) -> str:
    return str(ID_BASE + row)


def v1_time(seconds: float) -> str:
    return time.strftime("%a %b %d %H:%M:%S +0000 %Y", time.gmtime(seconds))


def write_twitter_v1(graph: AccountGraph, directory: Path, page_size: int = 100
                     ) -> tuple[Path, list[Path], str]:
    """Users JSON lines and id pages of ``graph``'s target audience.

    Returns:
        The users file, the pages in cursor order and the target's id.
    """
    a, e = graph.accounts, graph.edges
    users = directory / "users.jsonl"
    with open(users, "wb") as fh:
        for i in range(len(a)):
            fh.write(orjson.dumps(_user(graph, i)) + b"\n")
    fans = np.flatnonzero((e.type == FOLLOW) & (e.dst == graph.target))
    when = np.where(np.isnan(e.at[fans]), -np.inf, e.at[fans])
    fans = fans[np.argsort(-when, kind="stable")]  # newest first; untimed at the end
    ids = [ID_BASE + int(s) for s in e.src[fans]]
    pages = []
    chunks = [ids[k:k + page_size] for k in range(0, len(ids), page_size)]
    for k, chunk in enumerate(chunks):
        path = directory / f"followers_{k}.json"
        path.write_bytes(orjson.dumps({
            "ids": chunk, "next_cursor": 0 if k == len(chunks) - 1 else 1000 - k - 1,
            "previous_cursor": 0 if k == 0 else -(1000 - k)}))
        pages.append(path)
    return users, pages, twitter_id(graph.target)


def _user(graph: AccountGraph, i: int) -> dict:
    a = graph.accounts
    user: dict = {"id": ID_BASE + i, "id_str": twitter_id(i)}
    for ours, theirs in COUNTS.items():
        if not np.isnan(a.counts[ours][i]):
            user[theirs] = int(a.counts[ours][i])
    for ours, theirs in (("verified", "verified"), ("private", "protected")):
        if not np.isnan(a.flags[ours][i]):
            user[theirs] = bool(a.flags[ours][i])
    if not np.isnan(a.flags["has_avatar"][i]):
        user["default_profile_image"] = not a.flags["has_avatar"][i]
    if a.texts["username"][i] is not None:
        user["screen_name"] = a.texts["username"][i]
    if a.texts["bio"][i] is not None:
        user["description"] = a.texts["bio"][i]
    if not np.isnan(a.created_at[i]):
        user["created_at"] = v1_time(a.created_at[i])
    return user
