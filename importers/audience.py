"""A target, its followers and their profiles -> one ``account-graph/1`` audience.

Every importer ends here, so the rules are the same for every format
(docs/importers.md):

- the follower list is given newest first, as platforms list it; each follower gets one
  ``follow`` edge to the target with ``rank`` (0 = the oldest follower). Formats with
  exact follow times rank by time (equal times: the later-listed is the older);
- an id listed twice keeps its first listing (``keep="first"``: the newest) with a
  warning; the target listed among its own followers is dropped with a warning;
- a follow time or creation date after the reference instant (``--observed-at``, else
  the moment of the import) is impossible: dropped with a warning;
- a profile listed twice keeps its first; a profile of an account that is not in the
  follower list is kept as an account without a follow edge, with a warning;
- ``observed_at`` is ``--observed-at``, else the newest time stamp in the data, else now.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from detector.errors import Issue
from detector.graph import Accounts, Edges
from detector.schema import FOLLOW, FORMAT, PLATFORM_CODE
from detector.validate import parse_timestamp
from importers.problems import Origin, Problems
from importers.profiles import Profiles, check_ids


@dataclass(frozen=True)
class ImportOptions:
    """Options every importer takes."""

    observed_at: str | None = None  # ISO 8601 collection time; None: newest stamp, else now

    def __post_init__(self) -> None:
        if self.observed_at is not None and parse_timestamp(self.observed_at) is None:
            raise ValueError(f"observed_at must be an ISO 8601 time such as "
                             f"2024-11-02T03:14:00Z, got {self.observed_at!r}")

    @property
    def observed_seconds(self) -> float:
        return np.nan if self.observed_at is None else float(parse_timestamp(self.observed_at))


@dataclass
class Followers:
    """The target's followers in the platform's list order, newest first.

    Attributes:
        ids: follower ids (object array of ``str``).
        origin: file and line of each listing.
        at: exact follow time per follower (epoch seconds, NaN unknown), if the format has it.
        via: starter-pack AT-URI per follow (``None`` where none), if the format has it.
        position: the platform's list position per follower (newest first, gaps
            allowed), when the input numbers its rows; ``None``: the order given.
    """

    ids: np.ndarray
    origin: Origin
    at: np.ndarray | None = None
    via: np.ndarray | None = None
    position: np.ndarray | None = None

    def __len__(self) -> int:
        return len(self.ids)

    def take(self, index: np.ndarray) -> Followers:
        pick = (lambda a: None if a is None else a[index])  # noqa: E731
        return Followers(self.ids[index], self.origin.take(index), pick(self.at),
                         pick(self.via), pick(self.position))


@dataclass
class Links:
    """Follow edges between other accounts (not to the target), with their time."""

    source: np.ndarray
    target: np.ndarray
    at: np.ndarray
    origin: Origin

    def take(self, index: np.ndarray) -> Links:
        return Links(self.source[index], self.target[index], self.at[index],
                     self.origin.take(index))


@dataclass
class Imported:
    """An imported audience, ready to validate and write (``importers.output``).

    Attributes:
        format: the importer's name, e.g. ``"twitter-v1"``.
        accounts: the target (row 0), its followers oldest first, then other accounts.
        edges: follows of the target in rank order, then the other edges.
        rank: per edge, its rank among the target's followers; -1 for other edges.
        via: per edge, the starter pack a follow came through (AT-URI), or ``None``.
        observed_at: the graph's reference time (epoch seconds).
        warnings: what was repaired or dropped, each with its file and line.
        meta: extra top-level fields of the document (e.g. ``starter_packs``).
    """

    format: str
    accounts: Accounts
    edges: Edges
    rank: np.ndarray
    via: np.ndarray | None
    observed_at: float
    warnings: list[Issue] = field(default_factory=list)
    meta: dict = field(default_factory=dict)
    target: int = 0

    @property
    def followers(self) -> int:
        return int((self.rank >= 0).sum())

    def summary(self) -> str:
        return (f"{FORMAT}: {len(self.accounts):,} accounts, {self.followers:,} followers of "
                f"{self.accounts.ids[self.target]}, {len(self.edges):,} edges")


def audience(fmt: str, target: str, followers: Followers, profiles: Profiles,
             problems: Problems, options: ImportOptions, *, by_time: bool = False,
             keep: str = "first", links: Links | None = None,
             stamps: Sequence[np.ndarray] = (), meta: dict | None = None,
             now: float | None = None, platform: str | None = None) -> Imported:
    """Build the audience graph of ``target``; see the module docstring for the rules.

    Args:
        fmt: the importer's name.
        target: id of the audited account (it may have no profile).
        followers: the follower list, newest first.
        profiles: profiles of the target, followers and maybe others.
        problems: collects errors and warnings.
        options: ``observed_at``.
        by_time: rank by ``followers.at`` (exact follow times) instead of list order.
        keep: which listing of a repeated follower to keep: ``"first"`` or ``"last"``.
        links: follow edges between other accounts.
        stamps: more time stamps of the data that ``observed_at`` may default to.
        meta: extra top-level fields for the document.
        now: the import's wall-clock time (tests fix it).
        platform: the platform every account is on (``detector.schema.PLATFORMS``);
            ``None`` leaves it unknown (a platform the model was not taught).
    """
    now = time.time() if now is None else now
    explicit = options.observed_seconds
    limit = now if np.isnan(explicit) else explicit
    limit_name = "the import" if np.isnan(explicit) else f"observed_at {options.observed_at}"
    check_ids([target], Origin.of("--target", [0]), problems)
    followers = _clean_followers(followers, target, keep, limit, limit_name, problems)
    ranks = _ranks(followers, by_time)
    profiles = _clean_profiles(profiles, limit, limit_name, problems)
    links = _clean_links(links, limit, limit_name, problems)
    problems.check()

    order = np.argsort(ranks, kind="stable")  # oldest first
    base = np.concatenate([np.array([target], dtype=object), followers.ids[order]])
    known = pd.Index(base, dtype=object)
    extra = np.flatnonzero(known.get_indexer(pd.Index(profiles.ids, dtype=object)) < 0)
    extra = extra[profiles.ids[extra] != target]
    problems.warn_rows(profiles.origin, extra, lambda i: f"profile of {profiles.ids[i]!r}, "
                       "who is not in the follower list: kept as an account without a follow edge",
                       "{n} profiles of accounts not in the follower list kept in all")
    ids = np.concatenate([base, profiles.ids[extra]])
    if links is not None and len(links.source):
        ends = pd.unique(np.concatenate([links.source, links.target]))
        ids = np.concatenate([ids, ends[pd.Index(ids, dtype=object).get_indexer(ends) < 0]])
    accounts = _accounts(ids, profiles)
    if platform is not None:
        accounts.platform[:] = PLATFORM_CODE[platform]
    edges, rank, via = _edges(ids, followers, ranks, order, links)
    times = [edges.at, accounts.created_at, *stamps]
    observed = explicit if not np.isnan(explicit) else _newest(times, now)
    return Imported(fmt, accounts, edges, rank, via, observed, problems.warnings, meta or {})


def _clean_followers(f: Followers, target: str, keep: str, limit: float, limit_name: str,
                     problems: Problems) -> Followers:
    self_rows = np.flatnonzero(f.ids == target)
    problems.warn_rows(f.origin, self_rows, lambda i: "the target listed as its own follower; "
                       "dropped", "{n} listings of the target as its own follower dropped")
    if len(self_rows):
        f = f.take(np.flatnonzero(f.ids != target))
    dup, kept = _repeats(f.ids, keep)
    which = "first (newest)" if keep == "first" else "last"
    problems.warn_rows(f.origin, np.flatnonzero(dup), lambda i: f"follower {f.ids[i]!r} listed "
                       f"again; the {which} listing (at {f.origin.where(kept[i])}) kept",
                       "{n} repeated listings of followers dropped in all")
    if dup.any():
        f = f.take(np.flatnonzero(~dup))
    if f.at is not None:
        late = np.flatnonzero(f.at > limit)
        problems.warn_rows(f.origin, late, lambda i: f"follow time {_iso(f.at[i])} is after "
                           f"{limit_name}; dropped", "{n} follow times in the future dropped")
        if len(late):
            f.at = f.at.copy()
            f.at[late] = np.nan
    return f


def _repeats(ids: np.ndarray, keep: str) -> tuple[np.ndarray, np.ndarray]:
    """Rows that repeat an id (all but the kept one) and, per row, the kept row of its id."""
    codes, uniques = pd.factorize(ids)
    dup = pd.Index(codes).duplicated(keep=keep)
    if not dup.any():
        return dup, np.arange(len(ids))
    rows = np.arange(len(ids))
    kept = np.empty(len(uniques), dtype=np.int64)
    if keep == "first":
        kept[codes[::-1]] = rows[::-1]  # the last write per id wins: its first row
    else:
        kept[codes] = rows
    return dup, kept[codes]


def _ranks(f: Followers, by_time: bool) -> np.ndarray:
    """Rank per follower (0 = oldest): by list position, or by follow time where known."""
    n = len(f)
    if f.position is not None:
        return (f.position.max() - f.position).astype(np.int64) if n else np.zeros(0, np.int64)
    if not by_time or f.at is None:
        return np.arange(n - 1, -1, -1, dtype=np.int64)
    # Untimed follows rank after all timed ones; ties go to list order (later = older).
    when = np.where(np.isnan(f.at), np.inf, f.at)
    order = np.lexsort((-np.arange(n), when))
    ranks = np.empty(n, dtype=np.int64)
    ranks[order] = np.arange(n)
    return ranks


def _clean_profiles(p: Profiles, limit: float, limit_name: str, problems: Problems) -> Profiles:
    dup, kept = _repeats(p.ids, "first")
    problems.warn_rows(p.origin, np.flatnonzero(dup), lambda i: f"another profile of "
                       f"{p.ids[i]!r}; the first (at {p.origin.where(kept[i])}) kept",
                       "{n} repeated profiles dropped in all")
    if dup.any():
        p = p.take(np.flatnonzero(~dup))
    future = np.flatnonzero(p.accounts.created_at > limit)
    problems.warn_rows(p.origin, future, lambda i: f"created_at {_iso(p.accounts.created_at[i])}"
                       f" is after {limit_name}; dropped",
                       "{n} creation dates in the future dropped in all")
    if len(future):
        p.accounts.created_at = p.accounts.created_at.copy()
        p.accounts.created_at[future] = np.nan
    return p


def _clean_links(links: Links | None, limit: float, limit_name: str,
                 problems: Problems) -> Links | None:
    if links is None or not len(links.source):
        return links
    check_ids(links.source.tolist(), links.origin, problems)
    check_ids(links.target.tolist(), links.origin, problems)
    keep = links.source != links.target
    keep &= ~pd.DataFrame({"s": links.source, "t": links.target}).duplicated().to_numpy()
    links = links.take(np.flatnonzero(keep))
    late = np.flatnonzero(links.at > limit)
    problems.warn_rows(links.origin, late, lambda i: f"follow time {_iso(links.at[i])} is after "
                       f"{limit_name}; dropped", "{n} follow times in the future dropped")
    links.at = np.where(links.at > limit, np.nan, links.at)
    return links


def _accounts(ids: np.ndarray, profiles: Profiles) -> Accounts:
    """The account table in ``ids`` order: each id's profile, or only its id."""
    padded = Profiles.concat([profiles, Profiles(Accounts.empty(np.array(["\0"], dtype=object)),
                                                 Origin.of("", [0]))])
    rows = pd.Index(profiles.ids, dtype=object).get_indexer(pd.Index(ids, dtype=object))
    accounts = padded.accounts.take(np.where(rows < 0, len(profiles), rows))
    accounts.ids = ids
    return accounts


