"""One part of a partitioned scoring run: its stages, in order, as plain methods.

The driver (``training.ray_score``) runs one ``PartWorker`` per part as a Ray actor and
carries what each stage returns to the next stage of the parts it is addressed to; the
tests run the same workers in one process. A stage that sends returns one table per
part (``parts`` entries); a stage that receives takes one from every part, in part order.

1. ``ingest``: read some account and edge files; send accounts to their owners, edges to
   the owners of their targets.
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
"""

from __future__ import annotations

import os
import resource
from pathlib import Path

import numpy as np
import pandas as pd

from training.partwise.exchange import split, split_by
from training.partwise.features import local_graph, part_features
from training.partwise.inbound import campaign_rows, inbound_graph, outbound_edges


def _read(files: list[str], offsets: list[int], column: str) -> pd.DataFrame | None:
    """The rows of ``files``, each numbered by its place in the whole input (``column``)."""
    frames = []
    for path, offset in zip(files, offsets, strict=True):
        frame = pd.read_parquet(path)
        frame[column] = np.arange(offset, offset + len(frame), dtype=np.int64)
        frames.append(frame)
    return pd.concat(frames, ignore_index=True) if frames else None


def _concat(frames: tuple[pd.DataFrame, ...], order: str | None = None) -> pd.DataFrame:
    frames = [f for f in frames if f is not None and len(f)]
    if not frames:
        return pd.DataFrame()
    out = pd.concat(frames, ignore_index=True)
    return out.sort_values(order, kind="stable", ignore_index=True) if order else out


