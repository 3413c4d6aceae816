"""Platform exports uploaded as files: ``POST /v1/import/{format}`` answers the
``account-graph/1`` document the importers make of them (docs/importers.md), and
``POST /v1/audit/import/{format}`` the audit of its target, as ``/v1/audit`` would.

Formats and their multipart fields (files may be gzip- or xz-compressed):

- ``twitter-v1``: files ``users`` (v1.1 user objects, JSON lines; any number) and
  ``follower_ids`` (``followers/ids`` pages or a text file of ids, newest first, in
  cursor order; at least one); fields ``target`` and optional ``observed_at``.
- ``instagram``: file ``followers`` (the follower CSV of a scraping tool) and optional
  ``profiles`` (Instaloader profile JSON files); fields ``target``, optional
  ``observed_at``, ``oldest_first`` (``true``/``false``) and ``map`` (``FIELD=COLUMN``,
  repeatable).

Limits, cheapest first: the body (``MAX_BODY_BYTES``, 413 while reading), the memory
importing would take (each format's measured bytes per decompressed input byte, against
``MAX_REQUEST_MEMORY``: 413 before the import; compressed files are measured by
streaming them, so a small archive of a huge file is refused), then the imported graph's
accounts and edges (``MAX_ACCOUNTS``, ``MAX_EDGES`` and the scoring memory, 413). Bad
files are 422 ``invalid-import`` problems naming each file (by its uploaded name) and line.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from flask import Blueprint, Response, current_app, request
from werkzeug.datastructures import FileStorage

from api import budget
from api.audit import MAX_LIMIT, audit_response, auditing_model
from api.auth import protect
from api.body import check_graph_size
from api.params import int_param
from api.problems import Problem
from api.scoring import json_response
from api.timing import stage
from detector.audit import AuditConfig
from detector.errors import Issue
from detector.graph import AccountGraph
from importers import (
    ImportOptions,
    InputError,
    InstagramFiles,
    TwitterV1Files,
    import_instagram,
    import_twitter_v1,
)
from importers.audience import Imported
from importers.files import archives_checked, open_binary
from importers.output import check, document

bp = protect(Blueprint("imports", __name__))
FORMAT_PATH = '<any("twitter-v1", "instagram"):format>'


@dataclass(frozen=True)
class UploadFormat:
    """One importer offered as an upload: its file fields and how to run it."""

    files: dict[str, tuple[bool, str]]  # field -> (required, what it holds)
    fields: dict[str, str]  # form field -> what it holds
    price: int  # bytes of memory per decompressed input byte (measured, module docstring)
    run: Callable[[dict[str, list[Path]], ImportOptions], Imported]


def _twitter_v1(files: dict[str, list[Path]], options: ImportOptions) -> Imported:
    given = TwitterV1Files(users=tuple(files.get("users", ())),
                           follower_ids=tuple(files["follower_ids"]), target=_form("target"))
    return import_twitter_v1(given, options)


def _instagram(files: dict[str, list[Path]], options: ImportOptions) -> Imported:
    if len(files["followers"]) > 1:
        raise _bad("followers", "give one follower CSV file")
    oldest = request.form.get("oldest_first", "false").strip().lower()
    if oldest not in ("true", "false", ""):
        raise _bad("oldest_first", f"must be true or false, got {oldest[:20]!r}")
    columns = {}
    for value in request.form.getlist("map"):
        field, sep, column = value.partition("=")
        if not sep or not field.strip() or not column:
            raise _bad("map", f"{value[:60]!r}: expected FIELD=COLUMN, e.g. followers=Followers")
        columns[field.strip()] = column
    try:
        given = InstagramFiles(followers=files["followers"][0], target=_form("target"),
                               profiles=tuple(files.get("profiles", ())), columns=columns,
                               oldest_first=oldest == "true")
    except ValueError as exc:
        raise _bad("map", str(exc)) from None
    return import_instagram(given, options)


#: Measured peak memory per decompressed input byte: twitter-v1 5.0x (100,000 users,
#: 33 MB) to 7.1x (20,000); an instagram CSV 19.8x (100,000 rows, 7.5 MB).
FORMATS = {
    "twitter-v1": UploadFormat(
        files={"users": (False, "v1.1 user objects, JSON lines"),
               "follower_ids": (True, "followers/ids pages or ids one per line, newest "
                                      "first, in cursor order")},
        fields={"target": "the audited account's id or screen_name"},
        price=8, run=_twitter_v1),
    "instagram": UploadFormat(
        files={"followers": (True, "the follower CSV export"),
               "profiles": (False, "Instaloader profile JSON files")},
        fields={"target": "the audited account's username",
                "oldest_first": "true when the CSV lists the oldest follower first",
                "map": "FIELD=COLUMN, repeatable"},
        price=24, run=_instagram),
}


@bp.post(f"/v1/import/{FORMAT_PATH}")
def import_endpoint(format: str) -> Response:
    """The ``account-graph/1`` document of the uploaded export (with ``rank`` on the
    target's follows and the importer's warnings under ``warnings``)."""
    imported, graph, warnings = imported_graph(format)
    doc = document(imported, graph)
    return json_response({**doc, "warnings": [w.to_dict() for w in warnings + graph.warnings]})


@bp.post(f"/v1/audit/import/{FORMAT_PATH}")
def audit_import_endpoint(format: str) -> Response:
    """The audit of the uploaded export's target; the importer's warnings come first."""
    limit = int_param("limit", AuditConfig.top, 0, MAX_LIMIT)
    model = auditing_model()
    _, graph, warnings = imported_graph(format)
    return audit_response(graph, model, limit, warnings)


def imported_graph(fmt: str) -> tuple[Imported, AccountGraph, list[Issue]]:
    """Import the uploaded files of format ``fmt``: the importer's result, the validated
    graph (ranks kept, follow times estimated; its own warnings in ``graph.warnings``)
    and the importer's warnings, with the uploaded file names in place of the server's
    temporary paths."""
    spec = FORMATS[fmt]
    uploads = _uploads(spec)
    observed = request.form.get("observed_at", "").strip() or None
    try:
        options = ImportOptions(observed_at=observed)
    except ValueError as exc:
        raise _bad("observed_at", str(exc).removeprefix("observed_at "), status=422) from None
    with tempfile.TemporaryDirectory(prefix="ffd-import-") as tmp:
        paths, names = _save(uploads, Path(tmp))
        try:
            _check_memory(paths, spec.price)
            with stage("import"):
                imported = _run(spec, paths, options)
                graph = check(imported)[0]
        except InputError as exc:
            errors = [_renamed(i, names) for i in exc.errors]
            raise Problem("invalid-import", f"{len(errors)} problem"
                          f"{'s' if len(errors) != 1 else ''} found in the files",
                          errors=errors) from None
        warnings = [_renamed(i, names) for i in imported.warnings]
    check_graph_size(graph)
    budget.check_counts(graph.num_accounts, graph.num_edges)
    return imported, graph, warnings


def _run(spec: UploadFormat, paths: dict[str, list[Path]], options: ImportOptions) -> Imported:
    """The importer; a broken archive it meets is an ``InputError`` (it meets one only
    when ``_check_memory`` did not read the files first: no memory limit set)."""
    with archives_checked(p for files in paths.values() for p in files):
        return spec.run(paths, options)


def _uploads(spec: UploadFormat) -> dict[str, list[FileStorage]]:
    if request.mimetype != "multipart/form-data":
        raise Problem("unsupported-media-type", "expected a multipart/form-data upload, got "
                      f"{request.mimetype or 'none'}")
    out = {name: [f for f in request.files.getlist(name) if f.filename]
           for name in spec.files}
    missing = [Issue(name, f"is required: {what}")
               for name, (required, what) in spec.files.items() if required and not out[name]]
    if not _form("target"):
        missing.append(Issue("target", f"is required: {spec.fields['target']}"))
    if missing:
        raise Problem("bad-request", "; ".join(f"{i.path} {i.message}" for i in missing),
                      errors=missing)
    return {name: files for name, files in out.items() if files}


def _save(uploads: dict[str, list[FileStorage]],
          tmp: Path) -> tuple[dict[str, list[Path]], dict[str, str]]:
    """Each upload under its own folder; the display name of each saved path (the
    uploaded file name, with the field and number when two share a name)."""
    paths: dict[str, list[Path]] = {}
    names: dict[str, str] = {}
    given = [f.filename for files in uploads.values() for f in files]
    for field, files in uploads.items():
        for k, upload in enumerate(files):
            name = Path(upload.filename or field).name[:200] or field
            folder = tmp / f"{field}-{k}"
            folder.mkdir()
            path = folder / name
            upload.save(path)
            paths.setdefault(field, []).append(path)
            names[str(path)] = name if given.count(upload.filename) == 1 \
                else f"{name} ({field} #{k + 1})"
    return paths, names


def _check_memory(paths: dict[str, list[Path]], price: int) -> None:
    """413 when importing would need more than ``MAX_REQUEST_MEMORY``: decompressed
    sizes are counted by streaming, and the count stops at the limit. A file that cannot
    be decompressed (cut short, not really gzip or xz) is an ``InputError`` naming it."""
    limit = current_app.config.get("MAX_REQUEST_MEMORY")
    if limit is None:
        return
    allowed = int(limit) // price
    total = 0
    for path in (p for files in paths.values() for p in files):
        with archives_checked([path]), open_binary(path) as fh:
            while chunk := fh.read(1 << 20):
                total += len(chunk)
                if total > allowed:
                    message = (f"importing these files (over {allowed / budget.MB:,.0f} MB "
                               f"once decompressed) would need more than the "
                               f"{int(limit) / budget.MB:,.0f} MB this server allows per "
                               "request (FFD_MAX_REQUEST_MEMORY)")
                    raise Problem("too-large", message, errors=[Issue("", message)])


def _renamed(issue: Issue, names: dict[str, str]) -> Issue:
    path, message = issue.path, issue.message
    for tmp, name in names.items():
        path, message = path.replace(tmp, name), message.replace(tmp, name)
    return Issue(path, message)


def _form(name: str) -> str:
    return request.form.get(name, "").strip()


def _bad(name: str, message: str, status: int = 400) -> Problem:
    kind = "bad-request" if status == 400 else "invalid-import"
    return Problem(kind, f"{name}: {message}", errors=[Issue(name, message)])
