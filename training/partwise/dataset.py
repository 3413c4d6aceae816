"""The feature pass's group-bys and joins on Ray Data (``RayConfig(dataset=True)``).

The parts validate and repair their inbound graphs and compute the target-side values
per edge (``training.partwise.inbound``), then write two Parquet files each under
``<exchange>/dataset/``: their repaired edges (``inbound.outbound_edges``: endpoint keys,
type, time, weight, the four lockstep values) and their accounts (key, owning part,
creation date, follower count). On those, as Ray Data operators:

- **reciprocity**: the follows semi-joined with their reverses (``Dataset.join``);
- **one hop** (degrees, interaction counts, churn, follow rate, time-missing,
  engagement) and the **lockstep** columns (mean or maximum of each account's outbound
  edges' values): every edge gives a row to its source and one to its target, every
  mutual follow likewise, every account one row of its own; one ``groupby("key")``
  sums or maximises them;
- **creation batches** (``creation_excess``, ``log_creation_batch``): accounts grouped
  by creation bucket of ``BATCH_BASELINE`` (the widest window), each bucket with copies of
  its two neighbours' dates, so ``detector.lockstep``'s own functions see every date
  within reach of a bucket's accounts (``groupby("bucket").map_groups``).

The result, one row per account with these columns, is written as Parquet partitioned
by owning part (``<out>/owner=<p>/``); part ``p`` reads its directory (``read_part``).
The driver only starts the pass. Every map step sees at most ``BATCH_ROWS`` input rows
at a time and merges its rows of one key before they are shuffled (``combine``), a read
task reads at most ``READ_BYTES`` of row groups, and a shuffle buffers at most
``SHUFFLE_BYTES`` of input before partitioning it: what a worker holds is set by these
bounds, a shuffle partition and the object store's pages it touched, not by the size of
a part's file (at 1M accounts in 8 parts, with a local instance's 1 GiB object store,
the largest process of the run held 0.74-0.85 GB in three runs, 21-24% of the single
process; docs/scaling.md).
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from detector.lockstep import BATCH_BASELINE, DAY, creation_batch_sizes, creation_excess
from detector.schema import FOLLOW, INTERACTIONS, UNFOLLOW

#: The columns of ``compute_features`` this pass computes.
COLUMNS = ("log_follow_out", "log_follow_in", "log_unfollow_out", "log_unfollow_in",
           "log_interact_out", "log_interact_in", "isolated", "reciprocity_out",
           "reciprocity_in", "time_missing", "churn", "log_follow_rate",
           "interactions_per_follow", "engagement_rate", "sync_mean", "sync_max",
           "like_sync_mean", "lockstep_excess", "lockstep_excess_mean", "lockstep_cohort",
           "creation_excess", "log_creation_batch")

#: Per-account sums of the rows fed to the group-by, and the value each starts from.
SUMS = ("f_out", "u_out", "i_out", "f_in", "u_in", "i_in", "degree", "timed", "sync_sum",
        "excess_sum", "like_sum", "like_n", "mutual_out", "mutual_in")
#: Per-account maxima and minima, with the neutral value of each.
MAXIMA = {"sync_max": 0.0, "excess_max": 0.0, "cohort_max": 0.0, "last": -np.inf,
          "owner": -1.0, "followers": 0.0, "excess": 0.0, "batch": 0.0}
MINIMA = {"first": np.inf}

#: The input files' schemas (keys as int64 whatever type each part chose).
EDGE_SCHEMA = pa.schema([("source", pa.int64()), ("target", pa.int64()), ("type", pa.int8()),
                         ("at", pa.float64()), ("weight", pa.int64()), ("sync", pa.float64()),
                         ("like_sync", pa.float64()), ("excess", pa.float64()),
                         ("cohort", pa.float64())])
#: Rows per map batch, the largest block, and the input a shuffle buffers before
#: partitioning it. With Ray Data's defaults (a whole block per batch, 128 MiB blocks,
#: 1 GiB of shuffle input) one worker of the pass held more than the single process at
#: 1M accounts (docs/scaling.md).
BATCH_ROWS = 1 << 16
BLOCK_BYTES = 32 << 20
SHUFFLE_BYTES = 64 << 20
#: What a read task of the pass reads: Ray Data packs the row groups of the Parquet inputs
#: into read tasks of at most this many bytes, uncompressed (a larger row group is a task
#: of its own). With its default, 128 MiB, one read task held 0.6 GB of its own heap at 1M
#: accounts in 8 parts (docs/scaling.md). Ray Data takes it from this environment
#: variable when it plans a read; a value set there by the user is kept.
READ_BYTES = 32 << 20
READ_BYTES_VARIABLE = "RAY_DATA_PARQUET_BIN_PACKING_BYTES"

ACCOUNT_SCHEMA = pa.schema([("key", pa.int64()), ("owner", pa.int64()),
                            ("created_at", pa.float64()), ("followers", pa.float64())])


def input_dir(exchange: str | os.PathLike) -> Path:
    """Where the parts write the pass's input (inside the run's exchange directory)."""
    return Path(exchange) / "dataset"


def write_inputs(exchange: str | os.PathLike, part: int, edges: pd.DataFrame,
                 accounts: pd.DataFrame) -> None:
    """Part ``part``'s repaired ``edges`` (``inbound.outbound_edges``) and its
    ``accounts`` (``ACCOUNT_SCHEMA``) as the pass's input files."""
    for name, frame, schema in (("edges", edges, EDGE_SCHEMA),
                                ("accounts", accounts, ACCOUNT_SCHEMA)):
        path = input_dir(exchange) / name / f"{part:05d}.parquet"
        path.parent.mkdir(parents=True, exist_ok=True)
        table = pa.Table.from_pandas(frame[schema.names], preserve_index=False)
        pq.write_table(table.cast(schema), path)


