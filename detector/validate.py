"""Parsed JSON -> ``AccountGraph``, naming every problem with its JSON path.

Accepts the ``account-graph/1`` document and networkx node-link JSON (``nodes`` with
``edges`` or the older ``links``). Works column by column: each field is pulled out of
all records at once (``map(dict.get, ...)``), then judged in two steps:

1. the fast path, ``detector.columns``: a few C-level passes convert the whole column
   if every value in it is valid and plainly typed (``True`` is no count, ``1.0`` is left
   to step 2, a ``str`` subclass is no string), else it gives up;
2. the careful path below checks the column value by value and builds a message, with
   its path, for each value that is wrong.

So the valid, common case runs no Python loop per value and builds no message, and a
column with a bad value costs one more pass. Both paths give the same graph on any
column the fast path takes (``FAST_PATH = False`` turns it off; the tests compare the
two on random documents). On the 1,000-account, 10,000-edge audit of
tools/bench_parse_graph.py, the work before ``assemble`` went from 10.1 to 5.3 ms of CPU
time (best of 60, the two interleaved, on a busy 2-core machine). A schema library,
record by record, was several times slower than even the careful path
(docs/performance.md).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import UTC, datetime
from functools import partial
from typing import Any

import numpy as np

from detector import columns
from detector.assemble import EdgeColumns, assemble
from detector.columns import CONTROL, column
from detector.errors import GraphValidationError, Issue
from detector.graph import AccountGraph, Accounts
from detector.schema import (
    BOOL_FIELDS,
    COUNT_FIELDS,
    EDGE_CODE,
    EDGE_TYPES,
    ENUM_FIELDS,
    FORMATS,
    MAX_COUNT,
    MAX_ID_LENGTH,
    MAX_RANK,
    MAX_TEXT_LENGTH,
    MAX_WEIGHT,
    TEXT_FIELDS,
)

#: ``read(records, name)``: one field of every record (dicts; ``detector.typed``: structs).
Reader = Callable[[list, str], list]

#: Try the all-or-nothing conversions of ``detector.columns`` before the careful path;
#: tests turn this off to check that both give the same graphs and messages.
FAST_PATH = True


class _Collector:
    """Collects issues and stops the validation once there are too many."""

    def __init__(self) -> None:
        self.issues: list[Issue] = []
        self._paths: set[str] = set()

    def add(self, path: str, message: str) -> None:
        # A record that is not an object is reported once, not again for each field.
        if path.rpartition(".")[0] in self._paths:
            return
        self._paths.add(path)
        self.issues.append(Issue(path, message))
        if len(self.issues) >= GraphValidationError.MAX_ISSUES:
            raise GraphValidationError(self.issues)


def parse_graph(doc: Any) -> AccountGraph:
    """Validate a parsed JSON document and return the graph it describes.

    Raises:
        GraphValidationError: with every problem found (up to 100), each with a path.
    """
    bad = _Collector()
    if not isinstance(doc, dict):
        raise GraphValidationError([Issue("", f"must be a JSON object, got {_kind(doc)}")])
    node_link = "accounts" not in doc and "nodes" in doc
    acc_key = "nodes" if node_link else "accounts"
    edge_key = "links" if node_link and "links" in doc and "edges" not in doc else "edges"
    target, target_path = doc.get("target"), "target"
    observed, observed_path = doc.get("observed_at"), "observed_at"
    if node_link and isinstance(doc.get("graph"), dict):  # networkx's graph attributes
        if target is None:
            target, target_path = doc["graph"].get("target"), "graph.target"
        if observed is None:
            observed, observed_path = doc["graph"].get("observed_at"), "graph.observed_at"

    for ours, theirs in (("accounts", "nodes"), ("edges", "links")):
        if ours in doc and theirs in doc:
            bad.add(theirs, f"a graph gives {ours} (account-graph/1) or {theirs} (node-link), "
                            "not both")
    if node_link and doc.get("directed") is False:
        bad.add("directed", "must be true: a follow has a direction (who follows whom)")
    fmt = doc.get("format")
    if fmt is not None and fmt not in FORMATS:
        bad.add("format", f"unsupported format {fmt!r}; this server reads {', '.join(FORMATS)}")
    if acc_key not in doc:
        bad.add(acc_key, "is required (a list of accounts)")
    records, plain = _records(doc.get(acc_key, []), acc_key, bad)
    edge_records, plain_edges = _records(doc.get(edge_key, []), edge_key, bad)
    if target is not None and not isinstance(target, str):
        bad.add(target_path, f"must be an account id (a string), got {_kind(target)}")
        target = None
    observed = _timestamps([observed], observed_path, bad, single=True)[0]

    accounts = _accounts(records, acc_key, bad, partial(column, exact=plain))
    edges = _edges(edge_records, edge_key, bad, partial(column, exact=plain_edges))
    return assemble(
        accounts,
        edges,
        target,
        observed,
        accounts_path=acc_key,
        edges_path=edge_key,
        target_path=target_path,
        issues=bad.issues,
    )


def _records(value: Any, path: str, bad: _Collector) -> tuple[list[dict], bool]:
    """The records (a non-object stands as ``{}``) and whether all are plain dicts."""
    if value is None:
        return [], True
    if not isinstance(value, list):
        bad.add(path, f"must be a list, got {_kind(value)}")
        return [], True
    if columns.only(value, dict):
        return value, True
    out = []
    for i, r in enumerate(value):
        if isinstance(r, dict):
            out.append(r)
        else:
            bad.add(f"{path}[{i}]", f"must be an object, got {_kind(r)}")
            out.append({})
    return out, all(type(r) is dict for r in out)


def _accounts(records: list, path: str, bad: _Collector, read: Reader) -> Accounts:
    def field(name: str) -> list:
        return read(records, name)

    accounts = Accounts.empty(_ids(field("id"), path, bad))
    counts = [field(name) for name in COUNT_FIELDS]
    fast = _table(counts, columns.integers, 0, MAX_COUNT)
    for name, col, out in zip(COUNT_FIELDS, counts, fast, strict=True):
        if out is None:
            where, what = f"{path}[{{}}].{name}", "a non-negative integer"
            out = _integers(col, where, bad, 0, MAX_COUNT, what)
        accounts.counts[name] = out
    flags = [field(name) for name in BOOL_FIELDS]
    fast = _table(flags, columns.booleans)
    for name, col, out in zip(BOOL_FIELDS, flags, fast, strict=True):
        accounts.flags[name] = _booleans(col, f"{path}[{{}}].{name}", bad) if out is None else out
    for name in TEXT_FIELDS:
        accounts.texts[name] = _texts(field(name), f"{path}[{{}}].{name}", bad)
    accounts.created_at = _timestamps(field("created_at"), f"{path}[{{}}].created_at", bad)
    for name, values in ENUM_FIELDS.items():
        setattr(accounts, name, _enum(field(name), values, f"{path}[{{}}].{name}", bad))
    return accounts


def _table(cols: list[list], convert: Any, *args: Any) -> list[np.ndarray | None]:
    """Equal-length columns converted at once by the fast path, or ``None`` for each."""
    out = columns.table(cols, convert, *args) if FAST_PATH else None
    return out or [None] * len(cols)


def _edges(records: list, path: str, bad: _Collector, read: Reader) -> EdgeColumns:
    ends = {}
    for end in ("source", "target"):
        col = read(records, end)
        if FAST_PATH and (fast := columns.strings(col)) is not None:
            ends[end] = fast
            continue
        if not all(type(v) is str for v in col):
            for i, v in enumerate(col):
                if type(v) is not str:
                    what = (
                        "is required"
                        if v is None
                        else f"must be an account id (a string), got {_kind(v)}"
                    )
                    bad.add(f"{path}[{i}].{end}", what)
                    col[i] = ""
        ends[end] = np.asarray(col, dtype=object)
    types = read(records, "type")
    codes = columns.codes(types, EDGE_CODE) if FAST_PATH else None
    if codes is None:
        codes = np.fromiter(
            (EDGE_CODE.get(t, -1) if type(t) is str else -1 for t in types),
            dtype=np.int8,
            count=len(types),
        )
    for i in np.flatnonzero(codes < 0).tolist():
        t = types[i]
        what = (
            "is required"
            if t is None
            else f"unknown edge type {t!r}; expected one of {', '.join(EDGE_TYPES)}"
        )
        bad.add(f"{path}[{i}].type", what)
    weight = _integers(
        read(records, "weight"),
        f"{path}[{{}}].weight",
        bad,
        1,
        MAX_WEIGHT,
        "a positive integer",
    )
    weight = np.where(np.isnan(weight), 1, weight).astype(np.int64)
    at = _timestamps(read(records, "at"), f"{path}[{{}}].at", bad)
    rank = _ranks(read(records, "rank"), f"{path}[{{}}].rank", bad)
    return EdgeColumns(ends["source"], ends["target"], codes, at, weight, rank)


def _ranks(col: list, path: str, bad: _Collector) -> np.ndarray:
    """Follow ranks as int64, -1 where absent. Most documents carry none: one count."""
    if col.count(None) == len(col):
        return np.full(len(col), -1, np.int64)
    out = _integers(col, path, bad, 0, MAX_RANK, "a non-negative integer")
    return np.where(np.isnan(out), -1, out).astype(np.int64)


def _ids(col: list, path: str, bad: _Collector) -> np.ndarray:
    if FAST_PATH and (out := columns.ids(col, MAX_ID_LENGTH)) is not None:
        return out
    if not all(type(v) is str and 0 < len(v) <= MAX_ID_LENGTH for v in col) or any(
        CONTROL.search(v) for v in col
    ):
        for i, v in enumerate(col):
            if v is None:
                bad.add(f"{path}[{i}].id", "is required")
            elif type(v) is not str:
                bad.add(f"{path}[{i}].id", f"must be a string, got {_kind(v)}")
            elif not 0 < len(v) <= MAX_ID_LENGTH:
                bad.add(
                    f"{path}[{i}].id", f"must have 1 to {MAX_ID_LENGTH} characters, got {len(v)}"
                )
            elif CONTROL.search(v):
                bad.add(f"{path}[{i}].id", f"must not contain control characters, got {v!r}")
            else:
                continue
            col[i] = f"\x00invalid-{i}"  # keeps later checks (duplicates) meaningful
    return np.asarray(col, dtype=object)


def _integers(col: list, path: str, bad: _Collector, low: int, high: int, what: str) -> np.ndarray:
    """Whole numbers in [low, high]; JSON floats with an integral value are accepted."""
    if FAST_PATH and (out := columns.integers(col, low, high)) is not None:
        return out
    kinds = set(map(type, col))
    if kinds <= {int, type(None)}:
        try:
            out = np.array([math.nan if v is None else v for v in col], dtype=np.float64)
        except OverflowError:
            out = None
        if out is not None and not ((out < low) | (out > high)).any():
            return out
    out = np.full(len(col), np.nan)
    for i, v in enumerate(col):
        if v is None:
            continue
        whole = type(v) is int or (type(v) is float and math.isfinite(v) and v == int(v))
        if whole and low <= v <= high:
            out[i] = v
        else:
            in_kind = whole and v >= low
            need = f"at most {high:,}" if in_kind else what
            bad.add(path.format(i), f"must be {need}, got {_show(v)}")
    return out


def _booleans(col: list, path: str, bad: _Collector) -> np.ndarray:
    if FAST_PATH and (out := columns.booleans(col)) is not None:
        return out
    out = np.array([math.nan if v is None else float(v is True) for v in col], dtype=np.float64)
    if not set(map(type, col)) <= {bool, type(None)}:
        for i, v in enumerate(col):
            if v is not None and type(v) is not bool:
                bad.add(path.format(i), f"must be true, false or null, got {_show(v)}")
                out[i] = math.nan
    return out


def _texts(col: list, path: str, bad: _Collector) -> np.ndarray:
    if FAST_PATH and (out := columns.texts(col, MAX_TEXT_LENGTH)) is not None:
        return out
    if not all(v is None or (type(v) is str and len(v) <= MAX_TEXT_LENGTH) for v in col):
        for i, v in enumerate(col):
            if v is None:
                continue
            if type(v) is not str:
                bad.add(path.format(i), f"must be a string or null, got {_show(v)}")
                col[i] = None
            elif len(v) > MAX_TEXT_LENGTH:
                bad.add(
                    path.format(i),
                    f"must have at most {MAX_TEXT_LENGTH:,} characters, got {len(v):,}",
                )
                col[i] = None
    return np.asarray(col, dtype=object)


def _enum(col: list, values: tuple[str, ...], path: str, bad: _Collector) -> np.ndarray:
    codes = {v: i for i, v in enumerate(values)}
    if FAST_PATH and (out := columns.codes(col, {None: -1, **codes})) is not None:
        return out
    out = np.fromiter(
        (codes.get(v, -2) if v is None or type(v) is str else -2 for v in col),
        dtype=np.int8,
        count=len(col),
    )
    out[[v is None for v in col]] = -1
    for i in np.flatnonzero(out == -2).tolist():
        bad.add(path.format(i), f"must be one of {', '.join(values)} or null, got {_show(col[i])}")
        out[i] = -1
    return out


def _timestamps(col: list, path: str, bad: _Collector, single: bool = False) -> np.ndarray:
    """ISO-8601 strings -> epoch seconds; naive times are read as UTC."""
    if FAST_PATH and (out := columns.timestamps(col)) is not None:
        return out
    out = np.full(len(col), np.nan)
    cache: dict[str, float] = {}
    for i, v in enumerate(col):
        if v is None:
            continue
        seconds = cache.get(v) if type(v) is str else None
        if seconds is None:
            seconds = parse_timestamp(v)
            if seconds is None:
                where = path if single else path.format(i)
                bad.add(
                    where,
                    f"must be an ISO-8601 timestamp such as 2024-11-02T03:14:00Z, got {_show(v)}",
                )
                continue
            cache[v] = seconds
        out[i] = seconds
    return out


def parse_timestamp(value: Any) -> float | None:
    """Epoch seconds of an ISO-8601 string, or ``None`` if it is not one."""
    if type(value) is not str or not 10 <= len(value) <= 40:
        return None
    try:
        stamp = datetime.fromisoformat(value)
    except ValueError:
        return None
    if stamp.tzinfo is None:
        stamp = stamp.replace(tzinfo=UTC)
    return stamp.timestamp()


def _kind(value: Any) -> str:
    return {
        dict: "an object",
        list: "a list",
        str: "a string",
        bool: "a boolean",
        int: "a number",
        float: "a number",
        type(None): "null",
    }.get(type(value), type(value).__name__)


def _show(value: Any) -> str:
    """A value for a message: ``true``, ``false`` and ``null`` as the client wrote them."""
    if isinstance(value, float) and not math.isfinite(value):
        return "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")
    if value is None:
        return "null"
    if isinstance(value, (bool, np.bool_)):
        return "true" if value else "false"
    text = repr(value) if isinstance(value, str) else str(value)
    return text if len(text) <= 60 else text[:57] + "..."
