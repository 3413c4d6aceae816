"""The order of a partitioned scoring run, whatever runs the parts: Ray actors
(``training.ray_score``) or plain objects in one process (``LocalBackend``, for tests).

The coordinator only routes references: table ``q`` of part ``p``'s answer goes to part
``q``'s next stage (for the two big shuffles, the names of the files part ``p`` wrote for
``q``). What it holds itself is a few numbers per part.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from detector.errors import GraphValidationError, Issue
from detector.shards import open_sharded
from training.partwise import spill
from training.partwise.dataset import feature_pass, input_dir
from training.partwise.features import creation_columns
from training.partwise.inputs import Piece, pieces_of
from training.partwise.parked import park_path, run_stage


class Backend(Protocol):
    """Runs the parts' stages and the one whole-graph task."""

    def call(self, part: int, method: str, args: tuple, returns: int | None) -> Any:
        """Start ``method`` of part ``part``'s worker: a list of ``returns`` results (the
        method returns a list that long), or one result for ``None``."""

    def task(self, fn: Callable, args: tuple, returns: int) -> list:
        """Start a stateless task returning a list of ``returns`` results."""

    def get(self, refs: Any) -> Any:
        """Wait for results."""


@dataclass
class Plan:
    """What to score: the pieces of the input files (``Piece``, in input order), and the
    graph's metadata."""

    accounts: list[Piece]
    edges: list[Piece]
    target: str | None = None
    observed_at: float = math.nan
    steps: int = 2  # propagation rounds of the model
    stats: dict = field(default_factory=dict)

    @property
    def account_rows(self) -> list[int]:
        return [p.rows for p in self.accounts]

    @property
    def edge_rows(self) -> list[int]:
        return [p.rows for p in self.edges]

    def files(self) -> tuple[int, int]:
        """How many account files and edge files the pieces come from."""
        return len({p.path for p in self.accounts}), len({p.path for p in self.edges})


def plan_for(data: str | os.PathLike, steps: int) -> Plan:
    """The plan of the sharded graph at ``data`` (``detector.shards``): its files cut
    into pieces (``pieces_of``) from the Parquet footers, so nothing is read but
    metadata."""
    sharded = open_sharded(data)
    cut = lambda files: [piece for f in files for piece in pieces_of(f)]  # noqa: E731
    return Plan(cut(sharded.accounts), cut(sharded.edges), sharded.target,
                sharded.observed_at, steps)


def evidence_steps(model_dir: str) -> int:
    """The propagation rounds of the saved evidence model, from its verified files (the
    driver never imports torch, but checks every file's size and SHA-256 and the feature
    schema, so a damaged model fails here and not in the parts after the shuffles)."""
    from detector.errors import DetectorError, ModelFileError
    from models.files import verify_model_files

    model = verify_model_files(model_dir)["model"]
    try:
        name, steps = model["name"], int(model["arguments"].get("steps", 0))
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise ModelFileError(f"{model_dir}: model.json does not describe a model ({exc})"
                             ) from None
    if name != "evidence":
        raise DetectorError(f"--engine ray scores layer by layer and needs an evidence model "
                            f"(the default), not {name!r}")
    return steps


def _offsets(rows: list[int]) -> list[int]:
    return np.concatenate([[0], np.cumsum(rows)[:-1]]).astype(int).tolist() if rows else []


def run(backend: Backend, plan: Plan, parts: int, out_dir: str,
        dataset: bool = False) -> list[dict]:
    """Score every account, parts writing their tables into ``out_dir``; returns each
    part's figures (``PartWorker.write``). The big shuffles go through files in
    ``out_dir/.exchange`` (``training.partwise.spill``), removed at the end, failed or not.
    With ``dataset`` the workers write the Ray Data feature pass's input
    (``PartWorker(dataset=True)``) and the pass computes the columns it can
    (``training.partwise.dataset``; a Ray instance must be running)."""
    exchange = spill.exchange_dir(out_dir)
    try:
        return _run(backend, plan, parts, out_dir, str(exchange), dataset)
    finally:
        spill.remove(exchange)


