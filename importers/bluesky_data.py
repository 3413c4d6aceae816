"""Bluesky (AT Protocol) data as files hold it: repo records and AppView answers.

Field names follow the lexicons of bluesky-social/atproto:

- records (``com.atproto.repo.listRecords`` pages ``{"records": [{"uri", "cid",
  "value"}], "cursor"}``, or one ``{"uri", "cid", "value"}`` per line): the repo that
  holds a record is the DID in its ``uri`` (``at://DID/COLLECTION/RKEY``), and its type
  is ``value.$type`` (else the collection). Read: ``app.bsky.graph.follow`` (``subject``
  DID, ``createdAt``, optional ``via``: a ``com.atproto.repo.strongRef`` to the starter
  pack the follow came through), ``app.bsky.actor.profile`` (``description``, ``avatar``
  blob, ``createdAt``) and ``app.bsky.graph.starterpack`` (``name``, ``list``,
  ``createdAt``);
- AppView views: ``app.bsky.actor.getProfiles`` (``{"profiles": [...]}``), a
  ``getProfile`` answer, and ``app.bsky.graph.getFollowers`` pages (``{"subject",
  "followers": [...], "cursor"}``, newest first), whose profiles carry ``did``,
  ``handle``, ``description``, ``avatar`` (a URL; absent when none is set),
  ``followersCount``, ``followsCount``, ``postsCount`` (detailed views only),
  ``createdAt`` and ``indexedAt``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import msgspec

from importers.files import json_values
from importers.problems import Problems

FOLLOW, PROFILE, STARTER_PACK = ("app.bsky.graph.follow", "app.bsky.actor.profile",
                                 "app.bsky.graph.starterpack")


class StrongRef(msgspec.Struct, gc=False):
    uri: str | None = None
    cid: str | None = None


class _OldSubject(msgspec.Struct, gc=False):
    did: str | None = None  # the 2022 follow lexicon: subject {did, declarationCid}


class RecordValue(msgspec.Struct, gc=False):
    type: str | None = msgspec.field(default=None, name="$type")
    subject: str | _OldSubject | None = None
    createdAt: str | None = None  # noqa: N815 (the lexicon's name)
    via: StrongRef | None = None
    description: str | None = None
    avatar: dict | str | None = None
    name: str | None = None
    list: str | None = None


class Record(msgspec.Struct, gc=False):
    uri: str | None = None
    cid: str | None = None
    value: RecordValue | None = None


class ProfileView(msgspec.Struct, gc=False):
    did: str | None = None
    handle: str | None = None
    description: str | None = None
    avatar: str | None = None
    followersCount: int | None = None  # noqa: N815
    followsCount: int | None = None  # noqa: N815
    postsCount: int | None = None  # noqa: N815
    createdAt: str | None = None  # noqa: N815
    indexedAt: str | None = None  # noqa: N815


class _Value(ProfileView, gc=False):
    """Any JSON value of these files: a page, a record line or a bare profile view."""

    records: list[Record] | None = None
    uri: str | None = None
    value: RecordValue | None = None
    profiles: list[ProfileView] | None = None
    followers: list[ProfileView] | None = None
    subject: ProfileView | None = None
    cursor: str | None = None


_DECODER = msgspec.json.Decoder(_Value)


@dataclass
class Page:
    """A ``getFollowers`` page: where it is, its subject, followers and next cursor."""

    where: str
    subject: ProfileView | None
    followers: list[ProfileView]
    cursor: str | None


@dataclass
class Read:
    """Everything read from the files, each item with its ``file:line``."""

    records: list[tuple[str, Record]] = field(default_factory=list)
    views: list[tuple[str, ProfileView]] = field(default_factory=list)
    pages: list[Page] = field(default_factory=list)


def read(paths: tuple[Path, ...], problems: Problems, what: str) -> Read:
    """Read record files (``what="records"``) or AppView answers (``"profiles"``,
    ``"followers"``); a value of another kind in such a file is an error."""
    out = Read()
    for path in paths:
        for chunk in json_values(path, _DECODER, problems):
            for line, value in zip(chunk.lines.tolist(), chunk.values, strict=True):
                where = f"{path}:{line}"
                if not _take(value, where, what, out):
                    problems.error(where, f"not {_KINDS[what]}")
    return out


_KINDS = {"records": "repo records (listRecords pages or {uri, cid, value} lines)",
          "profiles": "getProfiles/getProfile answers or profile views",
          "followers": "an app.bsky.graph.getFollowers page"}


def _take(value: _Value, where: str, what: str, out: Read) -> bool:
    if what == "records":
        if value.records is not None:
            out.records.extend((where, r) for r in value.records)
        elif value.value is not None:
            out.records.append((where, Record(value.uri, None, value.value)))
        else:
            return False
    elif what == "followers":
        if value.followers is None:
            return False
        out.pages.append(Page(where, value.subject, value.followers, value.cursor))
    elif value.profiles is not None:
        out.views.extend((where, v) for v in value.profiles)
    elif value.did is not None:
        out.views.append((where, value))
    else:
        return False
    return True


def repo_of(uri: str | None) -> tuple[str | None, str | None]:
    """``at://DID/COLLECTION/RKEY`` -> (DID, COLLECTION); ``None`` parts if not one."""
    if not uri or not uri.startswith("at://"):
        return None, None
    parts = uri[5:].split("/")
    return parts[0] or None, parts[1] if len(parts) > 1 else None


def kind_of(record: Record) -> str | None:
    """The record's type: ``value.$type``, else the collection named in its ``uri``."""
    if record.value is not None and record.value.type:
        return record.value.type
    return repo_of(record.uri)[1]


def subject_of(value: RecordValue) -> str | None:
    subject = value.subject
    return subject.did if isinstance(subject, _OldSubject) else subject
