"""Reading and writing account graphs: JSON, gzipped JSON, the columnar form, CSV pairs.

Forms on disk:
- ``graph.json`` / ``graph.json.gz``: one ``account-graph/1`` or node-link document.
- a directory with ``accounts.parquet`` and ``edges.parquet`` (the columnar form, for
  graphs too big for JSON) and ``graph.json`` holding ``format``/``target``/``observed_at``.
- a directory with ``accounts/*.parquet`` and ``edges/*.parquet`` (the sharded columnar
  form, ``detector.shards``): the same tables cut into files.
- a directory (or two files) with ``accounts.csv`` and ``edges.csv``: the spreadsheet form.
"""

from __future__ import annotations

import gzip
import os
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import orjson
import pandas as pd

from detector.errors import DetectorError, GraphValidationError, Issue
from detector.frames import graph_from_frames
from detector.graph import AccountGraph, Edges
from detector.schema import (
    BOOL_FIELDS,
    COUNT_FIELDS,
    EDGE_TYPES,
    ENUM_FIELDS,
    FORMAT,
    TEXT_FIELDS,
)
from detector.shards import LAYOUT, is_sharded, open_sharded, read_tables, shard_name
from detector.typed import graph_from_json
from detector.validate import parse_graph, parse_timestamp


class MalformedInputError(DetectorError, ValueError):
    """The bytes are not JSON (or not the table format they claim to be)."""


def parse_json(data: bytes | str) -> Any:
    """Parse JSON strictly: no NaN/Infinity, nesting deeper than 1024 refused."""
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raise MalformedInputError(f"not valid JSON: {exc}") from None


def load_graph(path: str | os.PathLike, edges: str | os.PathLike | None = None) -> AccountGraph:
    """Load and validate a graph from any supported form (see module docstring).

    Args:
        path: a JSON file, a columnar directory, a CSV directory, or an accounts CSV.
        edges: the edges CSV when ``path`` is an accounts CSV.
    """
    path = Path(path)
    if not path.exists():
        raise DetectorError(f"{path}: no such file or directory")
    if path.is_dir():
        if is_sharded(path):
            return load_sharded(path)
        if (path / "accounts.parquet").exists():
            return _load_columnar(path)
        if (path / "accounts.csv").exists():
            return load_csv(path / "accounts.csv", path / "edges.csv")
        raise DetectorError(
            f"{path}: a graph directory needs accounts.parquet + edges.parquet "
            "or accounts.csv + edges.csv"
        )
    if path.suffix == ".csv":
        return load_csv(path, edges)
    raw = path.read_bytes()
    if path.suffix == ".gz":
        raw = gzip.decompress(raw)
    graph = graph_from_json(raw)  # typed decoding; None: the general path names the problems
    return graph if graph is not None else parse_graph(parse_json(raw))


def load_csv(accounts: str | os.PathLike, edges: str | os.PathLike | None,
             target: str | None = None, observed_at: float = float("nan")) -> AccountGraph:
    """The spreadsheet form: an accounts CSV (``id`` plus any contract fields) and an
    edges CSV (``source,target,type[,at][,weight][,rank]``); a CSV pair carries no ``target``
    or ``observed_at``, so callers that know them pass them here."""
    try:
        text = {name: str for name in ("id", *TEXT_FIELDS)}  # user name 007 stays "007"
        acc = pd.read_csv(accounts, dtype=text, keep_default_na=True)
        edge_frame = (
            pd.read_csv(edges, dtype={"source": str, "target": str})
            if edges is not None and Path(edges).exists()
            else None
        )
    except (pd.errors.ParserError, UnicodeDecodeError, pd.errors.EmptyDataError) as exc:
        raise MalformedInputError(f"not a readable CSV file: {exc}") from None
    return graph_from_frames(acc, edge_frame, target, observed_at)


def _load_columnar(path: Path) -> AccountGraph:
    meta = parse_json((path / "graph.json").read_bytes()) if (path / "graph.json").exists() else {}
    fmt = meta.get("format", FORMAT)
    if fmt != FORMAT:
        raise GraphValidationError([Issue("format", f"unsupported format {fmt!r}")])
    accounts = pd.read_parquet(path / "accounts.parquet")
    edge_path = path / "edges.parquet"
    edges = pd.read_parquet(edge_path) if edge_path.exists() else None
    observed = parse_timestamp(meta.get("observed_at"))
    return graph_from_frames(accounts, edges, meta.get("target"),
                             float("nan") if observed is None else observed)


