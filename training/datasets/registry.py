"""One entry for every graph source: a named data set, a TwiBot directory, or a file.

``load_any`` is what ``ffd train --data`` calls, so a user can point it at whatever they
have: ``cresci-2015`` or ``instafake`` (found under the shared data directory), a TwiBot-22-format
directory, or any form ``detector.io.load_graph`` reads (JSON, columnar, CSV pair).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from detector.graph import AccountGraph
from detector.io import load_graph
from training.datasets.cresci import NAME as CRESCI
from training.datasets.cresci import is_cresci_dir, load_cresci
from training.datasets.instafake import NAME as INSTAFAKE
from training.datasets.instafake import is_instafake_dir, load_instafake
from training.datasets.shared import data_root
from training.datasets.twibot import is_twibot_dir, load_twibot

#: Data sets known by name -> loader of their default location.
NAMED: dict[str, Callable[[], AccountGraph]] = {CRESCI: load_cresci, INSTAFAKE: load_instafake}


def load_any(path_or_name: str | os.PathLike,
             edges: str | os.PathLike | None = None) -> AccountGraph:
    """Load a graph from a data-set name, a TwiBot directory or a graph file.

    Resolution order: an existing path wins; else a name in ``NAMED``; else a folder of
    that name under ``data_root()``. A directory in the TwiBot-22 format (``node.json`` or
    ``user.json``) goes to ``load_twibot``, the Cresci-2015 folder to ``load_cresci``,
    anything else to ``detector.io.load_graph``.

    Args:
        path_or_name: a path, or a data-set name such as ``"cresci-2015"``.
        edges: the edges CSV when ``path_or_name`` is an accounts CSV.

    Raises:
        DetectorError: nothing readable at that path or name.
        GraphValidationError: the data break the ``account-graph/1`` contract.
    """
    path = Path(path_or_name)
    if not path.exists():
        name = str(path_or_name)
        if name in NAMED:
            return NAMED[name]()
        if (data_root() / name).exists():
            path = data_root() / name
    if is_twibot_dir(path):
        return load_twibot(path)
    if path.is_dir() and is_cresci_dir(path):
        return load_cresci(path)
    if path.is_dir() and is_instafake_dir(path):
        return load_instafake(path)
    return load_graph(path, edges)
