"""Parked parts: a part's worker lives in a file between its stages, not in a process.

With one actor per part (``training.ray_score.RayBackend``) every part's state is in
memory from the first stage to the last, so one machine must hold all parts at once,
which is more than the single process (docs/scaling.md). Parked, each stage of a part is
a task that reads the part's worker from ``<exchange>/parked/<part>.pickle``, runs the
stage and writes the worker back; a machine then holds only the parts whose stages are
running (one per CPU the task reserves), and a graph whose parts together exceed its
memory can still be scored, part after part, at the price of writing and reading each
part's state once per stage. The directory sits in the run's exchange directory, on
storage every node reads (``training.partwise.spill``), and goes with it.

``training.ray_score.ParkedBackend`` runs the stages as Ray tasks; ``ParkedLocal``
(``training.partwise.run``) runs them in this process, for tests.
"""

from __future__ import annotations

import os
import pickle
from pathlib import Path
from typing import Any

from training.partwise.spill import EXCHANGE

#: The parked workers' directory inside the run's exchange directory.
PARKED = "parked"


def park_path(out_dir: str | os.PathLike, part: int) -> Path:
    """Where part ``part``'s worker is parked during a run writing into ``out_dir``."""
    return Path(out_dir) / EXCHANGE / PARKED / f"{part:05d}.pickle"


def run_stage(path: str | os.PathLike, model_dir: str, part: int, parts: int, dataset: bool,
              method: str, *args: Any) -> Any:
    """Run ``method`` of the worker parked at ``path`` (a new ``PartWorker`` for its first
    stage) and park it again; after ``write``, its last stage, the file goes."""
    from training.partwise.memory import system_arrow_pool
    from training.partwise.worker import PartWorker

    path = Path(path)
    if path.exists():
        system_arrow_pool()  # per process, as ``PartWorker.__init__`` sets it
        with path.open("rb") as f:
            worker = pickle.load(f)
    else:
        worker = PartWorker(model_dir, part, parts, dataset=dataset)
    out = getattr(worker, method)(*args)
    if method == "write":
        path.unlink(missing_ok=True)
        return out
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    with tmp.open("wb") as f:  # protocol 5: arrays are written from their buffers
        pickle.dump(worker, f, protocol=5)
    os.replace(tmp, path)
    del worker
    from training.partwise.memory import trim

    trim()
    return out
