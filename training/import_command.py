"""``ffd import FORMAT ... --out GRAPH``: platform exports -> ``account-graph/1`` files.

One thin command per format over the importable functions of ``importers``
(docs/importers.md). Errors in the input are ``InputError``s naming file and line, which
the ``ffd`` group prints one per line with exit status 2; nothing is written then.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

_FILE = click.Path(exists=True, dir_okay=False, path_type=Path)
_FILE_OR_DIR = click.Path(exists=True, path_type=Path)


def _common(command: Callable[..., Any]) -> Callable[..., Any]:
    """The options every format takes: the output and the observation time."""
    command = click.option(
        "--observed-at", default=None, metavar="TIME",
        help="When the data were collected (ISO 8601) [default: the newest time stamp in "
             "the data, else now].")(command)
    return click.option(
        "--out", required=True, type=click.Path(path_type=Path),
        help="*.json / *.json.gz for a document, anything else for a Parquet directory.",
    )(command)


def _options(observed_at: str | None):
    from importers.audience import ImportOptions

    try:
        return ImportOptions(observed_at=observed_at)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--observed-at") from None


def _run(read: Callable[[], Any], out: Path) -> None:
    """Import, print the warnings, write atomically and say what was written."""
    from importers.output import write

    start = time.perf_counter()
    imported = read()
    read_s = time.perf_counter() - start
    for warning in imported.warnings:
        click.echo(f"warning: {warning}", err=True)
    path, graph = write(imported, out)
    total = time.perf_counter() - start
    stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(graph.observed_at))
    click.echo(f"wrote {path}: {imported.summary()}; observed_at {stamp}; "
               f"{len(imported.warnings)} warnings; read and checked in {read_s:.1f}s, "
               f"{total:.1f}s with writing")


@click.group("import")
def import_command() -> None:
    """Turn platform exports into an account-graph/1 file (docs/importers.md)."""


@import_command.command("twitter-v1")
@click.option("--users", multiple=True, type=_FILE,
              help="JSON lines (.gz too) of v1.1 user objects. Repeatable.")
@click.option("--follower-ids", multiple=True, required=True, type=_FILE,
              help="followers/ids pages in cursor order, or a text file of one id per line; "
                   "newest first. Repeatable.")
@click.option("--target", required=True, help="The audited account's id (or screen_name).")
@_common
def twitter_v1_command(users: tuple[Path, ...], follower_ids: tuple[Path, ...], target: str,
                       out: Path, observed_at: str | None) -> None:
    """Twitter/X API v1.1 user objects and follower ids."""
    from importers.twitter_v1 import TwitterV1Files, import_twitter_v1

    files = TwitterV1Files(users=users, follower_ids=follower_ids, target=target)
    _run(lambda: import_twitter_v1(files, _options(observed_at)), out)
