"""Score tables on disk: ``id, label, p_<class>...`` as CSV or Parquet, written whole or
not at all. Shared by both engines of ``ffd score``."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

from detector.io import usual_mode

#: Output formats by file extension.
SUFFIXES = (".csv", ".parquet", ".pq")


def score_table(ids: np.ndarray, proba: np.ndarray, classes: list[str]) -> pd.DataFrame:
    """``id, label, p_<class>...``: the most probable class and every probability."""
    table = pd.DataFrame({"id": ids.astype(str),
                          "label": pd.Categorical.from_codes(proba.argmax(axis=1),
                                                             categories=classes)})
    for c, name in enumerate(classes):
        table[f"p_{name}"] = proba[:, c]
    return table


def write_table(table: pd.DataFrame, out: Path) -> None:
    """Write to a temporary file beside ``out`` and rename it into place."""
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.", suffix=out.suffix)
    os.close(fd)
    try:
        if out.suffix.lower() == ".csv":
            table.to_csv(tmp, index=False, float_format="%.6g")
        else:
            table.to_parquet(tmp, index=False)
        usual_mode(tmp)
        os.replace(tmp, out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
