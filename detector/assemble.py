"""Typed columns -> ``AccountGraph``: the checks that need the whole table at once.

Both the JSON validator and the columnar (Parquet/CSV) reader end here, so unique ids,
declared endpoints, the target, self-loops, duplicate edges, follow ranks, times after
the observation and edges timed before their accounts existed are checked by one piece
of vectorised code (pandas' hash index, or Arrow's for endpoints read from a table),
whatever the input format. Follow times missing but for a ``rank`` are estimated here
too (``detector.follow_times``), so every reader hands on the same graph.
"""

from __future__ import annotations

import os
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from detector.errors import GraphValidationError, Issue
from detector.follow_times import with_estimated_times
from detector.graph import AccountGraph, Accounts, Edges
from detector.schema import EDGE_TYPES, FOLLOW

#: How many repaired-edge warnings we list one by one before summarising.
MAX_WARNINGS = 20
#: Times later than ``observed_at`` (without one, the clock) by more than this cannot be
#: true. Less is read as it stands (a creation just after the list was taken is an account
#: of age 0): profiles are often fetched a few days after the follower list, and clocks
#: and time zones disagree.
FUTURE_SLACK = 7 * 86_400.0
#: An edge timed earlier than the creation of either of its accounts by more than this
#: cannot be true (nobody follows, or is followed, before existing). Less is read as it
#: stands: creation dates are often given to the day.
CREATION_SLACK = 86_400.0

#: Endpoint ids: object arrays of str (JSON) or, both columns alike, Arrow strings with
#: null for missing (tables).
Ends = np.ndarray | pa.Array | pa.ChunkedArray


@dataclass
class EdgeColumns:
    """Edges as typed columns whose endpoints are still account ids."""

    source: Ends
    target: Ends
    type: np.ndarray  # int8 codes
    at: np.ndarray  # float64 epoch seconds, NaN missing
    weight: np.ndarray  # int64
    rank: np.ndarray  # int64 place in the target's follower list, -1 missing


def assemble(
    accounts: Accounts,
    edges: EdgeColumns,
    target: str | None = None,
    observed_at: float = float("nan"),
    *,
    accounts_path: str = "accounts",
    edges_path: str = "edges",
    target_path: str = "target",
    issues: list[Issue] | None = None,
) -> AccountGraph:
    """Check cross-row rules and build the graph; raise every problem at once.

    Args:
        accounts: account table with ids as given (not yet checked for uniqueness).
        edges: edge columns with endpoint ids as given.
        target: id of the audited account, if any.
        observed_at: collection time of the data, epoch seconds or NaN.
        accounts_path, edges_path, target_path: JSON paths used in messages (node-link
            input calls them ``nodes`` and ``links``).
        issues: problems already found by the caller; raised together with these.
    """
    issues = list(issues or [])
    # A value the caller already refused (missing, not a string) is not reported again.
    reported = {issue.path for issue in issues}
    index = pd.Index(accounts.ids, dtype=object)
    if not index.is_unique:
        dup = index.duplicated(keep="first")
        first = {}
        for i, account_id in enumerate(accounts.ids.tolist()):
            first.setdefault(account_id, i)
        for i in np.flatnonzero(dup)[: GraphValidationError.MAX_ISSUES].tolist():
            account_id = accounts.ids[i]
            if f"{accounts_path}[{i}].id" in reported:
                continue
            issues.append(
                Issue(
                    f"{accounts_path}[{i}].id",
                    f"duplicate id {account_id!r} (first at {accounts_path}[{first[account_id]}])",
                )
            )
        index = index[~dup]  # keep checking endpoints against the first of each id
    src, dst = _positions(index, edges.source, edges.target)
    for name, positions in (("source", src), ("target", dst)):
        for i in np.flatnonzero(positions < 0)[: GraphValidationError.MAX_ISSUES].tolist():
            path = f"{edges_path}[{i}].{name}"
            if path in reported or f"{edges_path}[{i}]" in reported:
                continue
            value = getattr(edges, name)[i]
            value = value.as_py() if isinstance(value, pa.Scalar) else value
            issues.append(Issue(path, f"unknown account {value!r}"))
    target_index = None
    if target is not None:
        found = index.get_indexer(pd.Index([target], dtype=object))[0]
        if found < 0:
            issues.append(Issue(target_path, f"unknown account {target!r}"))
        else:
            target_index = int(found)
    table = Edges(
        src=src,
        dst=dst,
        type=edges.type.astype(np.int8, copy=False),
        at=edges.at.astype(np.float64, copy=False),
        weight=edges.weight.astype(np.int64, copy=False),
        rank=edges.rank.astype(np.int64, copy=False),
        at_estimated=np.zeros(len(src), dtype=bool),
    )
    drop, warnings = _loops_and_duplicates(table, accounts.ids, edges_path)
    warnings += _future_times(accounts, table, observed_at, accounts_path, edges_path)
    warnings += _before_creation(accounts, table, drop, edges_path)
    if (table.rank >= 0).any():
        issues += _rank_issues(table, drop, index.to_numpy(), edges_path)  # ids by position
    if issues:
        raise GraphValidationError(issues[: GraphValidationError.MAX_ISSUES])
    if drop.any():
        table = table.take(np.flatnonzero(~drop))
    graph = AccountGraph(accounts, table, target_index, float(observed_at), warnings)
    return with_estimated_times(graph, edges_path)


