"""Training time: seconds per epoch and in total, for the default model on its default
data, and for the same architecture on a large simulated graph (a few epochs).

An epoch of ``models.fitting.fit_model`` is one full-batch training step plus one
evaluation pass over the whole graph (for early stopping), so that is what is timed.
"""

from __future__ import annotations

import sys
import time
from typing import Any

from benchmarks.perf.common import emit, python_child

#: Address-space cap of a training child (GB): full-batch training grows with the graph,
#: and on a shared machine a run that does not fit must fail alone, not push others out.
MEMORY_CAP_GB = 16


def measure(accounts: int | None, epochs: int | None) -> dict[str, Any]:
    """Train in a child: ``accounts=None`` is the default model on its default data."""
    args = ["default" if accounts is None else str(accounts), str(epochs or 0)]
    result = python_child("train_speed", *args)
    return {**result.value, "peak_rss_mb": round(result.peak_rss_mb, 1),
            "memory_cap_gb": MEMORY_CAP_GB}


def _child(which: str, epochs: int) -> None:
    import resource

    cap = MEMORY_CAP_GB * 2**30
    resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    try:
        _train(which, epochs)
    except (MemoryError, RuntimeError) as exc:  # torch reports allocation failures so
        emit({"data": which, "error": f"{type(exc).__name__}: {str(exc)[:300]}"})


def _train(which: str, epochs: int) -> None:
    from models.config import ModelConfig
    from models.estimator import FollowerClassifier
    from training.default_model import DEFAULT_DATA, DEFAULT_MODEL

    start = time.perf_counter()
    if which == "default":
        from training.simulator.mixture import TrainingMix, training_graphs

        graph = training_graphs(TrainingMix(**DEFAULT_DATA))
    else:
        from benchmarks.perf.data import graph_dir
        from detector.io import load_graph

        graph = [load_graph(graph_dir(int(which)))]
    prepare = time.perf_counter() - start
    options = dict(DEFAULT_MODEL)
    if epochs:
        options.update(epochs=epochs, patience=epochs)
    classifier = FollowerClassifier(ModelConfig(**options))
    start = time.perf_counter()
    classifier.fit(graph, progress=False, log=lambda _msg: None)
    total = time.perf_counter() - start
    metrics = classifier.metadata_["metrics"]
    emit({
        "data": "default" if which == "default" else "simulated",
        "graphs": len(graph),
        "accounts": sum(g.num_accounts for g in graph),
        "edges": sum(g.num_edges for g in graph),
        "prepare_seconds": round(prepare, 2),
        "epochs_run": metrics["epochs_run"],
        "best_epoch": metrics["best_epoch"],
        "loop_seconds": metrics["train_seconds"],
        "seconds_per_epoch": round(metrics["train_seconds"] / metrics["epochs_run"], 3),
        "fit_seconds": round(total, 2),
        "val_macro_f1": round(metrics["val"]["macro_f1"], 4) if metrics.get("val") else None,
    })


if __name__ == "__main__":
    _child(sys.argv[1], int(sys.argv[2]))
