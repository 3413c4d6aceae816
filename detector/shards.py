"""The sharded columnar form: a graph as many Parquet files, for graphs no process should
load whole (``ffd score --engine ray``).

Layout (docs/graph-format.md)::

    DIR/graph.json                 {"format": "account-graph/1", "layout": "shards",
                                    "target": ..., "observed_at": ...}
    DIR/accounts/<name>.parquet    account rows, the columns of ``accounts.parquet``
    DIR/edges/<name>.parquet       edge rows, the columns of ``edges.parquet``

Files are taken in name order; the graph's account order (and so the order of a
single-process score table) is the accounts files' rows in that order. How rows are
spread over files is free: an edge need not sit beside either of its accounts.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import orjson
import pandas as pd

from detector.errors import DetectorError, GraphValidationError, Issue
from detector.schema import FORMAT
from detector.validate import parse_timestamp

#: The ``layout`` value of a sharded directory's ``graph.json``.
LAYOUT = "shards"


@dataclass(frozen=True)
class ShardedGraph:
    """Where a sharded graph's files are, and what ``graph.json`` says."""

    accounts: tuple[Path, ...]
    edges: tuple[Path, ...]
    target: str | None
    observed_at: float  # epoch seconds, NaN when unknown


def is_sharded(path: str | os.PathLike) -> bool:
    """Whether ``path`` is a directory in the sharded form."""
    return (Path(path) / "accounts").is_dir()


def open_sharded(path: str | os.PathLike) -> ShardedGraph:
    """The files and metadata of the sharded graph at ``path``.

    Raises:
        DetectorError: no ``accounts/*.parquet`` under ``path``.
        GraphValidationError: ``graph.json`` names another format.
    """
    path = Path(path)
    accounts = tuple(sorted((path / "accounts").glob("*.parquet")))
    if not accounts:
        raise DetectorError(f"{path}: a sharded graph needs accounts/*.parquet")
    edges = tuple(sorted((path / "edges").glob("*.parquet")))
    meta_file = path / "graph.json"
    meta = orjson.loads(meta_file.read_bytes()) if meta_file.exists() else {}
    if meta.get("format", FORMAT) != FORMAT:
        raise GraphValidationError([Issue("format", f"unsupported format {meta['format']!r}")])
    observed = parse_timestamp(meta.get("observed_at"))
    return ShardedGraph(accounts, edges, meta.get("target"),
                        float("nan") if observed is None else observed)


def read_tables(files: tuple[Path, ...] | list[Path]) -> pd.DataFrame | None:
    """The rows of ``files`` in order, as one table (``None`` for no file)."""
    if not files:
        return None
    return pd.concat([pd.read_parquet(f) for f in files], ignore_index=True)


def shard_name(k: int) -> str:
    """The file name of shard ``k`` as ``detector.io.save_graph`` writes it."""
    return f"{k:05d}.parquet"
