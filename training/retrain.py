"""Retraining from analysts' labels: ``ffd train --labels`` (docs/monitoring.md).

1. **Labels and their features.** The label in force for every account
   (``store.labels.latest_labels``); each labelled account's features come from the
   newest stored snapshot graph it is in (``store.graphs.graphs_of``). Labels of
   accounts in no kept graph, or of a class the live model lacks, are counted and left
   out.
2. **Holdout.** Part of the labels is held out (``training.holdout``: seeded,
   stratified; too few is an error).
3. **Fine-tuning** from the live model (the store's live version, else the default
   model directory) on the other labels, with a small simulated mix so that it does not
   forget (``models.finetune``).
4. **Comparison** of the candidate with the live model on the held-out labels; the
   candidate is saved as a new model directory with that comparison in its metrics.
5. **Promotion** (``--promote``) only when the candidate is better: the CLI asks the
   running server to load it (``POST /v1/admin/reload``), whose checked atomic swap
   reaches every worker and records it in the store as the live version.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from detector.errors import DetectorError, ModelFileError
from detector.schema import LABEL_CODE
from detector.validate import parse_graph
from models.finetune import FineTuneConfig
from training.holdout import HoldoutConfig, holdout_metrics, is_better, split_labels

#: Seed of the simulated mix (not the default model's: new worlds, same recipe).
SIM_SEED = 20_251_204


@dataclass(frozen=True)
class RetrainConfig:
    """Everything ``ffd train --labels`` decides; its options map onto these fields."""

    database: str | None = None  # SQLAlchemy URL; None: $FFD_DATABASE_URL or var/ffd.sqlite3
    base: str | None = None  # model to start from; None: the live version, else the default
    out: str | None = None  # candidate directory; None: var/models/<version>
    # Simulated worlds mixed in (``sim_val_graphs`` of them only refit the temperature and
    # measure what the candidate forgot); 0: none. Fewer forget more: on six unseen
    # worlds, 4 x 300 lost 0.03 of three-class balanced accuracy where 24 x 500 lost
    # none (docs/monitoring.md, `python -m benchmarks.labels`).
    sim_graphs: int = 24
    sim_accounts: int = 500  # accounts per simulated world
    sim_seed: int = SIM_SEED
    holdout: HoldoutConfig = field(default_factory=HoldoutConfig)
    tune: FineTuneConfig = field(default_factory=FineTuneConfig)

    def __post_init__(self) -> None:
        if self.sim_graphs == 1 or self.sim_graphs < 0:
            raise ValueError(f"sim_graphs must be 0 (no simulated data) or at least 2 (one "
                             f"trains, one refits the temperature), got {self.sim_graphs}")

    @property
    def sim_val_graphs(self) -> int:
        """Simulated worlds held out of the steps: an eighth, at least one."""
        return max(1, self.sim_graphs // 8)


@dataclass
class Outcome:
    """What a retraining found and made."""

    candidate: object  # models.estimator.FollowerClassifier
    directory: Path  # where the candidate was saved
    base_directory: Path  # the live model it started from
    comparison: dict  # live and candidate held-out metrics, better, the rule
    better: bool


def _store(url: str | None):
    from store.db import Store, default_url
    from store.migrate import upgrade

    store = Store(url or default_url())
    upgrade(store)
    return store


def _base_directory(config: RetrainConfig, live) -> Path:
    from models.paths import default_model_dir

    if config.base is not None:
        return Path(config.base)
    return Path(live.directory) if live is not None else default_model_dir()


def _graphs(found, train: dict[str, str], held: dict[str, str]
            ) -> tuple[list, list[tuple[int, np.ndarray]]]:
    """The kept graphs with only the training labels set, and per graph the rows of the
    held-out accounts placed in it."""
    graphs, rows = [], []
    for placed in found.graphs:
        graph = parse_graph(placed.document)
        accounts = dataclasses.replace(
            graph.accounts, label=np.full(graph.num_accounts, -1, np.int8),
            split=np.full(graph.num_accounts, -1, np.int8))
        index = graph.index_of()
        for account in placed.accounts:
            if account in train:
                accounts.label[index[account]] = LABEL_CODE[train[account]]
        graphs.append(dataclasses.replace(graph, accounts=accounts))
        rows.append([index[a] for a in placed.accounts if a in held])
    return graphs, [(k, np.asarray(r, dtype=np.int64)) for k, r in enumerate(rows)]


def _judge(model, graphs: list, rows: list[tuple[int, np.ndarray]]) -> list[str]:
    """``model``'s verdicts on the held-out rows, graph by graph."""
    out: list[str] = []
    for k, index in rows:
        if len(index):
            out.extend(model.predict(graphs[k])[index].tolist())
    return out


