"""Twitter/X follower lists: v1.1 ``followers/ids`` pages, v2 followers pages, text files.

All three list the followers newest first. Pages are given in cursor order (the files in
the order named, the JSON lines of a file in file order), and their cursors are checked
as far as the API documents them: only the first page of a list has ``previous_cursor``
0 (v2: no ``previous_token``), only the last has ``next_cursor`` 0 (v2: no
``next_token``), and no cursor comes twice. A page that breaks this is an error (the
order across pages, hence every rank, would be wrong); a list that does not start at the
first page or does not reach the last is a warning (followers are missing at one end,
the order of the rest is sound). Ids may be JSON numbers or strings; they are kept as the
exact decimal text, never passing through a float.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import msgspec
import numpy as np

from importers.files import json_values, kind_of, text_lines
from importers.problems import Origin, Problems


class _Meta(msgspec.Struct, gc=False):
    result_count: int | None = None
    next_token: str | None = None
    previous_token: str | None = None


def page_type(user: type) -> type:
    """A follower page of either API version whose v2 ``data`` entries decode as ``user``."""
    return msgspec.defstruct("Page", [
        ("ids", list[int | str] | None, None),
        ("next_cursor", int | None, None), ("previous_cursor", int | None, None),
        ("next_cursor_str", str | None, None), ("previous_cursor_str", str | None, None),
        ("data", list[user] | None, None), ("meta", _Meta | None, None),
    ], gc=False)


class _Id(msgspec.Struct, gc=False):
    id: int | str


@dataclass
class FollowerIds:
    """Follower ids, newest first, and the user objects v2 pages carried."""

    ids: list[str] = field(default_factory=list)
    origin: Origin = field(default_factory=Origin)
    users: list = field(default_factory=list)
    user_origin: Origin = field(default_factory=Origin)


def read_follower_ids(paths: Sequence[str | Path], problems: Problems,
                      user: type = _Id) -> FollowerIds:
    """Read every follower-id file, in the order given.

    Args:
        paths: v1.1 ``followers/ids`` pages, v2 ``/2/users/:id/followers`` pages (one JSON
            document per file or JSON lines of pages), or text files of one id per line.
        problems: collects errors (bad ids, broken page chains) and warnings.
        user: the struct v2 ``data`` entries decode to (``twitter_v2`` passes its own).
    """
    decoder = msgspec.json.Decoder(page_type(user))
    out = FollowerIds()
    ids, origins, users, user_origins = [], [], [], []
    pages: list[tuple[str, Any]] = []
    for path in paths:
        name = str(path)
        if kind_of(path) == "text":
            lines, numbers = text_lines(path)
            ids.append(_check(lines, name, numbers, problems))
            origins.append(Origin.of(name, numbers))
            continue
        for chunk in json_values(path, decoder, problems):
            for page, line in zip(chunk.values, chunk.lines.tolist(), strict=True):
                where = f"{name}:{line}"
                if page.ids is None and page.data is None and page.meta is None:
                    problems.error(where, "not a follower page: no 'ids' (v1.1) or 'data' (v2)")
                    continue
                pages.append((where, page))
                entries = page.ids if page.ids is not None else [u.id for u in page.data or ()]
                ids.append(_check(entries, name, [line] * len(entries), problems, where))
                origins.append(Origin.of(name, np.full(len(entries), line)))
                if page.data is not None and user is not _Id:
                    users.extend(page.data)
                    user_origins.append(Origin.of(name, np.full(len(page.data), line)))
    _check_chain(pages, problems)
    out.ids = [i for part in ids for i in part]
    out.origin = Origin.concat(origins)
    out.users, out.user_origin = users, Origin.concat(user_origins)
    return out


def _check(values: list, name: str, lines: Sequence[int], problems: Problems,
           where: str | None = None) -> list[str]:
    """Ids as decimal strings; anything but a non-negative whole number is an error."""
    out = [str(v) if type(v) is int else v for v in values]
    if all(type(v) is str and v.isdigit() and v.isascii() for v in out):
        return out
    for i, v in enumerate(out):
        if not (type(v) is str and v.isdigit() and v.isascii()):
            at = f"{where}: ids[{i}]" if where else f"{name}:{lines[i]}"
            problems.error(at, f"{v!r} is not a Twitter account id (a whole number)")
    return out


def _check_chain(pages: list[tuple[str, Any]], problems: Problems) -> None:
    """The documented cursor rules over the pages in the order given (module docstring)."""
    seen: dict[str, str] = {}
    last = len(pages) - 1
    for k, (where, page) in enumerate(pages):
        if page.ids is None:  # v2: the first page has no previous_token, the last no next
            if page.meta is None:
                continue
            nxt, prev = page.meta.next_token, page.meta.previous_token
            first, final = prev is None, nxt is None
            names = ("previous_token", "next_token")
        else:  # v1.1: 0 marks the first (previous_cursor) and the last (next_cursor) page
            nxt = page.next_cursor_str or _text(page.next_cursor)
            prev = page.previous_cursor_str or _text(page.previous_cursor)
            first = None if prev is None else prev == "0"
            final = None if nxt is None else nxt == "0"
            names = ("previous_cursor", "next_cursor")
        if k == 0 and first is False:
            problems.warn(where, f"the list does not start here ({names[0]} {prev}): the "
                          "newest followers are missing")
        if k > 0 and first is True:
            problems.error(where, f"a first page ({names[0]} {prev or 'absent'}) after "
                           "another page: the pages do not chain")
        if k < last and final is True:
            problems.error(where, f"the list ends on this page ({names[1]} {nxt or 'absent'})"
                           " but more pages follow: the pages do not chain")
        if k == last and final is False:
            problems.warn(where, f"the list goes on ({names[1]} {nxt}): the oldest "
                          "followers are missing")
        if final is False:
            if nxt in seen:
                problems.error(where, f"{names[1]} {nxt} repeats that of {seen[nxt]}: a page "
                               "given twice, or pages out of order")
            seen[nxt] = where


def _text(cursor: int | None) -> str | None:
    return None if cursor is None else str(cursor)