def _edges(ids: np.ndarray, f: Followers, ranks: np.ndarray, order: np.ndarray,
           links: Links | None) -> tuple[Edges, np.ndarray, np.ndarray | None]:
    n = len(f)
    src = [np.arange(1, n + 1, dtype=np.int64)]
    at = [f.at[order] if f.at is not None else np.full(n, np.nan)]
    rank = [ranks[order]]
    via = [f.via[order] if f.via is not None else np.full(n, None, dtype=object)]
    dst = [np.zeros(n, dtype=np.int64)]
    if links is not None and len(links.source):
        index = pd.Index(ids, dtype=object)
        src.append(index.get_indexer(pd.Index(links.source, dtype=object)).astype(np.int64))
        dst.append(index.get_indexer(pd.Index(links.target, dtype=object)).astype(np.int64))
        at.append(links.at)
        rank.append(np.full(len(links.source), -1, dtype=np.int64))
        via.append(np.full(len(links.source), None, dtype=object))
    src, dst, rank = np.concatenate(src), np.concatenate(dst), np.concatenate(rank)
    edges = Edges(src=src, dst=dst, type=np.full(len(src), FOLLOW, dtype=np.int8),
                  at=np.concatenate(at), weight=np.ones(len(src), dtype=np.int64),
                  rank=rank, at_estimated=np.zeros(len(src), dtype=bool))
    via_all = np.concatenate(via)
    has_via = f.via is not None and any(v is not None for v in via_all)
    return edges, rank, via_all if has_via else None


def _newest(columns: Sequence[np.ndarray], now: float) -> float:
    best = max((float(np.nanmax(c)) for c in columns if len(c) and not np.isnan(c).all()),
               default=np.nan)
    return now if np.isnan(best) else best


def _iso(seconds: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(seconds))
