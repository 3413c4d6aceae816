"""One part of a partitioned scoring run: its stages, in order, as plain methods.

The driver (``training.ray_score``) runs one ``PartWorker`` per part as a Ray actor and
carries what each stage returns to the next stage of the parts it is addressed to; the
tests run the same workers in one process. A stage that sends returns one table per
part (``parts`` entries); a stage that receives takes one from every part, in part order.

1. ``ingest``: read some account and edge files, one at a time; send accounts to their
   owners, edges to the owners of their targets.
2. ``receive``: keep its accounts and inbound edges; ask the owners of the inbound
   edges' sources for their creation dates.
3. ``answer``: give the creation dates asked for.
4. ``inbound``: validate and repair its inbound graph, compute the target-side values;
   send every edge to its source's owner and every campaign membership to its member's;
   return a summary (latest timestamp, any interaction) and its accounts' creation dates
   (for ``training.partwise.features.creation_columns``).
5. ``features``: its accounts' features and evidence; ask for its halo rows.
6. ``serve``, then per round ``outgoing`` and ``step``: the propagation rounds.
7. ``write``: its scores as one Parquet file of the output directory.

The two big shuffles (``ingest`` and ``inbound``) go through Arrow files in the run's
exchange directory (``training.partwise.spill``): those stages return, per part, the
names of the files they wrote for it. Each stage ends by handing freed heap back to the
system and records the process's peak RSS so far (``training.partwise.memory``).
"""

from __future__ import annotations

import functools
import os
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq

from detector.lockstep import DAY
from training.partwise import spill
from training.partwise.dataset import read_part, write_inputs
from training.partwise.exchange import pieces, pieces_by, split_by
from training.partwise.features import (
    exchange_columns,
    local_graph,
    lockstep_columns,
    no_outbound,
    part_features,
)
from training.partwise.halo import follow_halo
from training.partwise.inbound import (
    EDGE_VALUES,
    campaign_rows,
    inbound_graph,
    outbound_edges,
)
from training.partwise.inputs import Piece
from training.partwise.memory import part_allocators, peak_rss_mb, trim

#: Files a part sent, per destination part: what ``ingest`` and ``inbound`` return.
Sent = list[str | None]


def _read(piece: Piece, offset: int, column: str) -> pd.DataFrame:
    """The rows of one piece of an input file, numbered by their place in the whole input
    (``column``)."""
    file = pq.ParquetFile(piece.path)
    table = file.read_row_groups(list(piece.row_groups)) if piece.row_groups else file.read()
    frame = table.to_pandas()
    del table
    frame[column] = np.arange(offset, offset + len(frame), dtype=np.int64)
    return frame


def stage(name: str):
    """Record the process's peak RSS after the stage as ``peaks[name]``; return freed heap
    to the system before it (what the previous stage sent is gone by then) and after."""
    def wrap(method):
        @functools.wraps(method)
        def run(self, *args):
            trim()
            out = method(self, *args)
            self.peaks[name] = peak_rss_mb()
            trim()
            return out
        return run
    return wrap


def _concat(frames: tuple[pd.DataFrame, ...]) -> pd.DataFrame:
    frames = [f for f in frames if f is not None and len(f)]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


