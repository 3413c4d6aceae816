"""Profiles read from platform files, as contract columns (``detector.graph.Accounts``).

Every importer turns its user objects into plain columns, one Python list per contract
field, and ``profiles`` converts them at once into the numpy columns the graph uses.
Values the contract would refuse are dropped here with a warning naming the file and
line (a count above 10^12, a bio over 10,000 characters), so the written graph always
validates; an id the contract cannot hold is an error, since the account cannot be kept.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from detector.columns import CONTROL
from detector.graph import Accounts
from detector.schema import BOOL_FIELDS, COUNT_FIELDS, MAX_COUNT, MAX_ID_LENGTH, MAX_TEXT_LENGTH
from importers.problems import Origin, Problems


@dataclass
class Profiles:
    """Profile rows and where each came from (``origin.where(i)`` names file:line)."""

    accounts: Accounts
    origin: Origin

    def __len__(self) -> int:
        return len(self.accounts)

    @property
    def ids(self) -> np.ndarray:
        return self.accounts.ids

    def take(self, index: np.ndarray) -> Profiles:
        return Profiles(self.accounts.take(index), self.origin.take(index))

    @classmethod
    def empty(cls) -> Profiles:
        return cls(Accounts.empty(np.zeros(0, dtype=object)), Origin())

    @classmethod
    def concat(cls, parts: Sequence[Profiles]) -> Profiles:
        parts = [p for p in parts if len(p)]
        if not parts:
            return cls.empty()
        if len(parts) == 1:
            return parts[0]
        a = [p.accounts for p in parts]
        joined = Accounts(
            ids=np.concatenate([x.ids for x in a]),
            counts={k: np.concatenate([x.counts[k] for x in a]) for k in COUNT_FIELDS},
            flags={k: np.concatenate([x.flags[k] for x in a]) for k in BOOL_FIELDS},
            texts={k: np.concatenate([x.texts[k] for x in a]) for k in a[0].texts},
            created_at=np.concatenate([x.created_at for x in a]),
            label=np.concatenate([x.label for x in a]),
            split=np.concatenate([x.split for x in a]),
            platform=np.concatenate([x.platform for x in a]),
        )
        return cls(joined, Origin.concat([p.origin for p in parts]))


def profiles(ids: list, origin: Origin, problems: Problems, *,
             counts: dict[str, list] | None = None, flags: dict[str, list] | None = None,
             texts: dict[str, list] | None = None,
             created_at: np.ndarray | None = None) -> Profiles:
    """Contract columns from plain per-field lists (``None`` = missing).

    Args:
        ids: account ids (``str``), one per row.
        origin: file and line of each row.
        problems: where bad values are reported.
        counts: ``COUNT_FIELDS`` name -> ``int`` or ``None`` per row.
        flags: ``BOOL_FIELDS`` name -> ``bool`` or ``None`` per row.
        texts: ``username``/``bio`` -> ``str`` or ``None`` per row.
        created_at: epoch seconds per row, NaN where missing.
    """
    accounts = Accounts.empty(check_ids(ids, origin, problems))
    for name, col in (counts or {}).items():
        accounts.counts[name] = _counts(col, name, origin, problems)
    for name, col in (flags or {}).items():
        accounts.flags[name] = _flags(col)
    for name, col in (texts or {}).items():
        accounts.texts[name] = _texts(col, name, origin, problems)
    if created_at is not None:
        accounts.created_at = np.asarray(created_at, dtype=np.float64)
    return Profiles(accounts, origin)


def check_ids(ids: list, origin: Origin, problems: Problems) -> np.ndarray:
    """Ids as an object array; an id the contract refuses is an error at its row."""
    out = np.asarray(ids, dtype=object) if ids else np.zeros(0, dtype=object)
    # The common case in C-level passes: all strings, lengths in range, no control byte.
    if not ids or (set(map(type, ids)) == {str} and min(map(len, ids)) > 0
                   and max(map(len, ids)) <= MAX_ID_LENGTH and not CONTROL.search("".join(ids))):
        return out
    for i, v in enumerate(ids):
        if type(v) is not str or not v:
            problems.error(origin.where(i), "the account has no id")
        elif len(v) > MAX_ID_LENGTH:
            problems.error(origin.where(i), f"id longer than {MAX_ID_LENGTH} characters")
        elif CONTROL.search(v):
            problems.error(origin.where(i), f"id {v!r} contains control characters")
    return out


def _counts(col: list, name: str, origin: Origin, problems: Problems) -> np.ndarray:
    if None in col:
        out = np.fromiter((np.nan if v is None else v for v in col), np.float64, len(col))
    else:
        out = np.array(col, dtype=np.float64)
    bad = np.flatnonzero((out < 0) | (out > MAX_COUNT))
    problems.warn_rows(origin, bad, lambda i: f"{name} {col[i]} is not a count; dropped",
                       f"{{n}} values of {name} out of range dropped in all")
    out[bad] = np.nan
    return out


def _flags(col: list) -> np.ndarray:
    if None in col:
        return np.fromiter((np.nan if v is None else float(v) for v in col), np.float64,
                           len(col))
    return np.array(col, dtype=np.float64)


def _texts(col: list, name: str, origin: Origin, problems: Problems) -> np.ndarray:
    out = np.asarray(col, dtype=object) if col else np.zeros(0, dtype=object)
    if max(map(len, filter(None, col)), default=0) <= MAX_TEXT_LENGTH:
        return out
    lengths = np.fromiter((0 if v is None else len(v) for v in col), np.int64, len(col))
    bad = np.flatnonzero(lengths > MAX_TEXT_LENGTH)
    problems.warn_rows(origin, bad,
                       lambda i: f"{name} longer than {MAX_TEXT_LENGTH:,} characters; dropped",
                       f"{{n}} values of {name} too long dropped in all")
    out[bad] = None
    return out


def merge(primary: Profiles, secondary: Profiles) -> Profiles:
    """``primary`` with each missing value filled from ``secondary``'s first profile of the
    same id, followed by the profiles of ids that only ``secondary`` has."""
    if not len(primary):
        return secondary
    codes, uniques = pd.factorize(secondary.ids)
    first = np.full(len(uniques), len(codes), dtype=np.int64)
    np.minimum.at(first, codes, np.arange(len(codes)))
    found = pd.Index(uniques, dtype=object).get_indexer(pd.Index(primary.ids, dtype=object))
    both = np.flatnonzero(found >= 0)
    rows = first[found[both]]
    a, b = primary.accounts, secondary.accounts
    pairs = [(a.counts[k], b.counts[k]) for k in a.counts] + [
        (a.flags[k], b.flags[k]) for k in a.flags] + [(a.created_at, b.created_at)]
    for mine, theirs in pairs:
        fill = np.isnan(mine[both])
        mine[both[fill]] = theirs[rows[fill]]
    for name, mine in a.texts.items():
        fill = np.array([v is None for v in mine[both]], dtype=bool)
        mine[both[fill]] = b.texts[name][rows[fill]]
    rest = ~pd.Index(secondary.ids, dtype=object).isin(pd.Index(primary.ids, dtype=object))
    return Profiles.concat([primary, secondary.take(np.flatnonzero(rest))])