class PartWorker:
    """Part ``part`` of ``parts``, scoring with the model in ``model_dir``."""

    def __init__(self, model_dir: str, part: int, parts: int, threads: int = 1,
                 keep_features: bool = False) -> None:
        import torch

        from models.estimator import FollowerClassifier

        torch.set_num_threads(threads)  # one part per CPU: more threads fight over it
        self.classifier = FollowerClassifier.load(model_dir)
        self.part, self.parts = part, parts
        self.keep_features = keep_features  # keep ``raw_features`` (the equality tests)
        self.peaks: dict[str, float] = {"start": peak_rss_mb()}  # peak RSS after each stage

    def first(self, method: str, *args):
        """The first (only) table a sending stage returns: Ray's one-result form."""
        return getattr(self, method)(*args)[0]

    def ingest(self, accounts: list[str], account_offsets: list[int], edges: list[str],
               edge_offsets: list[int]) -> list[tuple[pd.DataFrame, pd.DataFrame]]:
        a = _read(accounts, account_offsets, "pos")
        e = _read(edges, edge_offsets, "epos")
        a_out = split_by(a, "id", self.parts) if a is not None else [None] * self.parts
        e_out = split_by(e, "target", self.parts) if e is not None else [None] * self.parts
        self.peaks["ingest"] = peak_rss_mb()
        return list(zip(a_out, e_out, strict=True))

    def receive(self, *pieces: tuple[pd.DataFrame, pd.DataFrame]) -> list[np.ndarray]:
        self.core = _concat(tuple(a for a, _ in pieces), "pos")
        self.edges = _concat(tuple(e for _, e in pieces), "epos")
        if "id" not in self.core:
            self.core = pd.DataFrame({"id": pd.Series(dtype=object),
                                      "pos": pd.Series(dtype=np.int64)})
        if not len(self.edges):
            self.edges = pd.DataFrame(columns=["source", "target", "type"])
        sources = pd.unique(self.edges["source"].astype(str).to_numpy(dtype=object))
        mine = pd.Index(self.core["id"].astype(str)).get_indexer(sources) >= 0
        asked = pd.DataFrame({"id": sources[~mine]})
        self.peaks["receive"] = peak_rss_mb()
        return [f["id"].to_numpy(dtype=object) for f in split_by(asked, "id", self.parts)]

    def answer(self, *requests: np.ndarray) -> list[pd.DataFrame]:
        index = pd.Index(self.core["id"].astype(str))
        columns = ["id", "pos", "created_at"] if "created_at" in self.core else ["id", "pos"]
        out = []
        for ids in requests:
            rows = index.get_indexer(ids)
            out.append(self.core[columns].iloc[rows[rows >= 0]].reset_index(drop=True))
        return out

    def inbound(self, target: str | None, observed_at: float, *answers: pd.DataFrame
                ) -> list[tuple[pd.DataFrame, pd.DataFrame] | dict]:
        stubs = _concat(answers)
        owner = np.repeat(np.arange(self.parts), [len(a) for a in answers])  # who answered
        ids = self.core["id"].astype(str)
        here = target if target is not None and (ids == target).any() else None
        graph = inbound_graph(self.core.drop(columns="pos"),
                              stubs.drop(columns="pos", errors="ignore"),
                              self.edges.drop(columns="epos", errors="ignore"), here, observed_at)
        self.n, self.graph = len(self.core), graph
        self.edges = None  # the repaired edges live in ``graph`` now
        pos = stubs["pos"].to_numpy() if len(stubs) else np.zeros(0, np.int64)
        self.keys = np.concatenate([self.core["pos"].to_numpy(), pos])
        self.owner = np.concatenate([np.full(self.n, self.part), owner])
        campaigns = campaign_rows(graph, self.keys, target is not None)
        created = graph.accounts.created_at[:self.n]
        stamps = np.concatenate([created, graph.edges.at])
        stamps = stamps[~np.isnan(stamps)]
        summary = {"latest": float(stamps.max()) if len(stamps) else float("nan"),
                   "interactions": bool(graph.edges.interactions().any()),
                   "accounts": self.n, "edges": len(graph.edges), "target": here is not None}
        sent = list(zip(split(outbound_edges(graph, self.keys), self.owner[graph.edges.src],
                              self.parts),
                        split(campaigns.drop(columns="member"),
                              self.owner[campaigns["member"].to_numpy()], self.parts),
                        strict=True))
        self.peaks["inbound"] = peak_rss_mb()
        return [*sent, summary, created]

    def features(self, reference: float, any_interaction: bool,
                 creation: tuple[np.ndarray, np.ndarray],
                 *pieces: tuple[pd.DataFrame, pd.DataFrame]) -> list[np.ndarray]:
        for q, (edges, _) in enumerate(pieces):  # part q sent the edges of its targets
            edges["owner"] = q
        outbound = _concat(tuple(e for e, _ in pieces))
        campaigns = _concat(tuple(c for _, c in pieces))
        if not len(outbound):
            outbound = pd.DataFrame({name: pd.Series(dtype=np.int64) for name in (
                "source", "target", "type", "weight", "rank", "owner")} | {
                name: pd.Series(dtype=np.float64) for name in (
                    "at", "sync", "like_sync", "excess", "cohort")})
        graph, keys, owner = local_graph(self.graph, self.n, self.keys, self.owner, outbound,
                                         reference)
        self.graph = self.keys = self.owner = None
        x = part_features(graph, keys, self.n, outbound, campaigns, creation, any_interaction)
        if self.keep_features:
            self.raw_features = x  # [n, F] float32
        self.positions = self.core["pos"].to_numpy()
        self.core = None
        from training.partwise.scoring import PartScorer  # torch: in the parts only

        self.scorer = PartScorer(self.classifier, graph, self.n, x, keys, owner)
        self.peaks["features"] = peak_rss_mb()
        return self.scorer.requests(self.parts)

    def serve(self, *requests: np.ndarray) -> None:
        self.scorer.serve(list(requests))

    def outgoing(self) -> list[tuple[np.ndarray, np.ndarray]]:
        return self.scorer.outgoing()

    def step(self, *incoming: tuple[np.ndarray, np.ndarray]) -> None:
        self.scorer.step(list(incoming))
        self.peaks["rounds"] = peak_rss_mb()

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


def peak_rss_mb() -> float:
    """This process's peak resident memory so far, in MB."""
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
