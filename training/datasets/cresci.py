"""Cresci-2015 ("Fame for sale") as an ``account-graph/1`` graph, official split kept.

The copy under ``../shared/data/cresci-2015`` (see its README) holds 5,301 accounts
(1,950 genuine, 3,351 bought from follower shops) with six profile signals and 14,220
follow edges between them. Conversion:

- ``label`` 0/1 -> ``genuine``/``bought``; ``split`` train/val/test kept as is;
  ``platform`` twitter for every account.
- ``screen_name_length`` -> ``username_length`` (the names themselves were not
  published); ``default_profile_image`` -> ``has_avatar`` (negated).
- ``created_date`` -> ``created_at`` (midnight UTC). ``observed_at`` is 2013-05-01, when
  the data were collected, not 2020-09-01, the date TwiBot-22's processing measured
  ``active_days`` to: the newest account was created on 2013-04-30 and the fake
  followers were bought in April 2013 (Cresci et al. 2015, section 3), so an age to 2020
  would add seven years no collector ever saw. (This was decided after looking at
  Cresci-2015: a model that reads age took the seven-year-old fakes for old, genuine
  accounts; docs/transfer.md.)
- ``edge_type`` 0 comes from ``src``'s friend list (``src`` follows ``dst``); 1 from
  ``src``'s follower list (``dst`` follows ``src``), so type-1 edges are reversed. Both
  become untimed ``follow`` edges; the 710 self-loops (a label leak: 705 sit on genuine
  accounts) and repeated edges are dropped.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd

from detector.errors import DetectorError, Issue
from detector.frames import graph_from_frames
from detector.graph import AccountGraph
from training.datasets.shared import DATA_ENV, data_root

NAME = "cresci-2015"
#: The TwiBot-22 processing measured ``active_days`` up to this day.
REFERENCE_DATE = "2020-09-01T00:00:00Z"
#: When the accounts were observed: the day after the newest creation date (2013-04-30).
COLLECTED_AT = "2013-05-01T00:00:00Z"

_FRIEND_LIST, _FOLLOWER_LIST = 0, 1


def cresci_dir() -> Path:
    """Where the Cresci-2015 folder is expected (it may be absent)."""
    return data_root() / NAME


def is_cresci_dir(path: str | os.PathLike) -> bool:
    """Whether ``path`` looks like the Cresci-2015 folder (by its account columns)."""
    accounts = Path(path) / "accounts.csv"
    if not accounts.is_file():
        return False
    with accounts.open(encoding="utf-8") as fh:
        header = fh.readline().strip().split(",")
    return {"node", "screen_name_length", "default_profile_image"} <= set(header)


def load_cresci(path: str | os.PathLike | None = None) -> AccountGraph:
    """Load Cresci-2015 as a labelled, split graph.

    Args:
        path: the ``cresci-2015`` folder; default ``cresci_dir()``.

    Raises:
        DetectorError: the folder or one of its two files is missing.
    """
    folder = Path(path) if path is not None else cresci_dir()
    for name in ("accounts.csv", "edges.csv"):
        if not (folder / name).is_file():
            raise DetectorError(
                f"{folder / name}: not found; Cresci-2015 is read from {cresci_dir()} "
                f"(set {DATA_ENV} to the directory that holds {NAME}/)"
            )
    raw = pd.read_csv(folder / "accounts.csv")
    edges = pd.read_csv(folder / "edges.csv")
    graph = graph_from_frames(
        cresci_accounts(raw),
        cresci_edges(edges),
        observed_at=pd.Timestamp(COLLECTED_AT).timestamp(),
        accounts_path=str(folder / "accounts.csv"),
        edges_path=str(folder / "edges.csv"),
    )
    loops = int((edges["src"] == edges["dst"]).sum())
    if loops:
        graph.warnings.append(Issue(str(folder / "edges.csv"),
                                    f"{loops} self-loops dropped (they leak the label)"))
    return graph


def cresci_accounts(raw: pd.DataFrame) -> pd.DataFrame:
    """The published account table -> contract columns."""
    created = pd.to_datetime(raw["created_date"], utc=True, errors="coerce")
    # created_date is derived from active_days; rebuild it from there if absent.
    from_days = pd.Timestamp(REFERENCE_DATE) - pd.to_timedelta(raw["active_days"], unit="D")
    return pd.DataFrame(
        {
            "id": raw["node"].astype(str),
            "label": raw["label"].map({0: "genuine", 1: "bought"}),
            "split": raw["split"],
            "followers_count": raw["followers_count"],
            "following_count": raw["following_count"],
            "listed_count": raw["listed_count"],
            "username_length": raw["screen_name_length"],
            "created_at": created.fillna(from_days),
            "has_avatar": 1 - raw["default_profile_image"].astype(np.int64),
            "platform": "twitter",
        }
    )


def cresci_edges(raw: pd.DataFrame) -> pd.DataFrame:
    """The published edge table -> untimed ``follow`` edges (follower -> followee),
    without self-loops or repeats."""
    from_followers = raw["edge_type"].to_numpy() == _FOLLOWER_LIST
    src, dst = raw["src"].to_numpy(), raw["dst"].to_numpy()
    follows = pd.DataFrame(
        {
            "source": np.where(from_followers, dst, src).astype(str),
            "target": np.where(from_followers, src, dst).astype(str),
        }
    )
    follows = follows[follows["source"] != follows["target"]].drop_duplicates()
    follows["type"] = "follow"
    return follows.reset_index(drop=True)
