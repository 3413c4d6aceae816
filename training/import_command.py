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
    from importers.files import archives_checked
    from importers.output import write

    start = time.perf_counter()
    with archives_checked(_input_files()):
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


def _input_files() -> list[Path]:
    """The running command's input files (its path options and arguments but ``--out``),
    so that a broken archive is named."""
    ctx = click.get_current_context(silent=True)
    params = ctx.params.items() if ctx is not None else ()
    return [v for name, value in params if name != "out"
            for v in (value if isinstance(value, tuple) else (value,))
            if isinstance(v, Path) and v.is_file()]


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


@import_command.command("twitter-v2")
@click.option("--users", multiple=True, type=_FILE,
              help="Users lookup responses (JSON, or JSON lines as twarc2 writes). Repeatable.")
@click.option("--follower-ids", multiple=True, required=True, type=_FILE,
              help="v2 followers pages, v1.1 followers/ids pages or a text file of ids, in "
                   "cursor order, newest first. Repeatable.")
@click.option("--target", required=True, help="The audited account's id (or username).")
@_common
def twitter_v2_command(users: tuple[Path, ...], follower_ids: tuple[Path, ...], target: str,
                       out: Path, observed_at: str | None) -> None:
    """Twitter/X API v2 users lookups and follower lists."""
    from importers.twitter_v2 import TwitterV2Files, import_twitter_v2

    files = TwitterV2Files(users=users, follower_ids=follower_ids, target=target)
    _run(lambda: import_twitter_v2(files, _options(observed_at)), out)


def _mapping(ctx: click.Context, param: click.Parameter, values: tuple[str, ...]) -> dict:
    out = {}
    for value in values:
        field, sep, column = value.partition("=")
        if not sep or not field.strip() or not column:
            raise click.BadParameter(f"{value!r}: expected FIELD=COLUMN, e.g. followers=Followers")
        out[field.strip()] = column
    return out


@import_command.command("instagram")
@click.option("--followers", required=True, type=_FILE,
              help="CSV export of the follower list (one row per follower).")
@click.option("--map", "columns", multiple=True, callback=_mapping, metavar="FIELD=COLUMN",
              help="Read FIELD from COLUMN, e.g. --map followers=Followers --map "
                   "username='User Name'. Repeatable.")
@click.option("--profiles", multiple=True, type=_FILE_OR_DIR,
              help="Instaloader profile JSON files (.json, .json.xz) or folders. Repeatable.")
@click.option("--oldest-first", is_flag=True, help="The CSV lists the oldest follower first.")
@click.option("--target", required=True, help="The audited account's username.")
@_common
def instagram_command(followers: Path, columns: dict, profiles: tuple[Path, ...],
                      oldest_first: bool, target: str, out: Path,
                      observed_at: str | None) -> None:
    """Instagram follower CSV exports of scraping tools, with Instaloader profiles."""
    from importers.instagram import InstagramFiles, import_instagram

    try:
        files = InstagramFiles(followers=followers, target=target, profiles=profiles,
                               columns=columns, oldest_first=oldest_first)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--map") from None
    _run(lambda: import_instagram(files, _options(observed_at)), out)


@import_command.command("instagram-export")
@click.argument("paths", nargs=-1, required=True, type=_FILE_OR_DIR)
@click.option("--target", required=True, help="The exporting account's username.")
@_common
def instagram_export_command(paths: tuple[Path, ...], target: str, out: Path,
                             observed_at: str | None) -> None:
    """Instagram's own "Download your information" JSON (the folder, or its
    followers_N.json and following.json)."""
    from importers.instagram_export import InstagramExportFiles, import_instagram_export

    files = InstagramExportFiles(paths=paths, target=target)
    _run(lambda: import_instagram_export(files, _options(observed_at)), out)


@import_command.command("bluesky")
@click.option("--records", multiple=True, type=_FILE,
              help="Repo records (listRecords pages or {uri, cid, value} lines): follows, "
                   "profiles, starter packs. Repeatable.")
@click.option("--followers", multiple=True, type=_FILE,
              help="app.bsky.graph.getFollowers pages in cursor order. Repeatable.")
@click.option("--profiles", multiple=True, type=_FILE,
              help="app.bsky.actor.getProfiles (or getProfile) answers. Repeatable.")
@click.option("--target", required=True, help="The audited account's DID (or handle).")
@_common
def bluesky_command(records: tuple[Path, ...], followers: tuple[Path, ...],
                    profiles: tuple[Path, ...], target: str, out: Path,
                    observed_at: str | None) -> None:
    """Bluesky follow records, profiles and follower pages."""
    from importers.bluesky import BlueskyFiles, import_bluesky

    if not records and not followers:
        raise click.UsageError("give the followers: --records (follow records) and/or "
                               "--followers (getFollowers pages)")
    files = BlueskyFiles(target=target, records=records, followers=followers, profiles=profiles)
    _run(lambda: import_bluesky(files, _options(observed_at)), out)
