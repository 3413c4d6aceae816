"""Bluesky: follow records, profiles and follower pages -> the target's audience.

Accounts are keyed by DID; ``handle`` -> ``username``, ``description`` -> ``bio``,
``avatar`` -> ``has_avatar`` (set or not), ``followersCount`` / ``followsCount`` ->
``following_count`` / ``postsCount`` -> ``posts_count``, ``createdAt`` ->
``created_at``. Profile views (``--profiles``, the followers pages) win over profile
records where both have a value.

The followers are, when ``--followers`` pages are given, the pages' list (newest first,
ranked by position; follow records of the target only add their times); otherwise the
authors of the follow records whose subject is the target, ranked by ``createdAt`` (a
follower with several such records keeps the earliest, as the AppView ignores the later
duplicates). Follow records between two accounts of the graph become timed ``follow``
edges without a rank. A follow made through a starter pack carries ``via``: the pack's
AT-URI; the starter-pack records given are listed in the document's ``starter_packs``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from importers import times
from importers.audience import Followers, Imported, ImportOptions, Links, audience
from importers.bluesky_data import (
    FOLLOW,
    PROFILE,
    STARTER_PACK,
    Page,
    ProfileView,
    Record,
    kind_of,
    read,
    repo_of,
    subject_of,
)
from importers.problems import Origin, Problems
from importers.profiles import Profiles, merge, profiles

FORMAT_NAME = "bluesky"


@dataclass(frozen=True)
class BlueskyFiles:
    """The inputs of ``ffd import bluesky``."""

    target: str  # the audited account: its DID, or its handle as a profile view names it
    records: tuple[Path, ...] = ()  # repo records: follows, profiles, starter packs
    followers: tuple[Path, ...] = ()  # getFollowers pages in cursor order (newest first)
    profiles: tuple[Path, ...] = ()  # getProfiles / getProfile answers


def import_bluesky(files: BlueskyFiles, options: ImportOptions | None = None,
                   now: float | None = None) -> Imported:
    """Read the files and build the target's audience (module docstring).

    Raises:
        InputError: a malformed line, a follow record without its ``uri``, follower pages
            of another account or pages that do not chain.
    """
    problems = Problems()
    records = read(files.records, problems, "records").records
    pages = read(files.followers, problems, "followers").pages
    views = read(files.profiles, problems, "profiles").views
    listed = [(p.where, p.subject) for p in pages[:1] if p.subject is not None]
    listed += [(page.where, v) for page in pages for v in page.followers]
    problems.check()
    by_kind: dict[str | None, list[tuple[str, Record]]] = {}
    for where, record in records:
        by_kind.setdefault(kind_of(record), []).append((where, record))
    skipped = len(records) - sum(len(by_kind.get(k, [])) for k in (FOLLOW, PROFILE, STARTER_PACK))
    if skipped:
        problems.warn("--records", f"{skipped:,} records of other types skipped")
    target = _target(files.target, views + listed, problems)
    known = merge(merge(_views(views, problems), _views(listed, problems)),
                  _profile_records(by_kind.get(PROFILE, []), problems))
    follows = _follows(by_kind.get(FOLLOW, []), problems)
    problems.check()
    to_target = follows.target == target
    if pages:
        followers = _paged(pages, target, follows.take(np.flatnonzero(to_target)), problems)
    else:
        followers = _recorded(follows.take(np.flatnonzero(to_target)))
    links = _links(follows.take(np.flatnonzero(~to_target)), target, followers, known, problems)
    stamps = [times.iso([v.indexedAt for _, v in views + listed])[0]]
    meta = _starter_packs(by_kind.get(STARTER_PACK, []))
    return audience(FORMAT_NAME, target, followers, known, problems, options or ImportOptions(),
                    by_time=not pages, keep="first" if pages else "last", links=links,
                    stamps=stamps, meta=meta, now=now)


def _target(target: str, views: list[tuple[str, ProfileView]], problems: Problems) -> str:
    if target.startswith("did:"):
        return target
    handle = target.removeprefix("@").lower()
    for _, view in views:
        if view.handle is not None and view.handle.lower() == handle and view.did:
            return view.did
    problems.error("--target", f"{target!r} is neither a DID nor the handle of a profile "
                   "in --profiles or --followers")
    problems.check()
    return target


def _views(views: list[tuple[str, ProfileView]], problems: Problems) -> Profiles:
    origin = _origin([w for w, _ in views])
    v = [view for _, view in views]
    created, bad = times.iso([x.createdAt for x in v])
    problems.warn_rows(origin, bad, lambda i: f"createdAt {v[i].createdAt!r} is not a time; "
                       "dropped", "{n} unreadable createdAt values dropped in all")
    return profiles(
        [x.did for x in v], origin, problems,
        counts={"followers_count": [x.followersCount for x in v],
                "following_count": [x.followsCount for x in v],
                "posts_count": [x.postsCount for x in v]},
        flags={"has_avatar": [x.avatar is not None for x in v]},
        texts={"username": [x.handle for x in v], "bio": [x.description for x in v]},
        created_at=created)


def _profile_records(records: list[tuple[str, Record]], problems: Problems) -> Profiles:
    origin = _origin([w for w, _ in records])
    values = [r.value for _, r in records]
    created, bad = times.iso([x.createdAt for x in values])
    problems.warn_rows(origin, bad, lambda i: "createdAt is not a time; dropped",
                       "{n} unreadable createdAt values dropped in all")
    dids = [repo_of(r.uri)[0] for _, r in records]
    for i in [i for i, d in enumerate(dids) if d is None]:
        problems.error(origin.where(i), "a profile record without its uri: whose profile?")
    return profiles(dids, origin, problems,
                    flags={"has_avatar": [x.avatar is not None for x in values]},
                    texts={"bio": [x.description for x in values]}, created_at=created)


@dataclass
class _Follows:
    source: np.ndarray
    target: np.ndarray
    at: np.ndarray
    via: np.ndarray
    origin: Origin

    def take(self, index: np.ndarray) -> _Follows:
        return _Follows(self.source[index], self.target[index], self.at[index],
                        self.via[index], self.origin.take(index))


def _follows(records: list[tuple[str, Record]], problems: Problems) -> _Follows:
    origin = _origin([w for w, _ in records])
    values = [r.value for _, r in records]
    source = [repo_of(r.uri)[0] for _, r in records]
    target = [subject_of(v) for v in values]
    for i, (s, t) in enumerate(zip(source, target, strict=True)):
        if s is None:
            problems.error(origin.where(i), "a follow record without its uri (at://DID/...) "
                           "does not name the follower")
        elif t is None:
            problems.error(origin.where(i), "a follow record without a subject")
    at, bad = times.iso([v.createdAt for v in values])
    problems.warn_rows(origin, bad, lambda i: f"createdAt {values[i].createdAt!r} is not a "
                       "time; dropped", "{n} unreadable createdAt values dropped in all")
    via = [v.via.uri if v.via is not None else None for v in values]
    obj = (lambda x: np.asarray(x, dtype=object) if x else np.zeros(0, dtype=object))  # noqa: E731
    return _Follows(obj(source), obj(target), at, obj(via), origin)


def _recorded(follows: _Follows) -> Followers:
    """Followers from follow records, newest first (untimed ones count as newest)."""
    when = np.where(np.isnan(follows.at), np.inf, follows.at)
    order = np.argsort(-when, kind="stable")
    f = follows.take(order)
    return Followers(f.source, f.origin, at=f.at, via=f.via)


def _paged(pages: list[Page], target: str, follows: _Follows, problems: Problems) -> Followers:
    _check_pages(pages, target, problems)
    views = [(p.where, v) for p in pages for v in p.followers]
    ids = np.asarray([v.did for _, v in views], dtype=object)
    followers = Followers(ids, _origin([w for w, _ in views]))
    # Each follower's earliest follow record gives the time and starter pack.
    f = follows.take(np.argsort(np.where(np.isnan(follows.at), np.inf, follows.at),
                                kind="stable"))
    first = ~pd.Index(f.source, dtype=object).duplicated(keep="first")
    f = f.take(np.flatnonzero(first))
    rows = pd.Index(f.source, dtype=object).get_indexer(pd.Index(ids, dtype=object))
    found = rows >= 0
    followers.at = np.full(len(ids), np.nan)
    followers.at[found] = f.at[rows[found]]
    followers.via = np.full(len(ids), None, dtype=object)
    followers.via[found] = f.via[rows[found]]
    unlisted = np.flatnonzero(~pd.Index(f.source, dtype=object).isin(pd.Index(ids, dtype=object)))
    problems.warn_rows(f.origin, unlisted, lambda i: f"{f.source[i]} follows the target by "
                       "this record but is not in the --followers pages; not imported",
                       "{n} follow records of accounts missing from the pages not imported")
    return followers


def _check_pages(pages: list[Page], target: str, problems: Problems) -> None:
    seen: dict[str, str] = {}
    for k, page in enumerate(pages):
        if page.subject is not None and page.subject.did not in (None, target):
            problems.error(page.where, f"a page of the followers of {page.subject.did}, "
                           f"not of the target {target}")
        if page.cursor is None and k < len(pages) - 1:
            problems.error(page.where, "the list ends on this page (no cursor) but more pages "
                           "follow: the pages do not chain")
        if page.cursor is not None:
            if page.cursor in seen:
                problems.error(page.where, f"cursor {page.cursor!r} repeats that of "
                               f"{seen[page.cursor]}: a page given twice, or pages out of order")
            seen[page.cursor] = page.where
    if pages and pages[-1].cursor is not None:
        problems.warn(pages[-1].where, f"the list goes on (cursor {pages[-1].cursor!r}): the "
                      "oldest followers are missing")


def _links(follows: _Follows, target: str, followers: Followers, known: Profiles,
           problems: Problems) -> Links:
    """Follow records between accounts of the graph; the others are counted, not kept."""
    accounts = pd.Index(np.concatenate([[target], followers.ids, known.ids]), dtype=object)
    inside = (pd.Index(follows.source, dtype=object).isin(accounts)
              & pd.Index(follows.target, dtype=object).isin(accounts))
    if (~inside).any():
        problems.warn("--records", f"{int((~inside).sum()):,} follows of accounts outside "
                      "the graph not imported")
    f = follows.take(np.flatnonzero(inside))
    return Links(f.source, f.target, f.at, f.origin)


def _starter_packs(records: list[tuple[str, Record]]) -> dict:
    packs = {}
    for _, record in records:
        if record.uri:
            value = record.value
            packs[record.uri] = {"name": value.name, "creator": repo_of(record.uri)[0],
                                 "list": value.list, "created_at": value.createdAt}
    return {"starter_packs": packs} if packs else {}


def _origin(wheres: list[str]) -> Origin:
    """An origin from ``file:line`` strings."""
    if not wheres:
        return Origin()
    names, lines = zip(*(w.rsplit(":", 1) for w in wheres), strict=True)
    codes, files = pd.factorize(pd.Index(names, dtype=object))
    return Origin(list(files), codes.astype(np.int32), np.array(lines, dtype=np.int64),
                  ["line"] * len(files))
