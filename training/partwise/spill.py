"""The big shuffles through files: a part writes one Arrow IPC file per destination part
under the run's exchange directory (``<out>/.exchange/``), and each receiver reads the
files addressed to it and deletes them.

Through the object store, a sent table lives in the sender (while it serialises), in the
store and in the receiver at once; a file costs the sender only the table it is writing
and the receiver only what it reads. The driver carries file names, not tables, so a
receiving stage still waits for every sender (``training.partwise.run``). The directory
must be on storage every node reads, as the output directory already is
(docs/scaling.md).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

#: The exchange directory's name inside the output directory.
EXCHANGE = ".exchange"


def exchange_dir(out_dir: str | os.PathLike) -> Path:
    """The run's exchange directory (created empty; a leftover of a failed run goes)."""
    path = Path(out_dir) / EXCHANGE
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)
    return path


def remove(path: str | os.PathLike) -> None:
    """Delete an exchange directory and whatever is left in it."""
    shutil.rmtree(path, ignore_errors=True)


def send(directory: str | os.PathLike, stage: str, sender: str,
         frames: Iterable[pd.DataFrame | None]) -> list[str | None]:
    """Write ``frames[q]`` to ``directory/stage/<q>/<sender>.arrow``, for every ``q`` with
    rows; returns each file's path (``None`` where there was nothing to send). The file
    appears whole or not at all (written under a temporary name, then renamed)."""
    paths: list[str | None] = []
    for q, frame in enumerate(frames):  # an iterable: one table cut and written at a time
        if frame is None or not len(frame):
            paths.append(None)
            continue
        path = Path(directory) / stage / f"{q:05d}" / f"{sender}.arrow"
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.tmp")
        table = pa.Table.from_pandas(frame, preserve_index=False)
        with pa.OSFile(str(tmp), "wb") as sink, pa.ipc.new_file(sink, table.schema) as writer:
            writer.write_table(table)
        del table
        os.replace(tmp, path)
        paths.append(str(path))
        frame = None  # not held while the next piece is cut
    return paths


def receive(paths: Sequence[str | None], tag: str | None = None) -> pd.DataFrame | None:
    """The tables at ``paths`` (``None``: nothing sent) as one, in that order; each file
    deleted once read. With ``tag``, a column of that name says which entry of ``paths``
    each row came from (int32). ``None`` when nothing was sent at all."""
    tables = []
    for k, path in enumerate(paths):
        if path is None:
            continue
        with pa.OSFile(path, "rb") as source:
            table = pa.ipc.open_file(source).read_all()
        if tag is not None:
            table = table.append_column(tag, pa.array(np.full(len(table), k, np.int32)))
        tables.append(table)
        os.unlink(path)
    if not tables:
        return None
    table = pa.concat_tables(tables, promote_options="permissive")  # no copy: chunks
    del tables
    # Column by column, each Arrow buffer freed once converted: not both copies at once.
    return table.to_pandas(split_blocks=True, self_destruct=True)
