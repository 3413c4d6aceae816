"""What every benchmark shares: child processes that report JSON and their own peak
memory, medians, the machine and library versions, and the cached input graphs.

Peak resident memory is only meaningful per process, so every measurement that reports
it runs in a fresh child (``run_child``); ``os.wait4`` returns the child's own
``ru_maxrss``, which covers everything it allocated (numpy, torch, Arrow).
"""

from __future__ import annotations

import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

import orjson

ROOT = Path(__file__).resolve().parents[2]
#: Cached simulated graphs and the benchmark's model (``var/`` is not committed).
CACHE = ROOT / "var" / "bench"
#: Libraries whose versions the report names.
LIBRARIES = ("numpy", "pandas", "pyarrow", "torch", "torch-geometric", "networkx", "orjson",
             "flask", "gunicorn", "ray")
#: A child prints exactly one line starting with this, followed by its JSON result.
RESULT_PREFIX = "@@result "


@dataclass
class ChildResult:
    """A child's JSON result with its wall time and peak resident memory."""

    value: Any
    seconds: float
    peak_rss_mb: float


class ChildError(RuntimeError):
    """A benchmark child failed; the message carries the end of its output."""


def emit(value: Any) -> None:
    """Report ``value`` from inside a child (the parent reads it with ``run_child``)."""
    sys.stdout.write(RESULT_PREFIX + orjson.dumps(value, option=orjson.OPT_SERIALIZE_NUMPY)
                     .decode() + "\n")
    sys.stdout.flush()


def run_child(args: Sequence[str], *, env: dict[str, str] | None = None,
              cwd: str | os.PathLike | None = None, timeout: float = 3_600) -> ChildResult:
    """Run ``args`` (a command line) and return its reported result, wall time and peak RSS.

    Raises:
        ChildError: the command failed, timed out or reported nothing.
    """
    full_env = {**os.environ, **(env or {})}
    start = time.perf_counter()
    with open(os.devnull, "rb") as stdin:
        proc = subprocess.Popen(list(args), stdin=stdin, stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, env=full_env, cwd=cwd)
    try:
        out, _ = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, _ = proc.communicate()
        raise ChildError(f"{' '.join(args)} timed out after {timeout}s") from None
    # communicate() has reaped the child; its rusage is in RUSAGE_CHILDREN only in total,
    # so the child reports its own peak below when it can, and we fall back to /usr/bin/time.
    seconds = time.perf_counter() - start
    text = out.decode(errors="replace")
    if proc.returncode != 0:
        raise ChildError(f"{' '.join(args)} exited {proc.returncode}:\n{text[-3000:]}")
    value, peak = None, float("nan")
    for line in text.splitlines():
        if line.startswith(RESULT_PREFIX):
            value = orjson.loads(line[len(RESULT_PREFIX):])
        elif line.startswith("@@maxrss_kb "):
            peak = int(line.split()[1]) / 1024
    return ChildResult(value, seconds, peak)


def measured_command(args: Sequence[str], **kwargs: Any) -> ChildResult:
    """Run a plain command (``ffd score ...``) and measure its wall time and peak RSS.

    The command runs under ``benchmarks.perf.rss``, which execs it and prints the peak
    resident memory of the whole process tree it waited for (``os.wait4``).
    """
    # The venv's console scripts (``ffd``) import the checkout the venv was installed from;
    # PYTHONPATH puts this checkout first (another worktree may share the venv).
    path = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    env = {"PYTHONPATH": path, **(kwargs.pop("env", None) or {})}
    return run_child([sys.executable, "-m", "benchmarks.perf.rss", *args], cwd=ROOT, env=env,
                     **kwargs)


def python_child(module: str, *args: str, **kwargs: Any) -> ChildResult:
    """Run ``python -m benchmarks.perf.<module> args`` from the repository root."""
    return measured_command([sys.executable, "-m", f"benchmarks.perf.{module}", *args],
                            **kwargs)


def median(values: Sequence[float]) -> float:
    return float(statistics.median(values)) if values else float("nan")


def load_average() -> list[float]:
    """1, 5 and 15-minute load averages (runnable processes; 2.0 fills 2 cores)."""
    return [round(v, 2) for v in os.getloadavg()]


def machine() -> dict[str, Any]:
    """CPU, cores, memory, OS, Python and library versions, and the git commit."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    import psutil

    versions = {}
    for name in LIBRARIES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gb": round(psutil.virtual_memory().total / 2**30, 1),
        "os": platform.platform(),
        "python": platform.python_version(),
        "libraries": versions,
        "commit": _git("rev-parse", "--short", "HEAD"),
        "dirty": bool(_git("status", "--porcelain", "--untracked-files=no")),
    }


def _git(*args: str) -> str:
    try:
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True,
                              check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return ""
