"""Instagram's own "Download your information" export (JSON) -> the exporter's audience.

The export's ``connections/followers_and_following/`` folder holds ``followers_1.json``
(``followers_2.json`` ... for large accounts): a list of entries, each with
``string_list_data: [{"href", "value": username, "timestamp": epoch seconds}]`` (older
exports wrap the list as ``{"relationships_followers": [...]}``), and ``following.json``,
``{"relationships_following": [...]}`` with the same entries (newer exports put the
username in the entry's ``title`` and leave ``value`` out). The exporting account is the
target (``--target USERNAME``); the export does not name it in these files.

Every follower carries the exact time it followed: written as ``at``, and the ranks are
the order of those times (equal times: the later-listed is the older, as the lists are
newest first). Accounts the target follows become ``follow`` edges from the target,
timed too, without a rank. Accounts are keyed by username, lowercased.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import msgspec
import numpy as np

from importers.audience import Followers, Imported, ImportOptions, Links, audience
from importers.files import read_bytes
from importers.problems import Origin, Problems
from importers.profiles import Profiles

FORMAT_NAME = "instagram-export"
_PART = re.compile(r"followers(?:_(\d+))?\.json$")


class _Item(msgspec.Struct, gc=False):
    href: str | None = None
    value: str | None = None
    timestamp: int | float | None = None


class _Entry(msgspec.Struct, gc=False):
    title: str | None = None
    string_list_data: list[_Item] = []


class _Wrapped(msgspec.Struct, gc=False):
    relationships_followers: list[_Entry] | None = None
    relationships_following: list[_Entry] | None = None


_DECODER = msgspec.json.Decoder(list[_Entry] | _Wrapped)


@dataclass(frozen=True)
class InstagramExportFiles:
    """The inputs of ``ffd import instagram-export``."""

    paths: tuple[Path, ...]  # the export's folder, or followers_N.json / following.json files
    target: str  # the exporting account's username


@dataclass
class _List:
    names: list[str]
    at: np.ndarray
    origin: Origin


def import_instagram_export(files: InstagramExportFiles, options: ImportOptions | None = None,
                            now: float | None = None) -> Imported:
    """Read the export's follower and following lists and build the exporter's audience.

    Raises:
        InputError: a file that is not one of these lists, or an entry without a username.
    """
    problems = Problems()
    parts, following = export_files(files.paths, problems)
    problems.check()
    followers = _concat([_read(p, "relationships_followers", problems) for p in parts])
    follows = _concat([_read(p, "relationships_following", problems) for p in following])
    problems.check()
    target = files.target.removeprefix("@").lower()
    ids = np.asarray(followers.names, dtype=object)
    listed = Followers(ids, followers.origin, at=followers.at)
    links = Links(np.full(len(follows.names), target, dtype=object),
                  np.asarray(follows.names, dtype=object), follows.at, follows.origin)
    imported = audience(FORMAT_NAME, target, listed, Profiles.empty(), problems,
                        options or ImportOptions(), by_time=True, links=links, now=now,
                        platform="instagram")
    imported.accounts.texts["username"] = imported.accounts.ids.copy()  # ids are usernames
    return imported


def export_files(paths: Sequence[str | Path], problems: Problems) -> tuple[list[Path], list[Path]]:
    """The follower parts (in part order) and following lists among ``paths``; a folder
    is searched for them."""
    found: list[Path] = []
    for path in map(Path, paths):
        found.extend(sorted(path.rglob("*.json")) if path.is_dir() else [path])
    parts = [p for p in found if _PART.match(p.name)]
    following = [p for p in found if p.name == "following.json"]
    for path in map(Path, paths):
        if path.is_file() and path not in parts and path not in following:
            problems.error(str(path), "not followers_N.json or following.json of an "
                           "Instagram export")
    if not parts:
        problems.error(", ".join(map(str, paths)), "no followers_1.json (or followers.json) "
                       "found")
    parts.sort(key=lambda p: int(_PART.match(p.name).group(1) or 0))
    numbers = [int(_PART.match(p.name).group(1) or 0) for p in parts]
    missing = sorted(set(range(1, max(numbers, default=0) + 1)) - set(numbers))
    if missing and numbers != [0]:
        problems.warn(str(parts[0].parent), "follower parts missing: " + ", ".join(
            f"followers_{n}.json" for n in missing) + " (their followers are not imported)")
    return parts, following


def _read(path: Path, key: str, problems: Problems) -> _List:
    name = str(path)
    try:
        root = _DECODER.decode(read_bytes(path))
    except msgspec.DecodeError as exc:
        problems.error(name, f"not an Instagram export list: {exc}")
        return _List([], np.zeros(0), Origin.of(name, [], "entry"))
    entries = root if isinstance(root, list) else getattr(root, key)
    if entries is None:
        problems.error(name, f"no {key!r} list in this file")
        entries = []
    names: list[str] = []
    at: list[float] = []
    numbers: list[int] = []
    for n, entry in enumerate(entries, start=1):
        for item in entry.string_list_data or [_Item()]:
            username = item.value or entry.title or _from_href(item.href)
            if not username:
                problems.error(f"{name}: entry {n}", "no username (value, title or href)")
                continue
            names.append(username.removeprefix("@").lower())
            at.append(np.nan if item.timestamp is None else float(item.timestamp))
            numbers.append(n)
    return _List(names, np.array(at, dtype=np.float64), Origin.of(name, numbers, "entry"))


def _from_href(href: str | None) -> str | None:
    """``https://www.instagram.com/_u/name`` or ``.../name/`` -> ``name``."""
    if not href:
        return None
    tail = href.rstrip("/").rsplit("/", 1)[-1]
    return tail or None


def _concat(lists: list[_List]) -> _List:
    if not lists:
        return _List([], np.zeros(0), Origin())
    return _List([n for x in lists for n in x.names], np.concatenate([x.at for x in lists]),
                 Origin.concat([x.origin for x in lists]))