def _compare(base, candidate, truth: list[str], graphs: list,
             rows: list[tuple[int, np.ndarray]], holdout: HoldoutConfig) -> dict:
    """Both models' held-out metrics, whether the candidate is better, and the rule."""
    live = holdout_metrics(truth, _judge(base, graphs, rows), base.classes_)
    tuned = holdout_metrics(truth, _judge(candidate, graphs, rows), base.classes_)
    return {"live": live, "candidate": tuned,
            "better": is_better(tuned, live, holdout.min_gain),
            "rule": f"candidate balanced accuracy > live + {holdout.min_gain:g} "
                    f"(ties keep the live model)",
            "holdout": holdout.to_dict()}


def retrain_from_labels(config: RetrainConfig, *, log: Callable[[str], object] = print
                        ) -> Outcome:
    """Fine-tune the live model on the stored labels and compare it on the held-out ones.

    Raises:
        TooFewLabels: too few usable labels to hold a meaningful part out.
        DetectorError: no labels, no model, or a model that cannot be loaded.
    """
    from models.estimator import FollowerClassifier
    from models.finetune import fine_tune
    from store.graphs import graphs_of
    from store.labels import latest_labels
    from store.versions import live_version

    store = _store(config.database)
    try:
        with store.read() as session:
            labels = latest_labels(session)
            live = live_version(session)
            found = graphs_of(session, list(labels))
    finally:
        store.dispose()
    if not labels:
        raise DetectorError(f"the store {store!r} holds no labels (POST /v1/labels)")
    base_dir = _base_directory(config, live)
    try:
        base = FollowerClassifier.load(base_dir)
    except ModelFileError as exc:
        where = "the store's live version" if config.base is None and live is not None \
            else "the model to start from"
        raise ModelFileError(f"{exc} ({where}; run where the server runs, or give --base)") \
            from None
    log(f"live model {base.metadata_.get('version')} from {base_dir}; classes "
        f"{', '.join(base.classes_)}")
    placed = {a for g in found.graphs for a in g.accounts}
    foreign = {a: c for a, c in labels.items() if a in placed and c not in base.classes_}
    usable = {a: c for a, c in labels.items() if a in placed and a not in foreign}
    log(f"{len(labels)} labelled accounts: {len(usable)} usable in {len(found.graphs)} "
        f"snapshot graph(s); {len(found.missing)} in no kept snapshot graph"
        + (f", {len(foreign)} of classes the model lacks" if foreign else ""))
    train, held = split_labels(usable, config.holdout)
    log(f"holdout (seed {config.holdout.seed}): {len(train)} labels train, "
        f"{len(held)} held out")
    graphs, rows = _graphs(found, train, held)
    simulated = _simulated(config, log)
    candidate = fine_tune(base, graphs, simulated, config.tune, log=log)
    truth = [held[a] for placed_graph in found.graphs for a in placed_graph.accounts
             if a in held]
    comparison = _compare(base, candidate, truth, graphs, rows, config.holdout)
    comparison.update(
        labels={"total": len(labels), "usable": len(usable), "train": len(train),
                "held_out": len(held), "without_graph": len(found.missing),
                "foreign_class": len(foreign)},
        live_model={"id": base.metadata_.get("id"), "version": base.metadata_.get("version"),
                    "directory": str(base_dir)})
    if simulated:
        comparison["simulated"] = _forgetting(base, candidate, simulated)
    candidate.metadata_["metrics"]["labels"] = comparison
    candidate.metadata_["data"]["source"] = {
        "labels": comparison["labels"], "snapshots": [g.snapshot_id for g in found.graphs],
        "simulator_mix": {"graphs": config.sim_graphs, "accounts": config.sim_accounts,
                          "seed": config.sim_seed}}
    out = Path(config.out) if config.out else Path("var") / "models" / _name(candidate)
    directory = candidate.save(out)
    log(f"candidate {candidate.metadata_['version']} saved to {directory}")
    return Outcome(candidate, directory, base_dir, comparison, comparison["better"])


