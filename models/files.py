"""A saved model's files, checked without torch: ``model.json``'s format, keys, own
digest and feature schema, and the size and SHA-256 of every file it lists.

``models.artifact`` reads and writes whole model directories (torch, safetensors); the
Ray engine's driver, which never imports torch, verifies a model here before it starts
any part, so a damaged weights file fails at once and not after the shuffles.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any

import orjson

from detector.errors import ModelFileError
from detector.feature_table import FEATURE_NAMES, FEATURE_SCHEMA_VERSION

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


def metadata_digest(metadata: dict[str, Any]) -> str:
    body = {k: v for k, v in metadata.items() if k != "metadata_sha256"}
    return hashlib.sha256(orjson.dumps(body, option=orjson.OPT_SORT_KEYS)).hexdigest()


def verify_model_files(directory: str | os.PathLike) -> dict[str, Any]:
    """``model.json`` of a model directory whose every file checks out.

    Raises:
        ModelFileError: a file is missing, unreadable, truncated, corrupted, or the model
            was trained under another feature schema; the message names the file.
    """
    root = Path(directory)
    if not root.is_dir():
        raise ModelFileError(f"{root}: no model directory here (train one with `ffd train`)")
    meta_path = root / METADATA
    metadata = read_metadata(meta_path)
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
    if WEIGHTS not in metadata["files"]:
        raise ModelFileError(f"{meta_path}: does not list {WEIGHTS}")
    return metadata


def read_metadata(path: Path) -> dict[str, Any]:
    """``model.json`` checked on its own: format, keys, digest and feature schema."""
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
    if metadata["metadata_sha256"] != metadata_digest(metadata):
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
