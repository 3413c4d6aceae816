"""Check an imported audience against the contract and write it, atomically.

The tables go through ``detector.frames.graph_from_frames``, the very checks the Parquet
reader runs, so nothing is written that ``detector.io.load_graph`` would refuse. The
forms are those of ``detector.io.save_graph``: ``.json`` and ``.json.gz`` documents
(``graph_to_document``) and otherwise a columnar directory (``graph_to_frames``), each
with two edge fields the contract reads or ignores: ``rank`` on the follows of the
target (0 = the oldest follower) and ``via`` (the starter pack a Bluesky follow came
through). Everything is written under a temporary name beside the destination and
renamed into place, so an error at any point leaves no half-written file behind.
"""

from __future__ import annotations

import gzip
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import orjson
import pandas as pd

from detector.errors import DetectorError
from detector.frames import graph_from_frames
from detector.graph import AccountGraph
from detector.io import atomic_write, graph_to_document, graph_to_frames, usual_mode
from detector.schema import FORMAT
from importers.audience import Imported

#: The files of a columnar graph directory; only a directory holding nothing else is
#: ever replaced.
_GRAPH_FILES = {"accounts.parquet", "edges.parquet", "graph.json"}


def check(imported: Imported) -> tuple[AccountGraph, pd.DataFrame, pd.DataFrame]:
    """The validated graph and its two tables (``rank``/``via`` columns added).

    Raises:
        GraphValidationError: the imported data break the contract (an importer bug:
            importers drop or refuse every value the contract would refuse).
    """
    graph = AccountGraph(imported.accounts, imported.edges, imported.target,
                         imported.observed_at)
    accounts, edges = graph_to_frames(graph)
    checked = graph_from_frames(accounts, edges, graph.target_id, imported.observed_at)
    if len(checked.edges) != len(edges):
        raise DetectorError(f"internal error: {len(edges) - len(checked.edges)} imported "
                            "edges were dropped as self-loops or repeats")
    rank = imported.rank
    edges["rank"] = pd.arrays.IntegerArray(np.where(rank >= 0, rank, 0), rank < 0)
    if imported.via is not None:
        edges["via"] = pd.array(imported.via, dtype="string")
    return checked, accounts, edges


def write(imported: Imported, path: str | os.PathLike) -> tuple[Path, AccountGraph]:
    """Validate ``imported`` and write it to ``path`` (``.json``, ``.json.gz`` or a
    directory), atomically.

    Returns:
        The path written and the validated graph.
    """
    path = Path(path)
    graph, accounts, edges = check(imported)
    if path.suffix in (".json", ".gz"):
        data = orjson.dumps(document(imported, graph))
        if path.suffix == ".gz":
            data = gzip.compress(data, compresslevel=5)
        _atomic_file(path, data)
    else:
        stamp = pd.Timestamp(graph.observed_at, unit="s", tz="UTC")
        meta = {"format": FORMAT, "target": graph.target_id,
                "observed_at": stamp.strftime("%Y-%m-%dT%H:%M:%SZ"), **imported.meta}
        _atomic_directory(path, accounts, edges, meta)
    return path, graph


def document(imported: Imported, graph: AccountGraph) -> dict[str, Any]:
    """The ``account-graph/1`` document with ``rank`` (and ``via``) on the edges."""
    doc = graph_to_document(graph)
    for record, rank in zip(doc["edges"], imported.rank.tolist(), strict=True):
        if rank >= 0:
            record["rank"] = rank
    if imported.via is not None:
        for record, via in zip(doc["edges"], imported.via.tolist(), strict=True):
            if via is not None:
                record["via"] = via
    head = {k: doc[k] for k in ("format", "target", "observed_at") if k in doc}
    return {**head, **imported.meta, "accounts": doc["accounts"], "edges": doc["edges"]}


def _atomic_file(path: Path, data: bytes) -> None:
    if path.is_dir():
        raise DetectorError(f"{path}: is a directory; a .json or .json.gz output is a file")
    atomic_write(path, data)


def _atomic_directory(path: Path, accounts: pd.DataFrame, edges: pd.DataFrame,
                      meta: dict[str, Any]) -> None:
    """Write the three files into a fresh directory, then swap it in for ``path``."""
    if path.exists() and not path.is_dir():
        raise DetectorError(f"{path}: exists and is not a directory; name a .json, "
                            ".json.gz or directory output")
    if path.is_dir() and not {p.name for p in path.iterdir()} <= _GRAPH_FILES:
        raise DetectorError(f"{path}: holds files other than a graph's "
                            f"({', '.join(sorted(_GRAPH_FILES))}); not replacing it")
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(dir=path.parent, prefix=f".{path.name}."))
    old = None
    try:
        accounts.to_parquet(tmp / "accounts.parquet", index=False)
        edges.to_parquet(tmp / "edges.parquet", index=False)
        (tmp / "graph.json").write_bytes(orjson.dumps(meta, option=orjson.OPT_INDENT_2))
        usual_mode(tmp, directory=True)
        if path.exists():
            old = Path(tempfile.mkdtemp(dir=path.parent, prefix=f".{path.name}.old."))
            os.replace(path, old / path.name)
        os.replace(tmp, path)
    except BaseException:
        if old is not None and (old / path.name).exists() and not path.exists():
            os.replace(old / path.name, path)  # put the previous graph back
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    finally:
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