def load_sharded(path: str | os.PathLike) -> AccountGraph:
    """The whole graph of a sharded directory, in one process (the local engine's way;
    ``ffd score --engine ray`` reads the shards part by part instead)."""
    sharded = open_sharded(path)
    return graph_from_frames(read_tables(sharded.accounts), read_tables(sharded.edges),
                             sharded.target, sharded.observed_at)


def save_graph(graph: AccountGraph, path: str | os.PathLike, shards: int | None = None) -> Path:
    """Write a graph: ``.json``/``.json.gz`` as a document, anything else as a columnar
    directory, cut into ``shards`` files of accounts and of edges when given (the sharded
    form). Files are written to a temporary name and renamed into place."""
    path = Path(path)
    if shards is not None:
        return _save_sharded(graph, path, shards)
    if path.suffix in (".json", ".gz"):
        data = orjson.dumps(graph_to_document(graph))
        if path.suffix == ".gz":
            data = gzip.compress(data, compresslevel=5)
        atomic_write(path, data)
        return path
    path.mkdir(parents=True, exist_ok=True)
    accounts, edges = graph_to_frames(graph)
    for name, frame in (("accounts", accounts), ("edges", edges)):
        tmp = path / f".{name}.parquet.tmp"
        frame.to_parquet(tmp, index=False)
        os.replace(tmp, path / f"{name}.parquet")
    meta = {"format": FORMAT, "target": graph.target_id, "observed_at": _iso(graph.observed_at)}
    atomic_write(path / "graph.json", orjson.dumps(meta, option=orjson.OPT_INDENT_2))
    return path


