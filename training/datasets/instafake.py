"""InstaFake (fake-v1.0) as an ``account-graph/1`` graph: Instagram profiles, no edges.

The copy under ``../shared/data/instafake`` (see its README; CC BY-NC 4.0, evaluation
and calibration only, never training data of the shipped model) holds 994 real and 200
fake accounts, profile counts only. Conversion:

- ``isFake`` 1/0 -> ``bought``/``genuine`` (the set has no mass-follower label);
  ``platform`` instagram for every account;
- ``userMediaCount`` -> ``posts_count``, ``userFollowerCount`` -> ``followers_count``,
  ``userFollowingCount`` -> ``following_count``, ``userHasProfilPic`` -> ``has_avatar``,
  ``userIsPrivate`` -> ``private``, ``usernameLength`` -> ``username_length``;
- ``userBiographyLength`` -> ``bio``: a placeholder of that many characters (``"x" * n``;
  ``""`` for an empty bio). Features read only a bio's length and emptiness;
- ``usernameDigitCount`` -> ``username_digits`` (the set publishes the name's length and
  digit count, not the name); anything the set does not have is left out: creation
  dates, edges, and the collection time (``observed_at`` unknown).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pandas as pd

from detector.errors import DetectorError
from detector.frames import graph_from_frames
from detector.graph import AccountGraph
from training.datasets.shared import DATA_ENV, data_root

NAME = "instafake"
FILES = {"fakeAccountData.json": "bought", "realAccountData.json": "genuine"}
_COLUMNS = {"userMediaCount": "posts_count", "userFollowerCount": "followers_count",
            "userFollowingCount": "following_count", "usernameLength": "username_length",
            "usernameDigitCount": "username_digits"}


def instafake_dir() -> Path:
    """Where the InstaFake folder is expected (it may be absent)."""
    return data_root() / NAME


def is_instafake_dir(path: str | os.PathLike) -> bool:
    """Whether ``path`` holds InstaFake's two files."""
    return all((Path(path) / name).is_file() for name in FILES)


def load_instafake(path: str | os.PathLike | None = None) -> AccountGraph:
    """Load InstaFake as a labelled graph without edges (ids ``fake-0``, ``real-0``, ...).

    Raises:
        DetectorError: a file is missing or is not the expected list of records.
    """
    folder = Path(path) if path is not None else instafake_dir()
    frames = []
    for name, label in FILES.items():
        file = folder / name
        if not file.is_file():
            raise DetectorError(f"{file}: not found; InstaFake is read from {instafake_dir()} "
                                f"(set {DATA_ENV} to the directory that holds {NAME}/)")
        try:
            records = json.loads(file.read_text(encoding="utf-8"))
            frame = pd.DataFrame.from_records(records)
            frames.append(instafake_accounts(frame, label, name.removesuffix("AccountData.json")))
        except (ValueError, KeyError, TypeError) as exc:
            raise DetectorError(
                f"{file}: not InstaFake's list of profile records ({exc})") from None
    return graph_from_frames(pd.concat(frames, ignore_index=True), None,
                             accounts_path=str(folder))


def instafake_accounts(raw: pd.DataFrame, label: str, prefix: str) -> pd.DataFrame:
    """One file's records -> contract columns (``label`` for every row)."""
    out = raw[list(_COLUMNS)].rename(columns=_COLUMNS).astype("int64")
    out.insert(0, "id", [f"{prefix}-{i}" for i in range(len(raw))])
    out["has_avatar"] = raw["userHasProfilPic"].astype(bool)
    out["private"] = raw["userIsPrivate"].astype(bool)
    out["bio"] = ["x" * int(n) for n in raw["userBiographyLength"]]
    out["label"] = label
    out["platform"] = "instagram"
    return out
