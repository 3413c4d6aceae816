"""Parked parts: a part's worker lives in files between its stages, not in a process.

With one actor per part (``training.ray_score.RayBackend``) every part's state is in
memory from the first stage to the last, so one machine must hold all parts at once,
which is more than the single process (docs/scaling.md). Parked, each stage of a part is
a task that reads the part's worker from ``<exchange>/parked/<part>/``, runs the stage
and writes the worker back; a machine then holds only the parts whose stages are
running (one per CPU the task reserves), and a graph whose parts together exceed its
memory can still be scored, part after part, at the price of writing and reading each
part's state once per stage. The directory sits in the run's exchange directory, on
storage every node reads (``training.partwise.spill``), and goes with it.

Nothing is pickled (the project never unpickles): a worker is written as ``state.json``,
the shape of its attributes, beside one file per array (``.npy``, read with
``allow_pickle=False``), per table or per array of strings (Arrow IPC). Only the
classes in ``CLASSES`` are rebuilt; any other value is refused when the part is
parked, so a new kind of state fails the tests rather than a run.

``training.ray_score.ParkedBackend`` runs the stages as Ray tasks; ``ParkedLocal``
(``training.partwise.run``) runs them in this process, for tests.
"""

from __future__ import annotations

import importlib
import itertools
import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import orjson
import pandas as pd
import pyarrow as pa

from training.partwise.spill import EXCHANGE

#: The parked workers' directory inside the run's exchange directory.
PARKED = "parked"
#: The classes a parked part may hold, rebuilt from their attributes when it is read.
CLASSES = frozenset({
    "training.partwise.worker:PartWorker", "training.partwise.scoring:PartScorer",
    "detector.graph:Accounts", "detector.graph:Edges", "models.layerwise:NodeState",
})


def park_path(out_dir: str | os.PathLike, part: int) -> Path:
    """Where part ``part``'s worker is parked during a run writing into ``out_dir``."""
    return Path(out_dir) / EXCHANGE / PARKED / f"{part:05d}"


def run_stage(path: str | os.PathLike, model_dir: str, part: int, parts: int, dataset: bool,
              method: str, *args: Any) -> Any:
    """Run ``method`` of the worker parked at ``path`` (a new ``PartWorker`` for its first
    stage) and park it again; after ``write``, its last stage, its files go."""
    from training.partwise.memory import part_allocators, trim
    from training.partwise.worker import PartWorker

    path = Path(path)
    part_allocators()  # per process, as ``PartWorker.__init__`` sets them up
    worker = read(path) if path.exists() else PartWorker(model_dir, part, parts,
                                                         dataset=dataset)
    out = getattr(worker, method)(*args)
    if method == "write":
        shutil.rmtree(path, ignore_errors=True)
        return out
    write(worker, path)
    del worker
    trim()
    return out


def write(worker: Any, path: str | os.PathLike) -> None:
    """Park ``worker`` (its ``__getstate__``) as files in the directory ``path``, which
    appears whole or not at all (written beside it, then renamed over the old one)."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    tree = _encode(worker, tmp, itertools.count())
    (tmp / "state.json").write_bytes(orjson.dumps(tree))
    old = path.with_name(f".{path.name}.old")
    if path.exists():
        os.replace(path, old)
    os.replace(tmp, path)
    shutil.rmtree(old, ignore_errors=True)


def read(path: str | os.PathLike) -> Any:
    """The worker parked in ``path`` (``write``)."""
    path = Path(path)
    return _decode(orjson.loads((path / "state.json").read_bytes()), path)


def _encode(value: Any, directory: Path, numbers: Iterator[int]) -> Any:
    """A JSON shape of ``value``; arrays, tables and tensors go to files of their own,
    named by the next of ``numbers``."""
    # A tensor exists only where torch was imported: not imported for the check, so the
    # stages before ``features`` (no tensor yet) run without it.
    torch = sys.modules.get("torch")
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return {"float": repr(float(value))}  # NaN and infinities exactly
    if torch is not None and isinstance(value, torch.Tensor):
        name = f"{next(numbers):05d}"
        np.save(directory / f"{name}.npy", value.detach().numpy(), allow_pickle=False)
        return {"tensor": name}
    if isinstance(value, np.ndarray):
        name = f"{next(numbers):05d}"
        if value.dtype == object:  # strings (or None): an Arrow column
            strings = pa.array(value.ravel(), type=pa.large_string())
            _arrow(pa.table({"v": strings}), directory, name)
            return {"strings": name, "shape": list(value.shape)}
        np.save(directory / f"{name}.npy", value, allow_pickle=False)
        return {"array": name}
    if isinstance(value, pd.DataFrame):
        name = f"{next(numbers):05d}"
        _arrow(pa.Table.from_pandas(value), directory, name)
        return {"frame": name}
    if isinstance(value, (list, tuple)):
        return {"list" if isinstance(value, list) else "tuple":
                [_encode(v, directory, numbers) for v in value]}
    if isinstance(value, dict):
        if not all(isinstance(k, str) for k in value):
            raise TypeError(f"cannot park a dict with keys other than strings: {value!r:.80}")
        return {"dict": {k: _encode(v, directory, numbers) for k, v in value.items()}}
    kind = f"{type(value).__module__}:{type(value).__qualname__}"
    if kind not in CLASSES:
        raise TypeError(f"cannot park a {kind} (training.partwise.parked.CLASSES)")
    # ``PartWorker.__getstate__`` leaves the model out; the others give their attributes.
    state = value.__getstate__() if hasattr(value, "__getstate__") else vars(value)
    return {"object": kind, "state": {k: _encode(v, directory, numbers) for k, v in state.items()}}


def _decode(tree: Any, directory: Path) -> Any:
    if tree is None or isinstance(tree, (bool, str, int)):
        return tree
    if "float" in tree:
        return float(tree["float"])  # "nan" and "inf" too
    if "tensor" in tree:
        import torch

        return torch.from_numpy(np.load(directory / f"{tree['tensor']}.npy", allow_pickle=False))
    if "array" in tree:
        return np.load(directory / f"{tree['array']}.npy", allow_pickle=False)
    if "strings" in tree:
        column = _read_arrow(directory, tree["strings"]).column("v")
        return column.to_numpy(zero_copy_only=False).astype(object).reshape(tree["shape"])
    if "frame" in tree:
        return _read_arrow(directory, tree["frame"]).to_pandas()
    if "list" in tree:
        return [_decode(v, directory) for v in tree["list"]]
    if "tuple" in tree:
        return tuple(_decode(v, directory) for v in tree["tuple"])
    if "dict" in tree:
        return {k: _decode(v, directory) for k, v in tree["dict"].items()}
    kind = tree["object"]
    if kind not in CLASSES:
        raise TypeError(f"refusing to rebuild a {kind} (training.partwise.parked.CLASSES)")
    module, name = kind.split(":")
    cls = getattr(importlib.import_module(module), name)
    obj = cls.__new__(cls)
    for key, value in tree["state"].items():
        object.__setattr__(obj, key, _decode(value, directory))  # frozen dataclasses too
    return obj


def _arrow(table: pa.Table, directory: Path, name: str) -> None:
    with pa.OSFile(str(directory / f"{name}.arrow"), "wb") as sink, \
            pa.ipc.new_file(sink, table.schema) as writer:
        writer.write_table(table)


def _read_arrow(directory: Path, name: str) -> pa.Table:
    with pa.OSFile(str(directory / f"{name}.arrow"), "rb") as source:
        return pa.ipc.open_file(source).read_all()
