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


def test_seeds_reach_the_transfer_benchmark_and_default_to_its_own(monkeypatch):
    calls = []
    fake = types.SimpleNamespace(main=calls.append)
    monkeypatch.setattr(benchmark.importlib, "import_module", lambda name: fake)
    for args in (["transfer", "--seeds", "2"], ["transfer"], ["cresci-2015"]):
        result = CliRunner().invoke(main, ["benchmark", *args])
        assert result.exit_code == 0, result.output
    assert calls == [["--seeds", "2"], [], []]