def _positions(index: pd.Index, source: Ends, target: Ends) -> tuple[np.ndarray, np.ndarray]:
    """Row of each endpoint in ``index`` (unique ids) as int64, -1 where unknown."""
    if isinstance(source, (pa.Array, pa.ChunkedArray)):
        try:
            known = pa.array(index.to_numpy(), type=source.type, from_pandas=True)
        except (pa.ArrowException, UnicodeEncodeError):  # an id Arrow cannot hold
            source, target = (np.asarray(end.to_pandas(), dtype=object) for end in (source, target))
        else:
            return _arrow_positions(source, target, known)
    # Object-dtype targets: pandas 3 would otherwise convert them to Arrow strings and
    # back on every call (12 ms -> 1 ms for a 10,000-edge audit).
    return tuple(
        index.get_indexer(pd.Index(end, dtype=object)).astype(np.int64, copy=False)
        for end in (source, target)
    )


#: From this many endpoints (sources and targets together) on, the two columns are looked
#: up on two threads when the machine has two cores: Arrow's lookup releases the GIL, and
#: 22M endpoints take 0.9 s instead of 1.7 s. Below it, one lookup builds the hash once.
PARALLEL_ENDPOINTS = 2_000_000


def _arrow_positions(
    source: pa.Array | pa.ChunkedArray, target: pa.Array | pa.ChunkedArray, known: pa.Array
) -> tuple[np.ndarray, np.ndarray]:
    """Arrow's C++ hash straight on a table's strings. At 11M edges pandas' object hash
    took 4.5 s for both columns, after 1.5 s building 22M Python strings.

    A run of equal ids is looked up once: tables are often grouped by source (at 1M
    accounts the simulator's runs are 12 edges long). Both columns go through one lookup,
    so the hash of the ids is built once, unless they are long enough to be worth a
    thread each (``PARALLEL_ENDPOINTS``).
    """
    ends = (source, target)
    if len(source) + len(target) >= PARALLEL_ENDPOINTS and (os.cpu_count() or 1) > 1:
        with ThreadPoolExecutor(max_workers=2, thread_name_prefix="endpoints") as pool:
            return tuple(pool.map(lambda end: _lookup([end], known)[0], ends))
    return tuple(_lookup(ends, known))


def _lookup(ends: Sequence[pa.Array | pa.ChunkedArray], known: pa.Array
            ) -> list[np.ndarray]:
    """The row of each id of each of ``ends`` in ``known`` (int64, -1 where absent), from
    one ``index_in`` over all of them."""
    runs = [_runs(end) for end in ends]
    parts = [end if r is None else end.filter(r[1]) for end, r in zip(ends, runs, strict=True)]
    chunks = [
        chunk
        for part in parts
        for chunk in (part.chunks if isinstance(part, pa.ChunkedArray) else [part])
    ]
    every = pa.chunked_array([c.cast(known.type) for c in chunks], type=known.type)
    found = pc.index_in(every, value_set=known)
    found = pc.fill_null(found, -1).cast(pa.int64()).to_numpy()
    found = np.split(found, np.cumsum([len(part) for part in parts])[:-1])
    return [f if r is None else f[r[0]] for f, r in zip(found, runs, strict=True)]