def _forgetting(base, candidate, simulated: list) -> dict:
    """Both models on the simulated validation world(s) (no gradient step saw them): what
    the candidate may have forgotten. Reported; promotion is decided on the labels."""
    return {name: on_worlds(model, simulated, base.classes_, split="val")
            for name, model in (("live", base), ("candidate", candidate))}


def on_worlds(model, graphs: list, classes: tuple[str, ...], split: str | None = None) -> dict:
    """``holdout_metrics`` of ``model`` over the labelled accounts of ``graphs`` (only
    those of ``split`` when given)."""
    from detector.schema import LABELS, SPLIT_CODE

    truth, predicted = [], []
    for graph in graphs:
        chosen = graph.accounts.label >= 0
        if split is not None:
            chosen &= graph.accounts.split == SPLIT_CODE[split]
        rows = np.flatnonzero(chosen)
        if len(rows):
            truth += [LABELS[c] for c in graph.accounts.label[rows].tolist()]
            predicted += model.predict(graph)[rows].tolist()
    return holdout_metrics(truth, predicted, classes)


def _name(candidate) -> str:
    return f"labels-{datetime.now(UTC):%Y%m%d-%H%M%S}-{candidate.metadata_['id'][:6]}"


def _simulated(config: RetrainConfig, log: Callable[[str], object]) -> list:
    from training.simulator.mixture import TrainingMix, training_graphs

    if config.sim_graphs == 0:
        log("no simulated data mixed in (--sim-graphs 0): the model may forget")
        return []
    mix = TrainingMix(graphs=config.sim_graphs, accounts=config.sim_accounts,
                      val_graphs=config.sim_val_graphs,
                      seed=config.sim_seed)
    return training_graphs(mix)


def report(comparison: dict) -> str:
    """The comparison as a few lines: per model, balanced accuracy, accuracy, macro-F1,
    and per class recall, precision and support."""
    lines = [f"held-out labels: {comparison['labels']['held_out']} "
             f"({', '.join(f'{n} {c}' for c, n in comparison['live']['counts'].items())})"]
    for who in ("live", "candidate"):
        m = comparison[who]
        per = "  ".join(f"{c}: recall {v['recall']:.3f} precision {v['precision']:.3f} "
                        f"(n={v['support']})" for c, v in m["per_class"].items() if v["support"])
        lines.append(f"{who:<9} balanced accuracy {m['balanced_accuracy']:.4f}  accuracy "
                     f"{m['accuracy']:.4f}  macro-F1 {m['macro_f1']:.4f}  |  {per}")
    if "simulated" in comparison:
        sim = comparison["simulated"]
        lines.append(f"simulated validation world ({sim['live']['accounts']} accounts, not "
                     f"deciding): balanced accuracy live {sim['live']['balanced_accuracy']:.4f}"
                     f", candidate {sim['candidate']['balanced_accuracy']:.4f}; macro-F1 "
                     f"{sim['live']['macro_f1']:.4f} -> {sim['candidate']['macro_f1']:.4f}")
    lines.append("candidate is better" if comparison["better"] else
                 "candidate is not better: " + comparison["rule"])
    return "\n".join(lines)


class NotPromoted(DetectorError):
    """The candidate is not better on the held-out labels: the live model stays."""


def promote(outcome: Outcome, reload: Callable[[str], dict]) -> dict:
    """Make ``outcome``'s candidate live through ``reload(directory)`` (the server's
    checked, atomic reload) if it is better; its answer.

    Raises:
        NotPromoted: the candidate is not better (nothing is changed).
    """
    live, cand = outcome.comparison["live"], outcome.comparison["candidate"]
    if not outcome.better:
        raise NotPromoted(
            f"not promoted: the candidate's balanced accuracy on the "
            f"{cand['accounts']} held-out labels is {cand['balanced_accuracy']:.4f}, the live "
            f"model's {live['balanced_accuracy']:.4f} ({outcome.comparison['rule']}); the live "
            f"model keeps serving, the candidate stays in {outcome.directory}")
    return reload(os.fspath(Path(outcome.directory).absolute()))