class PartWorker:
    """Part ``part`` of ``parts``, scoring with the model in ``model_dir``."""

    def __init__(self, model_dir: str, part: int, parts: int, threads: int = 1,
                 keep_features: bool = False, dataset: bool = False) -> None:
        part_allocators()
        self.model_dir, self.threads = model_dir, threads
        self.dataset = dataset  # write the Ray Data feature pass's input (``dataset``)
        self.part, self.parts = part, parts
        self.keep_features = keep_features  # keep ``raw_features`` (the equality tests)
        self._classifier = None
        self.peaks: dict[str, float] = {"start": peak_rss_mb()}  # peak RSS after each stage

    def __getstate__(self) -> dict:
        """Everything but the loaded model, which a stage that needs it loads again from
        ``model_dir``: what a parked part writes between stages
        (``training.partwise.parked``)."""
        return {**self.__dict__, "_classifier": None}

    @property
    def classifier(self):
        """The model, loaded on first use: torch and the model (about 0.25 GB) enter the
        process only once the features are computed, not beside the stages that hold the
        most tables. (The driver has checked ``model.json`` before starting the parts.)"""
        if self._classifier is None:
            import torch

            from models.estimator import FollowerClassifier

            torch.set_num_threads(self.threads)  # one part per CPU: more fight over it
            self._classifier = FollowerClassifier.load(self.model_dir)
        return self._classifier

    def first(self, method: str, *args):
        """The first (only) table a sending stage returns: Ray's one-result form."""
        return getattr(self, method)(*args)[0]

    @stage("ingest")
    def ingest(self, exchange: str, accounts: list[Piece], account_offsets: list[int],
               edges: list[Piece], edge_offsets: list[int]) -> list[tuple[Sent, Sent]]:
        """Send the rows of these pieces of the input files to their owners, one piece at
        a time; returns per part the files written for it (accounts, edges)."""
        k = self.parts
        a_sent: list[Sent] = [[] for _ in range(k)]
        e_sent: list[Sent] = [[] for _ in range(k)]
        for kind, files, offsets, column, by, sent in (
                ("accounts", accounts, account_offsets, "pos", "id", a_sent),
                ("edges", edges, edge_offsets, "epos", "target", e_sent)):
            for piece, offset in zip(files, offsets, strict=True):
                frame = _read(piece, offset, column)
                name = f"{offset:012d}"  # unique per piece with rows, in input order
                for q, out in enumerate(spill.send(exchange, kind, name,
                                                   pieces_by(frame, by, k))):
                    sent[q].append(out)
                del frame
        return list(zip(a_sent, e_sent, strict=True))

    @stage("receive")
    def receive(self, *sent: tuple[Sent, Sent]) -> list[np.ndarray]:
        # Files are named by their input file's first row, and each holds its rows in
        # input order: read in name order, the rows come in input order, unsorted.
        in_order = lambda paths: sorted(paths, key=lambda p: Path(p).name)  # noqa: E731
        self.core = spill.receive(in_order([f for a, _ in sent for f in a if f]))
        self.edges = spill.receive(in_order([f for _, e in sent for f in e if f]))
        if self.core is None:
            self.core = pd.DataFrame({"id": pd.Series(dtype=object),
                                      "pos": pd.Series(dtype=np.int64)})
        if self.edges is None:
            self.edges = pd.DataFrame(columns=["source", "target", "type"])
        sources = np.asarray(pd.unique(self.edges["source"].astype(str)), dtype=object)
        mine = pd.Index(self.core["id"].astype(str)).get_indexer(sources) >= 0
        asked = pd.DataFrame({"id": sources[~mine]})
        return [f["id"].to_numpy(dtype=object) for f in split_by(asked, "id", self.parts)]

    def answer(self, *requests: np.ndarray) -> list[pd.DataFrame]:
        index = pd.Index(self.core["id"].astype(str))
        columns = ["id", "pos", "created_at"] if "created_at" in self.core else ["id", "pos"]
        out = []
        for ids in requests:
            rows = index.get_indexer(ids)
            out.append(self.core[columns].iloc[rows[rows >= 0]].reset_index(drop=True))
        return out

    @stage("inbound")
    def inbound(self, exchange: str, target: str | None, observed_at: float,
                *answers: pd.DataFrame) -> list[tuple[str | None, str | None] | dict]:
        stubs = _concat(answers)
        owner = np.repeat(np.arange(self.parts), [len(a) for a in answers])  # who answered
        del answers
        ids = self.core["id"].astype(str)
        here = target if target is not None and (ids == target).any() else None
        graph = inbound_graph(self.core.drop(columns="pos"),
                              stubs.drop(columns="pos", errors="ignore"),
                              self.edges.drop(columns="epos", errors="ignore"), here, observed_at)
        self.n = len(self.core)
        self.edges = None  # the repaired edges live in ``graph`` now
        self.positions = self.core["pos"].to_numpy()
        self.core = None  # its fields live in ``graph`` now
        pos = stubs["pos"].to_numpy() if len(stubs) else np.zeros(0, np.int64)
        del stubs
        self.keys = np.concatenate([self.positions, pos])
        self.owner = np.concatenate([np.full(self.n, self.part), owner])
        campaigns = campaign_rows(graph, self.keys, target is not None)
        created = graph.accounts.created_at[:self.n]
        stamps = np.concatenate([created, graph.edges.at])
        stamps = stamps[~np.isnan(stamps)]
        known = created[~np.isnan(created)]
        summary = {"latest": float(stamps.max()) if len(stamps) else float("nan"),
                   "interactions": bool(graph.edges.interactions().any()),
                   "accounts": self.n, "edges": len(graph.edges), "target": here is not None,
                   "timed_creation": bool((np.mod(known, DAY) != 0).any())}
        del stamps
        name, k = f"{self.part:05d}", self.parts
        out = outbound_edges(graph, self.keys)
        if self.dataset:
            followers = graph.accounts.counts["followers_count"][:self.n]
            write_inputs(exchange, self.part, out, pd.DataFrame({
                "key": self.positions, "owner": self.part, "created_at": created,
                "followers": np.fmax(followers, 0.0)}))  # NaN as 0
        edges = spill.send(exchange, "outbound", name,
                           pieces(out, self.owner[graph.edges.src], k))
        del out
        members = spill.send(exchange, "campaigns", name,
                             pieces(campaigns.drop(columns="member"),
                                    self.owner[campaigns["member"].to_numpy()], k))
        # What ``features`` needs: the part's own accounts and the inbound edges (the
        # stubs' fields go now, before the outbound edges arrive).
        self.accounts, self.inbound_edges = graph.accounts.take(np.arange(self.n)), graph.edges
        return [*zip(edges, members, strict=True), summary, created]

    @stage("features")
    def features(self, reference: float, any_interaction: bool,
                 creation: tuple[np.ndarray, np.ndarray] | str,
                 *sent: tuple[str | None, str | None]) -> list[np.ndarray]:
        """``creation``: the part's creation columns (``creation_columns``), or the
        output directory of the Ray Data feature pass, which gives every column but the
        own-row and campaign ones (``training.partwise.dataset``)."""
        # Part q sent the edges of its targets: q owns their targets.
        outbound = spill.receive([e for e, _ in sent], tag="owner")
        campaigns = spill.receive([c for _, c in sent])
        if outbound is None:
            outbound = no_outbound()
        if campaigns is None:
            campaigns = pd.DataFrame()
        if isinstance(creation, str):
            computed, lockstep = read_part(creation, self.part, self.keys[:self.n]), None
        else:
            lockstep = lockstep_columns(outbound, self.keys[:self.n])
        outbound = outbound.drop(columns=list(EDGE_VALUES))  # used up
        graph, keys, owner = local_graph(self.accounts, self.inbound_edges, self.keys,
                                         self.owner, outbound, reference)
        self.accounts = self.inbound_edges = self.keys = self.owner = None
        del outbound
        if lockstep is not None:
            computed = exchange_columns(graph, self.n, lockstep, creation, any_interaction)
        x = part_features(graph, keys, self.n, campaigns, computed)
        del lockstep, campaigns, computed
        if self.keep_features:
            self.raw_features = x  # [n, F] float32
        halo = follow_halo(graph, self.n, keys, owner)
        ids, keys = graph.ids, keys[:self.n].copy()
        del graph, owner
        trim()  # the graph and the feature pass's garbage go before torch and the model
        from training.partwise.scoring import PartScorer  # torch: in the parts only

        self.scorer = PartScorer(self.classifier, ids, keys, x, halo)
        return self.scorer.requests(self.parts)

    def serve(self, *requests: np.ndarray) -> None:
        self.scorer.serve(list(requests))

    def outgoing(self) -> list[tuple[np.ndarray, np.ndarray]]:
        return self.scorer.outgoing()

    @stage("rounds")
    def step(self, *incoming: tuple[np.ndarray, np.ndarray]) -> None:
        self.scorer.step(list(incoming))

    def table(self) -> pd.DataFrame:
        """``id, label, p_<class>...`` of the part's accounts, with their input ``pos``."""
        classes = list(self.classifier.classes_)
        proba = self.scorer.proba()
        table = pd.DataFrame({"id": self.scorer.ids.astype(str), "pos": self.positions,
                              "label": pd.Categorical.from_codes(proba.argmax(axis=1),
                                                                 categories=classes)})
        for c, name in enumerate(classes):
            table[f"p_{name}"] = proba[:, c]
        return table

    def write(self, out_dir: str) -> dict:
        """Write the part's scores to ``out_dir/<part>.parquet``; returns its figures."""
        table = self.table()
        out = Path(out_dir) / f"{self.part:05d}.parquet"
        tmp = out.with_name(f".{out.name}.tmp")
        table.to_parquet(tmp, index=False)
        os.replace(tmp, out)
        labels = table["label"].value_counts()
        return {"part": self.part, "accounts": len(table), "halo": len(self.scorer.halo_keys),
                "labels": {str(k): int(v) for k, v in labels.items()},
                "peak_rss_mb": peak_rss_mb(), "peaks": self.peaks, "pid": os.getpid()}

