"""``ffd benchmark``: options reach the benchmark module's ``main(argv)``."""

from __future__ import annotations

import types

from click.testing import CliRunner

from training import benchmark
from training.cli import main


def test_options_are_passed_on(monkeypatch):
    seen = {}
    fake = types.SimpleNamespace(main=lambda argv: seen.setdefault("argv", argv))
    monkeypatch.setattr(benchmark.importlib, "import_module",
                        lambda name: seen.setdefault("module", name) and fake)
    result = CliRunner().invoke(main, ["benchmark", "cresci-2015", "--seeds", "2",
                                       "--threads", "1", "--out", "x.md"])
    assert result.exit_code == 0, result.output
    assert seen == {"module": "benchmarks.cresci",
                    "argv": ["--seeds", "2", "--threads", "1", "--out", "x.md"]}


def test_unknown_benchmark_is_refused():
    result = CliRunner().invoke(main, ["benchmark", "imagenet"])
    assert result.exit_code == 2
    assert "cresci-2015" in result.output
