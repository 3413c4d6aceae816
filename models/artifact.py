"""The saved-model directory: ``weights.safetensors`` + ``model.json``, written atomically.

- Weights are safetensors (a flat tensor table; loading runs no code, unlike pickle).
- ``model.json`` holds everything else, including the SHA-256 and size of every other
  file and a SHA-256 of its own canonical content (``metadata_sha256``), so a truncated,
  corrupted or swapped file is refused at load, naming the file.
- The directory is built under a temporary name beside the target and renamed into
  place, so a crash or Ctrl-C never leaves a half-written model where a server loads one.
"""

from __future__ import annotations

import hashlib
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
from detector.features import FEATURE_NAMES, FEATURE_SCHEMA_VERSION

FORMAT = "ffd-model/1"
WEIGHTS = "weights.safetensors"
METADATA = "model.json"
#: Keys ``model.json`` must have; the estimator reads each of them.
REQUIRED = ("format", "id", "model", "classes", "feature_schema_version", "feature_names",
            "normalisation", "temperature", "files", "metadata_sha256")


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _metadata_digest(metadata: dict[str, Any]) -> str:
    body = {k: v for k, v in metadata.items() if k != "metadata_sha256"}
    return hashlib.sha256(orjson.dumps(body, option=orjson.OPT_SORT_KEYS)).hexdigest()


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
        meta["metadata_sha256"] = _metadata_digest(meta)
        (tmp / METADATA).write_bytes(orjson.dumps(meta, option=orjson.OPT_INDENT_2))
        for path in (weights, tmp / METADATA):
            with open(path, "rb") as fh:
                os.fsync(fh.fileno())
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
    root = Path(directory)
    if not root.is_dir():
        raise ModelFileError(f"{root}: no model directory here (train one with `ffd train`)")
    meta_path = root / METADATA
    metadata = _read_metadata(meta_path)
    for name, expected in metadata["files"].items():
        if Path(name).name != name or not isinstance(expected, dict):
            raise ModelFileError(f"{meta_path}: bad file entry {name!r}")
        path = root / name
        if not path.is_file():
            raise ModelFileError(f"{path}: missing (listed in {METADATA})")
        size = path.stat().st_size
        if size != expected.get("bytes"):
            raise ModelFileError(f"{path}: {size} bytes, expected {expected.get('bytes')} "
                                 "(truncated or replaced)")
        if sha256_file(path) != expected.get("sha256"):
            raise ModelFileError(
                f"{path}: SHA-256 does not match {METADATA} (corrupted or replaced)")
    weights = root / WEIGHTS
    if WEIGHTS not in metadata["files"]:
        raise ModelFileError(f"{meta_path}: does not list {WEIGHTS}")
    try:
        tensors = load_file(str(weights))
    except (SafetensorError, OSError, ValueError) as exc:
        raise ModelFileError(f"{weights}: not a readable safetensors file ({exc})") from None
    return metadata, tensors


def _read_metadata(path: Path) -> dict[str, Any]:
    if not path.is_file():
        raise ModelFileError(f"{path}: missing; not a saved model directory")
    try:
        metadata = orjson.loads(path.read_bytes())
    except (orjson.JSONDecodeError, OSError) as exc:
        raise ModelFileError(f"{path}: not readable JSON ({exc})") from None
    if not isinstance(metadata, dict):
        raise ModelFileError(f"{path}: must hold a JSON object")
    if metadata.get("format") != FORMAT:
        raise ModelFileError(f"{path}: format {metadata.get('format')!r}, expected {FORMAT!r}")
    missing = [k for k in REQUIRED if k not in metadata]
    if missing:
        raise ModelFileError(f"{path}: missing keys {', '.join(missing)}")
    if metadata["metadata_sha256"] != _metadata_digest(metadata):
        raise ModelFileError(
            f"{path}: content does not match its metadata_sha256 (edited or corrupted)")
    version = metadata["feature_schema_version"]
    if version != FEATURE_SCHEMA_VERSION or metadata["feature_names"] != list(FEATURE_NAMES):
        raise ModelFileError(
            f"{path}: trained on feature schema version {version}, this code computes "
            f"version {FEATURE_SCHEMA_VERSION}; retrain the model (`ffd train`)"
        )
    if not isinstance(metadata["files"], dict):
        raise ModelFileError(f"{path}: 'files' must map file names to their SHA-256")
    return metadata