def _rows(key: np.ndarray, **values: np.ndarray) -> dict[str, np.ndarray]:
    """One group-by row per ``key``: ``values`` given, every other column neutral."""
    n = len(key)
    out = {"key": np.asarray(key, np.int64)}
    for name in SUMS:
        out[name] = np.asarray(values.get(name, np.zeros(n)), np.float64)
    for name, neutral in (MAXIMA | MINIMA).items():
        out[name] = np.asarray(values.get(name, np.full(n, neutral)), np.float64)
    return out


def _cat(a: dict[str, np.ndarray], b: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    return {name: np.concatenate([a[name], b[name]]) for name in a}


#: How ``combine`` and the pass's group-by merge each column of rows of one key.
HOW = dict.fromkeys(SUMS, "sum") | dict.fromkeys(MAXIMA, "max") | dict.fromkeys(MINIMA, "min")


def combine(rows: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """``rows`` (``_rows``) with the rows of one key merged as the group-by will merge
    them (sums, maxima, minima): a map-side combiner, so a part's edges, grouped by
    target, send one row per target and per source of the batch into the shuffle."""
    frame = pd.DataFrame(rows)
    merged = frame.groupby("key", sort=False).agg(HOW)
    out = {"key": merged.index.to_numpy(np.int64)}
    out.update({name: merged[name].to_numpy(np.float64) for name in merged.columns})
    return out


def edge_rows(batch: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Each edge's row for its source (out-side sums, lockstep values) and its target."""
    kind, at, w = batch["type"], batch["at"], batch["weight"].astype(np.float64)
    follow, unfollow = kind == FOLLOW, kind == UNFOLLOW
    interact = np.isin(kind, INTERACTIONS)
    timed = follow & ~np.isnan(at)  # the follows ``_rate`` and the lockstep columns read
    timed_interact = interact & ~np.isnan(at)
    value = lambda name, mask: np.where(mask, batch[name], 0.0)  # noqa: E731
    one = np.ones(len(kind))
    source = _rows(batch["source"], f_out=follow, u_out=unfollow, i_out=np.where(interact, w, 0),
                   degree=one, timed=timed, first=np.where(timed, at, np.inf),
                   last=np.where(timed, at, -np.inf), sync_sum=value("sync", timed),
                   sync_max=value("sync", timed), excess_sum=value("excess", timed),
                   excess_max=value("excess", timed), cohort_max=value("cohort", timed),
                   like_sum=value("like_sync", timed_interact), like_n=timed_interact)
    target = _rows(batch["target"], f_in=follow, u_in=unfollow, i_in=np.where(interact, w, 0),
                   degree=one)
    return combine(_cat(source, target))


def mutual_rows(batch: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """A reciprocated follow counts for its source and its target."""
    one = np.ones(len(batch["source"]))
    return combine(_cat(_rows(batch["source"], mutual_out=one),
                        _rows(batch["target"], mutual_in=one)))


def account_rows(batch: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Every account's own row: its owner and follower count (accounts without edges
    get their row from here)."""
    return _rows(batch["key"], owner=batch["owner"], followers=batch["followers"])


def bucket_rows(batch: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Each dated account in its creation bucket (``query``) and, as context, in the two
    buckets beside it: every date within ``BATCH_BASELINE`` of a bucket's accounts is in
    that bucket's group."""
    t = batch["created_at"]
    known = ~np.isnan(t)
    key, t = batch["key"][known], t[known]
    bucket = np.floor(t / BATCH_BASELINE).astype(np.int64)
    return {"bucket": np.concatenate([bucket, bucket - 1, bucket + 1]),
            "key": np.concatenate([key, key, key]), "created_at": np.concatenate([t, t, t]),
            "query": np.repeat([True, False, False], len(t))}


def creation_group(by_day: bool):
    """The creation columns of one bucket's accounts, by ``detector.lockstep``'s own
    functions over the bucket's and its neighbours' dates (``by_day``: the whole graph's)."""
    def group(rows: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        query = rows["query"].astype(bool)
        t = rows["created_at"]
        return _rows(rows["key"][query], excess=creation_excess(t, by_day)[query],
                     batch=creation_batch_sizes(t)[query])
    return group


def finish(any_interaction: bool):
    """The feature columns from an account's sums, as ``detector.features`` computes them."""
    def columns(s: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        f_out, f_in, timed = s["f_out"], s["f_in"], s["timed"]
        span = np.maximum((s["last"] - s["first"]) / DAY, 1.0)
        rate = np.where(timed >= 2, timed / np.where(timed >= 2, span, 1.0), 0.0)
        audience = np.fmax(s["followers"], f_in)
        out = {
            "key": s["key"], "owner": s["owner"].astype(np.int64),
            "log_follow_out": np.log1p(f_out), "log_follow_in": np.log1p(f_in),
            "log_unfollow_out": np.log1p(s["u_out"]), "log_unfollow_in": np.log1p(s["u_in"]),
            "log_interact_out": np.log1p(s["i_out"]), "log_interact_in": np.log1p(s["i_in"]),
            "isolated": (s["degree"] == 0).astype(np.float64),
            "reciprocity_out": s["mutual_out"] / np.maximum(f_out, 1),
            "reciprocity_in": s["mutual_in"] / np.maximum(f_in, 1),
            "time_missing": ((f_out > 0) & (timed == 0)).astype(np.float64),
            "churn": np.minimum(s["u_out"] / np.maximum(f_out, 1.0), 1.0),
            "log_follow_rate": np.log1p(rate),
            "interactions_per_follow": np.log1p(s["i_out"] / np.maximum(f_out, 1.0)),
            "engagement_rate": (np.log1p(s["i_in"]) - np.log1p(audience)) if any_interaction
            else np.zeros(len(f_out)),
            "sync_mean": s["sync_sum"] / np.maximum(timed, 1), "sync_max": s["sync_max"],
            "like_sync_mean": s["like_sum"] / np.maximum(s["like_n"], 1),
            "lockstep_excess": s["excess_max"],
            "lockstep_excess_mean": s["excess_sum"] / np.maximum(timed, 1),
            "lockstep_cohort": s["cohort_max"],
            "creation_excess": s["excess"], "log_creation_batch": np.log1p(s["batch"]),
        }
        return out
    return columns


def feature_pass(root: str | os.PathLike, out: str | os.PathLike, parts: int,
                 any_interaction: bool, by_day: bool) -> None:
    """Run the pass over the parts' files under ``root`` (``write_inputs``); write one
    row per account with ``COLUMNS`` under ``out/owner=<p>/``.

    Args:
        parts: the run's parts: each shuffle has as many partitions.
        any_interaction: whether the whole graph has an interaction edge.
        by_day: whether every known creation date of the whole graph is at midnight.
    """
    import ray.data
    from ray.data.aggregate import Max, Min, Sum
    from ray.data.expressions import col

    context = ray.data.DataContext.get_current()
    context.enable_progress_bars = False
    context.target_max_block_size = BLOCK_BYTES
    context.shuffle_input_batch_bytes = SHUFFLE_BYTES
    edges, accounts = read_inputs(root)
    follows = (edges.select_columns(["source", "target", "type"])
               .filter(expr=col("type") == FOLLOW).select_columns(["source", "target"]))
    batched = {"batch_format": "numpy", "batch_size": BATCH_ROWS}
    mutual = follows.join(follows.rename_columns({"source": "target", "target": "source"}),
                          join_type="left_semi", on=("source", "target"),
                          num_partitions=parts)
    creation = (accounts.map_batches(bucket_rows, **batched)
                .groupby("bucket", num_partitions=parts)
                .map_groups(creation_group(by_day), batch_format="numpy"))
    rows = (edges.map_batches(edge_rows, **batched)
            .union(mutual.map_batches(mutual_rows, **batched),
                   accounts.map_batches(account_rows, **batched), creation))
    merge = {"sum": Sum, "max": Max, "min": Min}
    aggregates = [merge[how](name, alias_name=name) for name, how in HOW.items()]
    (rows.groupby("key", num_partitions=parts).aggregate(*aggregates)
     .map_batches(finish(any_interaction), batch_format="numpy")
     .write_parquet(str(out), partition_cols=["owner"]))


def read_inputs(root: str | os.PathLike):
    """The parts' edges and accounts under ``root`` (``write_inputs``) as two Ray Data
    datasets, planned with read tasks of ``READ_BYTES`` unless the environment sets them
    (the environment is left as it was)."""
    import ray.data

    root = Path(root)
    ours = READ_BYTES_VARIABLE not in os.environ
    if ours:
        os.environ[READ_BYTES_VARIABLE] = str(READ_BYTES)
    try:
        return (ray.data.read_parquet(str(root / "edges")),
                ray.data.read_parquet(str(root / "accounts")))
    finally:
        if ours:
            del os.environ[READ_BYTES_VARIABLE]


def read_part(out: str | os.PathLike, part: int, keys: np.ndarray) -> dict[str, np.ndarray]:
    """Part ``part``'s ``COLUMNS`` from the pass's output, in the order of ``keys``."""
    directory = Path(out) / f"owner={part}"
    files = sorted(directory.glob("*.parquet")) if directory.is_dir() else []
    frame = (pa.concat_tables([pq.read_table(f, columns=["key", *COLUMNS])
                               for f in files]).to_pandas() if files
             else pd.DataFrame({name: pd.Series(dtype=np.float64) for name in
                                ("key", *COLUMNS)}))
    rows = pd.Index(frame["key"].to_numpy(np.int64)).get_indexer(keys)
    if (rows < 0).any():
        raise RuntimeError(f"part {part}: the feature pass has no row for "
                           f"{int((rows < 0).sum())} of its accounts")
    return {name: frame[name].to_numpy(np.float64)[rows] for name in COLUMNS}
