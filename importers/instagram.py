"""Instagram follower exports of scraping tools (CSV) + Instaloader profiles.

The CSV lists the target's followers, one row each, in the order the tool scrolled the
list: newest first unless ``--oldest-first``. Columns are found by name (``COLUMNS``:
the names common tools use, compared without case, spaces, ``_``, ``-`` or ``.``) or
named with ``--map FIELD=COLUMN``. A ``position`` column, when the tool numbers its
rows, orders the list instead of the file order; its gaps stay gaps in ``rank``.

Accounts are keyed by username (lowercased), the one key that Instagram's own export,
scraping tools and Instaloader all carry; a CSV without a username column is keyed by
its ``id`` column. Instaloader profile files (``--profiles``) fill in what the CSV lacks
and win where both have a value (their counts are exact; tools often print ``12.5K``).
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from importers.audience import Followers, Imported, ImportOptions, audience
from importers.files import read_bytes
from importers.instaloader import avatar_from_url, read_profiles
from importers.problems import Origin, Problems
from importers.profiles import Profiles, merge, profiles

FORMAT_NAME = "instagram"
#: ``--map`` fields -> the column names recognised by default.
COLUMNS: dict[str, tuple[str, ...]] = {
    "id": ("id", "user id", "pk", "instagram id", "profile id"),
    "username": ("username", "user name", "handle", "login", "instagram username"),
    "full_name": ("full name", "name", "display name"),
    "followers": ("followers", "follower count", "followers count", "number of followers"),
    "following": ("following", "following count", "followings", "followees", "follows",
                  "number of following"),
    "posts": ("posts", "post count", "posts count", "media count", "media", "number of posts"),
    "private": ("is private", "private", "private account"),
    "verified": ("is verified", "verified"),
    "has_avatar": ("has profile picture", "has profile pic", "has avatar"),
    "avatar_url": ("profile pic url", "profile picture url", "profile picture",
                   "profile pic url hd", "avatar", "avatar url"),
    "bio": ("biography", "bio", "description"),
    "position": ("#", "position", "no", "row"),
}
_COUNTS = {"followers": "followers_count", "following": "following_count",
           "posts": "posts_count"}
_TRUE, _FALSE = {"true", "yes", "y", "t", "1"}, {"false", "no", "n", "f", "0"}
_SCALED = re.compile(r"(\d+(?:\.\d+)?)\s*([kmb])", re.IGNORECASE)
_SCALE = {"k": 1_000, "m": 1_000_000, "b": 1_000_000_000}


def _norm(name: str) -> str:
    return re.sub(r"[\s_\-.]+", "", name.strip().lower())


@dataclass(frozen=True)
class InstagramFiles:
    """The inputs of ``ffd import instagram``."""

    followers: Path  # the CSV export of the follower list
    target: str  # the audited account, as the CSV names accounts (its username)
    profiles: tuple[Path, ...] = ()  # Instaloader profile JSON files or directories
    columns: dict[str, str] = field(default_factory=dict)  # --map FIELD=COLUMN
    oldest_first: bool = False  # the CSV lists the oldest follower first

    def __post_init__(self) -> None:
        unknown = sorted(set(self.columns) - set(COLUMNS))
        if unknown:
            raise ValueError(f"unknown field {', '.join(map(repr, unknown))}; "
                             f"--map takes {', '.join(COLUMNS)}")


def import_instagram(files: InstagramFiles, options: ImportOptions | None = None,
                     now: float | None = None) -> Imported:
    """Read the CSV (and Instaloader profiles) and build the target's audience.

    Raises:
        InputError: an unknown ``--map`` column, a malformed row or a repeated position,
            each with its file and line.
    """
    problems = Problems()
    rows, header = _read_csv(files.followers, problems)
    columns = _columns(header, files.columns, str(files.followers), problems)
    problems.check()
    key = "username" if "username" in columns else "id"
    table = _table(rows, header, columns, key, str(files.followers), problems)
    followers, listed = _followers(table, files, problems)
    extra = read_profiles(files.profiles, problems, key) if files.profiles else Profiles.empty()
    problems.check()
    merged = merge(extra, listed)
    target = files.target.removeprefix("@").lower() if key == "username" else files.target
    return audience(FORMAT_NAME, target, followers, merged, problems,
                    options or ImportOptions(), now=now, platform="instagram")


def _read_csv(path: Path, problems: Problems) -> tuple[list[tuple[int, list[str]]], list[str]]:
    """Rows with the line each starts on (quoted cells may span lines), and the header.
    The delimiter is the one of ``,``, ``;`` and tab that the header line has most of."""
    text = read_bytes(path).decode("utf-8-sig", errors="replace")
    header_line = text.split("\n", 1)[0]
    # Spreadsheets in many locales write ';' (or tabs) between cells.
    delimiter = max(",;\t", key=header_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[tuple[int, list[str]]] = []
    header: list[str] = []
    start = 1
    try:
        header = next(reader, [])
        start = reader.line_num + 1
        for row in reader:
            if any(cell.strip() for cell in row):
                rows.append((start, row))
            start = reader.line_num + 1
    except csv.Error as exc:
        problems.error(f"{path}:{start}", f"not a readable CSV row: {exc}")
    if not header:
        problems.error(str(path), "empty file: no header row")
    return rows, header


def _columns(header: list[str], mapping: dict[str, str], name: str,
             problems: Problems) -> dict[str, int]:
    """Field -> column index, from ``--map`` first and the default names second."""
    index = {_norm(h): i for i, h in enumerate(header)}
    exact = {h.strip(): i for i, h in enumerate(header)}
    out: dict[str, int] = {}
    for fld, column in mapping.items():
        found = exact.get(column.strip(), index.get(_norm(column)))
        if found is None:
            problems.error(f"{name}:1", f"--map {fld}={column!r}: no such column; the columns "
                           f"are {', '.join(map(repr, header))}")
        else:
            out[fld] = found
    for fld, names in COLUMNS.items():
        if fld not in out:
            found = next((index[_norm(n)] for n in names if _norm(n) in index), None)
            if found is not None and found not in out.values():
                out[fld] = found
    if header and "username" not in out and "id" not in out:
        problems.error(f"{name}:1", "no username (or id) column; name it with --map "
                       f"username=COLUMN (the columns are {', '.join(map(repr, header))})")
    return out


def _table(rows: list[tuple[int, list[str]]], header: list[str], columns: dict[str, int],
           key: str, name: str, problems: Problems) -> dict:
    """Each mapped field's cells (stripped; ``None`` for empty) and the rows' lines."""
    width = len(header)
    good = []
    for line, row in rows:
        if len(row) > width:
            problems.error(f"{name}:{line}", f"{len(row)} cells in a row of a {width}-column file")
        else:
            good.append((line, row + [""] * (width - len(row))))
    key_column = columns[key]
    for line, row in good:
        if not row[key_column].strip():
            problems.error(f"{name}:{line}", f"no {key}: the row names no account")
    good = [(line, row) for line, row in good if row[key_column].strip()]
    cells = {fld: [row[i].strip() or None for _, row in good] for fld, i in columns.items()}
    lines = np.array([line for line, _ in good], dtype=np.int64)
    if key == "username":
        cells[key] = [k.removeprefix("@").lower() for k in cells[key]]
    return {"cells": cells, "origin": Origin.of(name, lines), "key": key}


def _followers(table: dict, files: InstagramFiles,
               problems: Problems) -> tuple[Followers, Profiles]:
    cells, origin, key = table["cells"], table["origin"], table["key"]
    n = len(origin)
    order = np.arange(n)[::-1] if files.oldest_first else np.arange(n)
    position = None
    if "position" in cells:
        raw = [_whole(v) for v in cells["position"]]
        for i in [i for i, v in enumerate(raw) if v is None]:
            problems.error(origin.where(i), f"position {cells['position'][i]!r} is not a "
                           "whole number")
        pos = np.array([-1 if v is None else v for v in raw], dtype=np.int64)
        _check_positions(pos, origin, problems)
        position = -pos if files.oldest_first else pos
        order = np.argsort(position, kind="stable")
        position = position[order]
    ids = np.asarray(cells[key], dtype=object)[order]
    listed = _profiles(cells, origin, key, problems)
    return Followers(ids, origin.take(order), position=position), listed


def _check_positions(pos: np.ndarray, origin: Origin, problems: Problems) -> None:
    """Repeated positions are errors (the order is unknown); gaps are one warning."""
    seen: dict[int, int] = {}
    for i, p in enumerate(pos.tolist()):
        if p >= 0 and p in seen:
            problems.error(origin.where(i), f"position {p} repeats that of "
                           f"{origin.where(seen[p])}")
        seen.setdefault(p, i)
    valid = np.unique(pos[pos >= 0])
    if len(valid) > 1:
        missing = int(valid[-1] - valid[0] + 1 - len(valid))
        if missing:
            problems.warn(origin.files[0] if origin.files else "", f"positions "
                          f"{valid[0]}..{valid[-1]} skip {missing:,} numbers (followers the "
                          "export lacks); the ranks keep the gaps")


def _profiles(cells: dict, origin: Origin, key: str, problems: Problems) -> Profiles:
    def values(fld: str, parse) -> list | None:
        if fld not in cells:
            return None
        out = [parse(v) for v in cells[fld]]
        bad = [i for i, (v, p) in enumerate(zip(cells[fld], out, strict=True))
               if v is not None and p is None]
        problems.warn_rows(origin, np.array(bad, dtype=np.int64),
                           lambda i: f"{fld} {cells[fld][i]!r} is not readable; left missing",
                           f"{{n}} unreadable {fld} values left missing in all")
        return out

    counts = {ours: col for fld, ours in _COUNTS.items() if (col := values(fld, _count))}
    flags = {name: col for name, col in (("private", values("private", _flag)),
                                         ("verified", values("verified", _flag))) if col}
    avatar = values("has_avatar", _flag) or values("avatar_url", avatar_from_url)
    if avatar:
        flags["has_avatar"] = avatar
    texts = {"username": cells["username"]} if "username" in cells else {}
    if "bio" in cells:
        texts["bio"] = cells["bio"]
    return profiles(cells[key], origin, problems, counts=counts, flags=flags, texts=texts)


def _whole(text: str | None) -> int | None:
    return int(text) if text is not None and text.isdigit() else None


def _count(text: str) -> int | None:
    """``1234``, ``1,234``, ``12.5K``, ``3M`` -> a whole number; anything else ``None``."""
    plain = text.replace(",", "").replace(" ", "")
    if plain.isdigit():
        return int(plain)
    scaled = _SCALED.fullmatch(plain)
    if scaled:
        return round(float(scaled.group(1)) * _SCALE[scaled.group(2).lower()])
    return None


def _flag(text: str) -> bool | None:
    low = text.lower()
    return True if low in _TRUE else False if low in _FALSE else None
