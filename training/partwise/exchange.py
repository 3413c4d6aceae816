"""Which part owns an account, and tables cut by owner: the shuffles of the partitioned
engine (every one routes rows to the part that owns one of their account ids).

An account belongs to part ``hash(id) % K``: any process can tell the owner of an id
without a directory, and parts come out balanced whatever the order of the input files.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pandas as pd


def owners(ids, k: int) -> np.ndarray:
    """The part (``0..k-1``) that owns each account id (pandas' stable 64-bit hash)."""
    values = np.asarray(ids, dtype=object)
    if k == 1 or len(values) == 0:
        return np.zeros(len(values), dtype=np.int64)
    return (pd.util.hash_array(values) % np.uint64(k)).astype(np.int64)


def split(frame: pd.DataFrame, owner: np.ndarray, k: int) -> list[pd.DataFrame]:
    """``frame``'s rows by ``owner``, one table per part, each in ``frame``'s order."""
    return list(pieces(frame, owner, k))


def pieces(frame: pd.DataFrame, owner: np.ndarray, k: int) -> Iterator[pd.DataFrame]:
    """``split``, one table at a time: a sender that writes each piece before cutting
    the next holds one piece beside ``frame``, not all of them."""
    order = np.argsort(owner, kind="stable")
    bounds = np.searchsorted(owner[order], np.arange(k + 1))
    for p in range(k):
        yield frame.iloc[order[bounds[p]:bounds[p + 1]]].reset_index(drop=True)


def split_by(frame: pd.DataFrame, column: str, k: int) -> list[pd.DataFrame]:
    """``frame``'s rows by the owner of the id in ``column``."""
    return split(frame, owners(frame[column].to_numpy(dtype=object), k), k)


def pieces_by(frame: pd.DataFrame, column: str, k: int) -> Iterator[pd.DataFrame]:
    """``split_by``, one table at a time (``pieces``)."""
    return pieces(frame, owners(frame[column].to_numpy(dtype=object), k), k)
