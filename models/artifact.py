"""The saved-model directory: ``weights.safetensors`` + ``model.json``, written atomically.

- Weights are safetensors (a flat tensor table; loading runs no code, unlike pickle).
- ``model.json`` holds everything else, including the SHA-256 and size of every other
  file and a SHA-256 of its own canonical content (``metadata_sha256``), so a truncated,
  corrupted or swapped file is refused at load, naming the file.
- The directory is built under a temporary name beside the target and renamed into
  place, so a crash or Ctrl-C never leaves a half-written model where a server loads one.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import orjson
import torch
from safetensors import SafetensorError
from safetensors.torch import load_file, save_file

from detector.errors import ModelFileError
from detector.io import usual_mode
from models.files import FORMAT, METADATA, WEIGHTS, metadata_digest, sha256_file, verify_model_files


def write_model_dir(directory: str | os.PathLike, tensors: dict[str, torch.Tensor],
                    metadata: dict[str, Any]) -> Path:
    """Write weights and metadata into ``directory``, replacing any model there.

    The files go to a fresh temporary directory next to ``directory`` (same file system),
    are flushed to disk, and the temporary directory is renamed onto ``directory``.
    """
    target = Path(directory).absolute()
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}.tmp-"))
    try:
        weights = tmp / WEIGHTS
        save_file({k: v.detach().contiguous().cpu() for k, v in tensors.items()}, str(weights))
        meta = dict(metadata, format=FORMAT)
        meta["files"] = {WEIGHTS: {"sha256": sha256_file(weights),
                                   "bytes": weights.stat().st_size}}
        meta["metadata_sha256"] = metadata_digest(meta)
        (tmp / METADATA).write_bytes(orjson.dumps(meta, option=orjson.OPT_INDENT_2))
        for path in (weights, tmp / METADATA):
            with open(path, "rb") as fh:
                os.fsync(fh.fileno())
            usual_mode(path)
        usual_mode(tmp, directory=True)
        _swap_into_place(tmp, target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return target


def _swap_into_place(tmp: Path, target: Path) -> None:
    """Rename ``tmp`` onto ``target``; an existing model is moved aside first (a
    directory cannot be renamed over a non-empty one), put back if the second rename
    fails, and removed afterwards."""
    old = None
    if target.exists():
        old = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}.old-"))
        os.replace(target, old / "model")
    try:
        os.replace(tmp, target)
    except BaseException:
        if old is not None:
            os.replace(old / "model", target)
            old.rmdir()
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def read_model_dir(directory: str | os.PathLike) -> tuple[dict[str, Any], dict[str, torch.Tensor]]:
    """Read and verify a model directory: ``(metadata, tensors)``.

    Raises:
        ModelFileError: a file is missing, unreadable, truncated, corrupted, or the model
            was trained under another feature schema; the message names the file.
    """
    metadata = verify_model_files(directory)
    weights = Path(directory) / WEIGHTS
    try:
        tensors = load_file(str(weights))
    except (SafetensorError, OSError, ValueError) as exc:
        raise ModelFileError(f"{weights}: not a readable safetensors file ({exc})") from None
    return metadata, tensors
