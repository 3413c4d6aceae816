"""``ffd benchmark NAME``: run a real-data benchmark from ``benchmarks/``.

The benchmarks live in the source checkout (``benchmarks/``), not in the installed
package, so this command finds them beside the package directory and says so plainly
when they are absent.
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

import click

from detector.errors import DetectorError

_ROOT = Path(__file__).resolve().parents[1]
#: Benchmark name -> module that runs it (``main(argv)``).
BENCHMARKS = {"cresci-2015": "benchmarks.cresci", "transfer": "benchmarks.transfer"}


def run_benchmark(name: str, argv: list[str]) -> None:
    """Import the benchmark module of ``name`` and run its ``main(argv)``."""
    if not (_ROOT / "benchmarks").is_dir():
        raise DetectorError(f"benchmarks/ not found beside {_ROOT / 'training'}: "
                            "benchmarks run from a source checkout")
    if str(_ROOT) not in sys.path:
        sys.path.insert(0, str(_ROOT))
    importlib.import_module(BENCHMARKS[name]).main(argv)


@click.command("benchmark")
@click.argument("name", type=click.Choice(sorted(BENCHMARKS)))
@click.option("--seeds", type=click.IntRange(min=1), default=None,
              help="cresci-2015: seeds per row (default 5); transfer: world seeds the "
                   "default design is trained on, the shipped one first (default 3).")
@click.option("--model", "model_dir", type=click.Path(file_okay=False, exists=True),
              default=None, help="transfer: score this model instead of training the default.")
@click.option("--threads", type=click.IntRange(min=1), default=None,
              help="Torch threads (default: one per core).")
@click.option("--out", type=click.Path(dir_okay=False), default=None,
              help="Markdown file to write (default: docs/benchmarks.md, docs/transfer.md).")
def benchmark_command(name: str, seeds: int | None, model_dir: str | None, threads: int | None,
                      out: str | None) -> None:
    """Run a real-data benchmark and write its table: cresci-2015 (models trained on
    Cresci-2015's own split) or transfer (the default model zero-shot on every real set,
    docs/transfer.md)."""
    argv = [] if seeds is None else ["--seeds", str(seeds)]
    if model_dir and name == "transfer":
        argv += ["--model", model_dir]
    if threads:
        argv += ["--threads", str(threads)]
    if out:
        argv += ["--out", out]
    run_benchmark(name, argv)