def _runs(ends: pa.Array | pa.ChunkedArray) -> tuple[np.ndarray, np.ndarray] | None:
    """For each row the number of its run of equal neighbours, and where runs start;
    ``None`` when runs are too short to be worth it (under two rows on average)."""
    starts = np.ones(len(ends), dtype=bool)
    if len(ends) > 1:
        changed = pc.not_equal(ends[1:], ends[:-1])  # null (missing id): a run of its own
        starts[1:] = pc.fill_null(changed, True).to_numpy(zero_copy_only=False)
    if starts.sum() > len(ends) // 2:
        return None
    return np.cumsum(starts) - 1, starts


def _loops_and_duplicates(
    edges: Edges, ids: np.ndarray, path: str
) -> tuple[np.ndarray, list[Issue]]:
    """Self-loops and exact repeats (same endpoints, type and time) carry no signal;
    they are reported as warnings and dropped, never refused. Returns the rows to drop."""
    warnings: list[Issue] = []
    loops = (edges.src == edges.dst) & (edges.src >= 0)  # -1: an unknown id, refused anyway
    for i in np.flatnonzero(loops)[:MAX_WARNINGS].tolist():
        warnings.append(Issue(f"{path}[{i}]", f"self-loop on {ids[edges.src[i]]!r} dropped"))
    if loops.sum() > MAX_WARNINGS:
        warnings.append(Issue(path, f"{int(loops.sum())} self-loops dropped in all"))
    dup = _repeats(edges, len(ids)) & ~loops
    for i in np.flatnonzero(dup)[:MAX_WARNINGS].tolist():
        warnings.append(Issue(f"{path}[{i}]", "duplicate edge dropped"))
    if dup.sum() > MAX_WARNINGS:
        warnings.append(Issue(path, f"{int(dup.sum())} duplicate edges dropped in all"))
    return loops | dup, warnings


def _future_times(accounts: Accounts, edges: Edges, observed_at: float, accounts_path: str,
                  edges_path: str) -> list[Issue]:
    """Creation dates and follow times more than ``FUTURE_SLACK`` after the observation
    (or, without one, after the clock) cannot be true. They are dropped, read as
    unknown, with a warning, as the importers drop them: kept, a date in 2099 would make
    its account of age 0 (and, without ``observed_at``, every other account decades
    old)."""
    known = bool(np.isfinite(observed_at))
    limit = (observed_at if known else time.time()) + FUTURE_SLACK
    what = "observed_at" if known else "now"
    warnings = []
    for path, owner, field in ((accounts_path, accounts, "created_at"), (edges_path, edges, "at")):
        values = getattr(owner, field)
        future = values > limit
        rows = np.flatnonzero(future)
        if len(rows) == 0:
            continue
        warnings += [Issue(f"{path}[{i}].{field}", f"more than a week later than {what}; "
                                                   "dropped (read as unknown)")
                     for i in rows[:MAX_WARNINGS].tolist()]
        if len(rows) > MAX_WARNINGS:
            warnings.append(Issue(path, f"{len(rows)} {field} values more than a week "
                                        f"later than {what} dropped in all"))
        setattr(owner, field, np.where(future, np.nan, values))
    return warnings


def _before_creation(accounts: Accounts, edges: Edges, dropped: np.ndarray,
                     path: str) -> list[Issue]:
    """Edges timed more than ``CREATION_SLACK`` before either account was created. One of
    the two dates is wrong, and the data do not say which (a follow time estimated by a
    collector, or a creation date rewritten when an account was recycled), so both are
    kept as given and the edge is reported as a warning; nothing is refused."""
    created = accounts.created_at
    if len(edges.at) == 0 or not np.isfinite(created).any() or not np.isfinite(edges.at).any():
        return []
    first = np.fmax(created[edges.src], created[edges.dst])  # the later creation; NaN unknown
    rows = np.flatnonzero((edges.at < first - CREATION_SLACK) & ~dropped)
    if len(rows) == 0:
        return []
    ids = accounts.ids
    warnings = []
    for i in rows[:MAX_WARNINGS].tolist():
        end = edges.src[i] if created[edges.src[i]] >= first[i] else edges.dst[i]
        warnings.append(Issue(f"{path}[{i}].at", f"{EDGE_TYPES[edges.type[i]]} more than a day "
                                                 f"before {ids[end]!r} was created; kept as "
                                                 "given"))
    if len(rows) > MAX_WARNINGS:
        warnings.append(Issue(path, f"{len(rows)} edges timed more than a day before the "
                                    "creation of one of their accounts in all"))
    return warnings


