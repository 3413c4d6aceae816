"""``ffd``: the one command-line entry. Each command is a thin wrapper over a function.

Commands live beside the code they drive and are registered here; importing this
module imports no torch-heavy code until a command runs.
"""

from __future__ import annotations

import sys

import click

from detector.errors import DetectorError, GraphValidationError


class _Group(click.Group):
    """Turns our own errors into one clear message and exit status 2, never a traceback."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except GraphValidationError as exc:
            click.echo(f"error: {exc.title}:", err=True)
            for issue in exc.errors:
                click.echo(f"  {issue}", err=True)
            sys.exit(2)
        except DetectorError as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(2)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="fake-follower-detector")
def main() -> None:
    """Detect bought and mass followers in account graphs."""


@main.command("validate")
@click.argument("path")
def validate_command(path: str) -> None:
    """Check a graph file, a data-set directory or a data-set name (cresci-2015,
    instafake) against the account-graph/1 contract."""
    from training.datasets import load_any

    graph = load_any(path)
    for warning in graph.warnings:
        click.echo(f"warning: {warning}", err=True)
    click.echo(f"ok: {graph.summary()}")


# Commands defined next to the code they drive (one line each).
from api.serve import serve_command  # noqa: E402

main.add_command(serve_command)
from training.default_model import default_model_command  # noqa: E402
from training.evaluate import evaluate_command  # noqa: E402
from training.score import score_command  # noqa: E402
from training.train import train_command  # noqa: E402

for _command in (train_command, evaluate_command, score_command, default_model_command):
    main.add_command(_command)
from training.simulator.cli import generate_command  # noqa: E402

main.add_command(generate_command)
from training.benchmark import benchmark_command  # noqa: E402

main.add_command(benchmark_command)
from training.import_command import import_command  # noqa: E402

main.add_command(import_command)
from store.cli import db_command, keys_command  # noqa: E402
from training.audit_command import audit_command  # noqa: E402

main.add_command(db_command)
main.add_command(keys_command)
main.add_command(audit_command)