def _save_sharded(graph: AccountGraph, path: Path, shards: int) -> Path:
    """Contiguous blocks of accounts and of edges, ``shards`` files each."""
    if shards < 1:
        raise ValueError(f"shards must be at least 1, got {shards}")
    accounts, edges = graph_to_frames(graph)
    for name, frame in (("accounts", accounts), ("edges", edges)):
        folder = path / name
        folder.mkdir(parents=True, exist_ok=True)
        for old in folder.glob("*.parquet"):
            old.unlink()
        n = len(frame)
        for k in range(shards):
            tmp = folder / f".{shard_name(k)}.tmp"
            frame.iloc[k * n // shards:(k + 1) * n // shards].to_parquet(tmp, index=False)
            os.replace(tmp, folder / shard_name(k))
    meta = {"format": FORMAT, "layout": LAYOUT, "target": graph.target_id,
            "observed_at": _iso(graph.observed_at)}
    atomic_write(path / "graph.json", orjson.dumps(meta, option=orjson.OPT_INDENT_2))
    return path


def graph_to_frames(graph: AccountGraph) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The graph as two tables with the contract's field names (missing -> null).
    Estimated follow times are left out (their ``rank`` stays), as in ``graph_to_document``."""
    a = graph.accounts
    columns: dict[str, Any] = {"id": a.ids.astype(str)}
    for name in COUNT_FIELDS:
        values = a.counts[name]
        missing = np.isnan(values)
        columns[name] = pd.arrays.IntegerArray(
            np.where(missing, 0, values).astype(np.int64), missing)
    for name in BOOL_FIELDS:
        values = a.flags[name]
        columns[name] = pd.arrays.BooleanArray(values != 0, np.isnan(values))
    for name in TEXT_FIELDS:
        columns[name] = a.texts[name]
    columns["created_at"] = _to_datetime(a.created_at)
    for name, values in ENUM_FIELDS.items():
        codes = getattr(a, name)
        columns[name] = pd.Categorical.from_codes(codes.astype(np.int64), categories=list(values))
    e = graph.edges
    edges = pd.DataFrame(
        {
            "source": a.ids[e.src].astype(str),
            "target": a.ids[e.dst].astype(str),
            "type": pd.Categorical.from_codes(e.type.astype(np.int64), categories=list(EDGE_TYPES)),
            "at": _to_datetime(_observed(e)),
            "weight": e.weight,
            "rank": pd.arrays.IntegerArray(e.rank.astype(np.int64), e.rank < 0),
        }
    )
    return pd.DataFrame(columns), edges


def graph_to_document(graph: AccountGraph) -> dict:
    """The graph as an ``account-graph/1`` document (missing fields omitted). A follow
    time estimated from its rank is not written: the ``rank`` is, and reading the
    document back estimates the same time again."""
    a, e = graph.accounts, graph.edges
    columns: list[tuple[str, list]] = []
    for name in COUNT_FIELDS:
        columns.append((name, _nan_to_none_int(a.counts[name])))
    for name in BOOL_FIELDS:
        columns.append((name, _nan_to_none_bool(a.flags[name])))
    for name in TEXT_FIELDS:
        columns.append((name, a.texts[name].tolist()))
    columns.append(("created_at", _iso_array(a.created_at)))
    for name, values in ENUM_FIELDS.items():
        columns.append((name, [values[c] if c >= 0 else None for c in getattr(a, name).tolist()]))
    # One row at a time, keeping the fields that are not missing (1.4 s for a million
    # accounts; indexing each column per field took 2.4 s).
    names = ["id", *(name for name, _ in columns)]
    accounts = [{k: v for k, v in zip(names, row, strict=True) if v is not None}
                for row in zip(a.ids.tolist(), *(col for _, col in columns), strict=True)]
    ids = a.ids
    edges = []
    for s, d, t, at, w, r in zip(ids[e.src].tolist(), ids[e.dst].tolist(), e.type.tolist(),
                                 _iso_array(_observed(e)), e.weight.tolist(), e.rank.tolist(),
                                 strict=True):
        record = {"source": s, "target": d, "type": EDGE_TYPES[t]}
        if at is not None:
            record["at"] = at
        if w != 1:
            record["weight"] = w
        if r >= 0:
            record["rank"] = r
        edges.append(record)
    doc: dict[str, Any] = {"format": FORMAT}
    if graph.target is not None:
        doc["target"] = graph.target_id
    if not np.isnan(graph.observed_at):
        doc["observed_at"] = _iso(graph.observed_at)
    doc["accounts"] = accounts
    doc["edges"] = edges
    return doc


def _observed(edges: Edges) -> np.ndarray:
    """Edge times as given: an estimate (``at_estimated``) is written as its ``rank``
    only, so reading the file back estimates it again, and never passes for observed."""
    if not edges.at_estimated.any():
        return edges.at
    return np.where(edges.at_estimated, np.nan, edges.at)


def _nan_to_none_int(values: np.ndarray) -> list:
    return _fill_none(np.where(np.isnan(values), 0, values).astype(np.int64), values)


def _nan_to_none_bool(values: np.ndarray) -> list:
    return _fill_none(values != 0, values)


def _fill_none(converted: np.ndarray, values: np.ndarray) -> list:
    """``converted`` as a list with ``None`` where ``values`` is NaN: one C-level
    ``tolist`` and a loop over the missing values only (a Python test per value took
    0.55 s per million flags)."""
    out = converted.tolist()
    for i in np.flatnonzero(np.isnan(values)).tolist():
        out[i] = None
    return out


def _iso(seconds: float) -> str | None:
    # numpy, as ``_iso_array``: four-digit years below 1000 and no overflow where
    # pandas' nanosecond timestamps end (year 2262).
    return _iso_array(np.array([seconds], dtype=np.float64))[0]


def _iso_array(seconds: np.ndarray) -> list[str | None]:
    """Vectorised ``_iso``: a million timestamps in well under a second."""
    missing = np.isnan(seconds)
    stamps = np.where(missing, 0, np.round(seconds)).astype("int64").astype("datetime64[s]")
    text = np.datetime_as_string(stamps, unit="s", timezone="UTC").astype(object)  # ...Z
    text[missing] = None
    return text.tolist()


def _to_datetime(seconds: np.ndarray) -> pd.Series:
    return pd.to_datetime(pd.Series(seconds), unit="s", utc=True)


def _umask() -> int:
    """The process's umask, read without setting it where Linux tells it (setting it to
    read it races with other threads creating files)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def usual_mode(path: str | os.PathLike, directory: bool = False) -> None:
    """Give ``path``, made by ``tempfile`` (owner only: 0600, 0700), the permissions
    ``open`` or ``mkdir`` would have given it, so that an output renamed into place can
    be read by whoever the umask lets read it (a server running as another user)."""
    os.chmod(path, (0o777 if directory else 0o666) & ~_umask())


def atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to a temporary file beside ``path`` and rename it into place: a
    crash leaves the old file or the new one, never half of one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        usual_mode(tmp)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
