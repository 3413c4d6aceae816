"""The source tree of an older commit, unpacked once with ``git archive`` (no worktree, no
change to the repository), so "before" and "after" run on the same machine, same load."""

from __future__ import annotations

import io
import subprocess
import tarfile
from pathlib import Path

from benchmarks.perf.common import CACHE, ROOT

#: The last commit before the hot-path work of issue 7 (features, validation, API).
BASELINE = "aac5580"


def baseline_tree(rev: str = BASELINE) -> Path:
    """Directory holding ``rev``'s files (``detector``, ``models``, ``api``, ...)."""
    full = subprocess.run(["git", "rev-parse", "--short", rev], cwd=ROOT, check=True,
                          capture_output=True, text=True).stdout.strip()
    path = CACHE / f"baseline-{full}"
    if not (path / "detector").is_dir():
        data = subprocess.run(["git", "archive", "--format=tar", full], cwd=ROOT, check=True,
                              capture_output=True).stdout
        path.mkdir(parents=True, exist_ok=True)
        with tarfile.open(fileobj=io.BytesIO(data)) as tar:
            tar.extractall(path, filter="data")
    return path