def _rank_issues(edges: Edges, dropped: np.ndarray, ids: np.ndarray, path: str) -> list[Issue]:
    """``rank`` is a place in a target's follower list: it belongs to follows only, and no
    two follows of one target that are kept (not dropped as repeats) share it. Gaps are
    fine (a list with holes)."""
    issues: list[Issue] = []
    ranked = edges.rank >= 0
    elsewhere = np.flatnonzero(ranked & (edges.type >= 0) & (edges.type != FOLLOW))
    for i in elsewhere[: GraphValidationError.MAX_ISSUES].tolist():
        kind = EDGE_TYPES[edges.type[i]]
        issues.append(Issue(f"{path}[{i}].rank", "only follow edges have a rank (a place in "
                            f"the target's follower list), not {kind!r} edges"))
    known = (edges.src >= 0) & (edges.dst >= 0)  # an unknown endpoint is reported already
    rows = np.flatnonzero(ranked & (edges.type == FOLLOW) & known & ~dropped)
    rows = rows[np.lexsort((edges.rank[rows], edges.dst[rows]))]  # stable: input order in ties
    d, r = edges.dst[rows], edges.rank[rows]
    same = (d[1:] == d[:-1]) & (r[1:] == r[:-1])
    if not same.any():
        return issues
    run_start = np.maximum.accumulate(np.where(np.r_[True, ~same], np.arange(len(rows)), 0))
    clashes = sorted((int(rows[k]), int(rows[run_start[k]])) for k in np.flatnonzero(same) + 1)
    for i, first in clashes[: GraphValidationError.MAX_ISSUES]:
        issues.append(Issue(f"{path}[{i}].rank",
                            f"rank {edges.rank[i]} among the followers of {ids[edges.dst[i]]!r} "
                            f"is already taken by {path}[{first}]"))
    return issues


def _repeats(edges: Edges, n: int) -> np.ndarray:
    """Rows equal to an earlier row in (src, dst, type, at); a missing time equals -1."""
    if n >= 2**30 or len(edges) == 0:  # the packed key below would overflow
        frame = pd.DataFrame(
            {"s": edges.src, "d": edges.dst, "t": edges.type, "a": _time_key(edges.at)}
        )
        return frame.duplicated(keep="first").to_numpy()
    key = (edges.src.astype(np.int64) * n + edges.dst) * 8 + edges.type
    # A plain sort of the packed key (1 s at 10M edges) finds the rows that share
    # endpoints and type. Usually there are none or few, and only those rows need the
    # stable sort with the time as tie-break (5 s over all 10M rows).
    ordered = np.sort(key)
    shared = ordered[1:][ordered[1:] == ordered[:-1]]
    out = np.zeros(len(key), dtype=bool)
    if len(shared) == 0:
        return out
    rows = slice(None)  # many shared keys: finding their rows costs more than it saves
    if len(shared) * 16 < len(key):
        shared = shared[np.r_[True, shared[1:] != shared[:-1]]]  # sorted, unique
        found = shared[np.searchsorted(shared, key).clip(max=len(shared) - 1)]
        rows = np.flatnonzero(found == key)
    # Sorted stably, equal (key, time) rows become neighbours in their input order, so
    # all but the first are repeats.
    key, bits = key[rows], _time_key(edges.at[rows]).view(np.int64)
    order = np.lexsort((bits, key))
    key, bits = key[order], bits[order]
    rows = np.arange(len(out))[rows]
    out[rows[order[1:]]] = (key[1:] == key[:-1]) & (bits[1:] == bits[:-1])
    return out


def _time_key(at: np.ndarray) -> np.ndarray:
    """Times as compared for repeats: missing is -1 and -0.0 is 0.0."""
    return np.where(np.isnan(at), -1.0, at) + 0.0
