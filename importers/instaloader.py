"""Instaloader's saved profile metadata (``{"node": {...}, "instaloader": {...}}``).

Instaloader (instaloader/instaloader, ``structures.get_json_structure``) saves a
``Profile`` as ``{"node": <the profile's GraphQL user>, "instaloader": {"version",
"node_type": "Profile"}}``, as ``.json`` or, by default, ``.json.xz``. Its
``Profile._asdict`` drops ``edge_owner_to_timeline_media`` (the posts) before saving, so
the post count is read from there when an older file still has it, else from
``iphone_struct.media_count`` (present when the download was logged in).

Mapping: ``username`` (lowercased, as Instaloader does), ``id``,
``edge_followed_by.count`` -> ``followers_count``, ``edge_follow.count`` ->
``following_count``, the post count -> ``posts_count``, ``is_private`` -> ``private``,
``is_verified`` -> ``verified``, ``biography`` -> ``bio``, and ``has_avatar`` from
``iphone_struct.has_anonymous_profile_picture`` (negated) or else from the picture URL
(Instagram's anonymous picture, see ``DEFAULT_AVATAR``). Instagram does not publish
when an account was created, so ``created_at`` stays missing.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import msgspec
import numpy as np

from importers.files import read_bytes
from importers.problems import Origin, Problems
from importers.profiles import Profiles, profiles

#: Markers of Instagram's anonymous profile picture in its URL: the image's file name,
#: and ``anonymous_profile_pic`` base64-encoded in the ``ig_cache_key`` parameter.
DEFAULT_AVATAR = ("44884218_345707102882519_2446069589734326272_n", "YW5vbnltb3VzX3Byb2ZpbGVfcGlj")


class _Count(msgspec.Struct, gc=False):
    count: int | None = None


class _Iphone(msgspec.Struct, gc=False):
    media_count: int | None = None
    has_anonymous_profile_picture: bool | None = None


class ProfileNode(msgspec.Struct, gc=False):
    """The fields of an Instaloader profile node we read."""

    id: str | int | None = None
    username: str | None = None
    biography: str | None = None
    is_private: bool | None = None
    is_verified: bool | None = None
    profile_pic_url: str | None = None
    profile_pic_url_hd: str | None = None
    edge_followed_by: _Count | None = None
    edge_follow: _Count | None = None
    edge_owner_to_timeline_media: _Count | None = None
    iphone_struct: _Iphone | None = None


class _Meta(msgspec.Struct, gc=False):
    version: str | None = None
    node_type: str | None = None


class _Saved(msgspec.Struct, gc=False):
    node: msgspec.Raw = msgspec.field(default_factory=msgspec.Raw)
    instaloader: _Meta | None = None


_SAVED = msgspec.json.Decoder(_Saved)
_NODE = msgspec.json.Decoder(ProfileNode)


def profile_files(paths: Sequence[str | Path]) -> list[Path]:
    """The files named, with each directory replaced by its ``*.json``/``*.json.xz``."""
    out: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            out.extend(sorted(p for p in path.rglob("*") if p.name.endswith((".json",
                                                                               ".json.xz"))))
        else:
            out.append(path)
    return out


def read_profiles(paths: Sequence[str | Path], problems: Problems,
                  key: str = "username") -> Profiles:
    """The Instaloader profiles in ``paths`` (files or directories), keyed by ``key``
    (``"username"`` or ``"id"``). Files of other structures (posts, stories) are skipped."""
    nodes: list[ProfileNode] = []
    names: list[str] = []
    skipped = 0
    for path in profile_files(paths):
        try:
            saved = _SAVED.decode(read_bytes(path))
            kind = saved.instaloader.node_type if saved.instaloader else None
            if bytes(saved.node) in (b"", b"null") or kind not in (None, "Profile"):
                skipped += 1
                continue
            nodes.append(_NODE.decode(saved.node))
            names.append(str(path))
        except (msgspec.DecodeError, OSError, EOFError) as exc:
            problems.error(str(path), f"not an Instaloader JSON file: {exc}")
    if skipped:
        problems.warn("--profiles", f"{skipped:,} Instaloader files that are not profiles "
                      "(posts, stories) skipped")
    origin = Origin(names, np.arange(len(names), dtype=np.int32), np.zeros(len(names), np.int64),
                    ["line"] * len(names))
    return node_columns(nodes, origin, problems, key)


def node_columns(nodes: list[ProfileNode], origin: Origin, problems: Problems,
                 key: str) -> Profiles:
    usernames = [None if n.username is None else n.username.lower() for n in nodes]
    ids = usernames if key == "username" else [None if n.id is None else str(n.id) for n in nodes]
    count = (lambda edge: None if edge is None else edge.count)  # noqa: E731
    return profiles(
        ids, origin, problems,
        counts={"followers_count": [count(n.edge_followed_by) for n in nodes],
                "following_count": [count(n.edge_follow) for n in nodes],
                "posts_count": [_posts(n) for n in nodes]},
        flags={"private": [n.is_private for n in nodes],
               "verified": [n.is_verified for n in nodes],
               "has_avatar": [_avatar(n) for n in nodes]},
        texts={"username": usernames, "bio": [n.biography for n in nodes]},
    )


def _posts(node: ProfileNode) -> int | None:
    if node.edge_owner_to_timeline_media is not None:
        return node.edge_owner_to_timeline_media.count
    return node.iphone_struct.media_count if node.iphone_struct is not None else None


def _avatar(node: ProfileNode) -> bool | None:
    anonymous = node.iphone_struct.has_anonymous_profile_picture if node.iphone_struct else None
    if anonymous is not None:
        return not anonymous
    return avatar_from_url(node.profile_pic_url_hd or node.profile_pic_url)


def avatar_from_url(url: str | None) -> bool | None:
    """Whether a profile-picture URL shows a picture of its own (``None``: no URL)."""
    if url is None or not url.strip():
        return None
    return not any(marker in url for marker in DEFAULT_AVATAR)