def _run(backend: Backend, plan: Plan, parts: int, out_dir: str, spilled: str,
         dataset: bool) -> list[dict]:
    k = parts
    a_off, e_off = _offsets(plan.account_rows), _offsets(plan.edge_rows)
    pieces = [backend.call(p, "ingest", (spilled, plan.accounts[p::k], a_off[p::k],
                                         plan.edges[p::k], e_off[p::k]), k)
              for p in range(k)]

    def exchange(method: str, sent: list[list], returns: int | None, *extra) -> list:
        """Part ``p``'s ``method`` gets what every part sent to ``p``, in part order."""
        return [backend.call(p, method, (*extra, *[sent[q][p] for q in range(k)]), returns)
                for p in range(k)]

    # Each stage's results are dropped once the next stage is submitted: Ray keeps an
    # object while a task that takes it runs, and frees it from the store after.
    asked = exchange("receive", pieces, k)
    del pieces
    answers = exchange("answer", asked, k)
    del asked
    inbound = exchange("inbound", answers, k + 2, spilled, plan.target, plan.observed_at)
    del answers
    summaries = backend.get([inbound[p][k] for p in range(k)])
    if plan.target is not None and not any(s["target"] for s in summaries):
        raise GraphValidationError([Issue("target", f"unknown account {plan.target!r}")])
    interactions = any(s["interactions"] for s in summaries)
    if dataset:  # the parts wait, holding their state, while Ray Data runs the pass
        computed = str(Path(spilled) / "features")
        feature_pass(input_dir(spilled), computed, k, interactions,
                     by_day=not any(s["timed_creation"] for s in summaries))
        creation = [computed] * k
    else:
        creation = backend.task(_creation, tuple(inbound[p][k + 1] for p in range(k)), k)
    latest = [s["latest"] for s in summaries if not math.isnan(s["latest"])]
    reference = plan.observed_at if not math.isnan(plan.observed_at) else (
        max(latest) if latest else math.nan)
    halo = [backend.call(p, "features", (reference, interactions, creation[p],
                                         *[inbound[q][p] for q in range(k)]), k)
            for p in range(k)]
    del inbound, creation
    backend.get(exchange("serve", halo, None))
    del halo
    for _ in range(plan.steps):
        rows = [backend.call(p, "outgoing", (), k) for p in range(k)]
        backend.get(exchange("step", rows, None))
        del rows
    plan.stats.update(accounts=sum(s["accounts"] for s in summaries),
                      edges=sum(s["edges"] for s in summaries))
    return backend.get([backend.call(p, "write", (out_dir,), None) for p in range(k)])


def _creation(*created: np.ndarray) -> list:
    return creation_columns(list(created))


def score_locally(model_dir: str, data: str | os.PathLike, out_dir: str | os.PathLike,
                  parts: int, dataset: bool = False, parked: bool = False) -> list[dict]:
    """The partitioned run with every part in this process (tests and debugging; with
    ``dataset``, the Ray Data pass on the running Ray instance; with ``parked``, each
    part written to disk between its stages, ``training.partwise.parked``)."""
    from training.partwise.worker import PartWorker

    Path(out_dir).mkdir(parents=True, exist_ok=True)
    if parked:
        backend: Backend = ParkedLocal(str(model_dir), parts, str(out_dir), dataset)
    else:
        backend = LocalBackend([PartWorker(str(model_dir), p, parts, dataset=dataset)
                                for p in range(parts)])
    plan = plan_for(data, evidence_steps(str(model_dir)))
    return run(backend, plan, parts, str(out_dir), dataset)


class LocalBackend:
    """Every part's worker in this process, one stage after the other (for tests)."""

    def __init__(self, workers: list) -> None:
        self.workers = workers

    def call(self, part: int, method: str, args: tuple, returns: int | None) -> Any:
        return getattr(self.workers[part], method)(*args)

    def task(self, fn: Callable, args: tuple, returns: int) -> list:
        return fn(*args)

    def get(self, refs: Any) -> Any:
        return refs


class ParkedLocal(LocalBackend):
    """Every stage of every part run in this process from the part's parked files, one
    after the other (``training.partwise.parked``; for tests)."""

    def __init__(self, model_dir: str, parts: int, out_dir: str, dataset: bool = False) -> None:
        super().__init__([])
        self.model_dir, self.parts, self.out_dir, self.dataset = model_dir, parts, out_dir, dataset

    def call(self, part: int, method: str, args: tuple, returns: int | None) -> Any:
        return run_stage(park_path(self.out_dir, part), self.model_dir, part, self.parts,
                         self.dataset, method, *args)
