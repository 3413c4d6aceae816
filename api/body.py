"""Request body -> validated ``AccountGraph``, refusing bad input before heavy work.

Order of checks, cheapest first: content type (415), size (413, enforced by Flask's
``MAX_CONTENT_LENGTH`` while reading), the memory parsing would take (413, see
``api.budget``), strict JSON with orjson (400), the account and edge counts against
``MAX_ACCOUNTS`` / ``MAX_EDGES`` and the memory scoring would take (413, before any
validation), then the full contract validation (422 naming every problem). A well-typed
``account-graph/1`` body is decoded and validated by ``detector.typed`` first (about 30%
faster); anything it does not accept takes the general path, which words the problems.
"""

from __future__ import annotations

import zlib
from typing import Any

from flask import current_app, request
from werkzeug.exceptions import RequestEntityTooLarge

from api import budget
from api.deferred import release_later
from api.problems import Problem
from api.timing import stage
from detector.errors import Issue
from detector.graph import AccountGraph
from detector.io import parse_json
from detector.typed import build, decode
from detector.validate import parse_graph

#: Well-typed bodies up to this size have their decoded document freed after the
#: response is sent (``api.deferred``): 0.7 to 1.1 ms of a 1 MB audit that the client
#: need not wait for. The document then stays in memory while the graph is scored: 3 MB
#: for the 1 MB audit (msgspec structs), so at most about 6 MB here. A larger document
#: is freed before scoring, as before, so a big request's peak memory stays what
#: ``api.budget`` prices (parsing, then scoring, not both at once). The general path's
#: dicts take several times the memory of the structs, and always go before scoring.
RELEASE_LATER_BYTES = 2 * 1024 * 1024


def is_json(mimetype: str) -> bool:
    """``application/json`` or any ``application/<something>+json``."""
    return mimetype == "application/json" or (
        mimetype.startswith("application/") and mimetype.endswith("+json")
    )


def read_graph() -> AccountGraph:
    """The posted graph, validated; raises ``Problem`` or ``GraphValidationError``."""
    if not is_json(request.mimetype):
        shown = request.mimetype or "none"
        raise Problem("unsupported-media-type",
                      f"expected Content-Type: application/json, got {shown}")
    with stage("read"):
        data = read_body()
    budget.check_parse(data)
    with stage("parse"):
        typed = decode(data)  # the common, well-typed document (detector.typed)
    if typed is not None:
        if len(data) <= RELEASE_LATER_BYTES:
            release_later(typed)
        check_limits({"accounts": typed.accounts, "edges": typed.edges})
        budget.check_counts(len(typed.accounts), len(typed.edges))
        with stage("validate"):
            graph = build(typed)
        if graph is not None:
            return graph
    # Everything else, and every refusal, takes the general path: it words the problems.
    with stage("parse"):
        doc = parse_json(data)
    check_limits(doc)
    budget.check_scoring(doc)
    with stage("validate"):
        return parse_graph(doc)


def read_body() -> bytes:
    """The request body, read in one call when its length is known, and inflated when
    sent with ``Content-Encoding: gzip`` (``inflate``).

    ``request.get_data()`` reads 64 KiB at a time, and gunicorn's reader copies what it
    holds beyond each read into a new buffer every time: each of the 17 reads of a 1 MB
    body copied the rest of it. The ``read`` stage of the 1,000-account audit under
    gunicorn and load went from a p50 of 1.7 ms to 1.0 ms. Asked for the
    whole length, gunicorn reads until it has it. A server that returns less (allowed
    for a raw read) gets the rest read the usual way. Limits and disconnects are
    enforced by werkzeug's stream as before (413, 400), and a chunked body that runs
    past the limit is 413 too (werkzeug would hand over its first bytes).
    """
    coding = content_coding()  # refused before the body is read, as the content type
    length = request.content_length
    if not length:
        data = request.get_data(cache=False)
        limit = request.max_content_length
        # Without a length (chunked), werkzeug stops reading at the limit and says
        # nothing: one byte more in the raw input means the body was cut, not ended.
        if limit is not None and len(data) >= limit and request.environ["wsgi.input"].read(1):
            raise RequestEntityTooLarge()
        return inflate(data, coding)
    data = request.stream.read(length)
    if len(data) < length:
        data += request.stream.read()
    return inflate(data, coding)


def content_coding() -> str:
    """The request's ``Content-Encoding``: ``identity`` (none given) or ``gzip``; any
    other is refused (415, with ``Accept-Encoding: gzip`` as RFC 7694 asks)."""
    coding = request.headers.get("Content-Encoding", "").strip().lower()
    if coding in ("", "identity"):
        return "identity"
    if coding in ("gzip", "x-gzip"):
        return "gzip"
    raise Problem("unsupported-media-type",
                  f"Content-Encoding {coding!r} is not supported; send the body as is or "
                  "gzip-compressed (Content-Encoding: gzip)",
                  headers={"Accept-Encoding": "gzip"})


def inflate(data: bytes, coding: str) -> bytes:
    """The body as sent (``identity``) or gunzipped (``gzip``; several gzip members one
    after the other are read as one body, as ``gunzip`` reads them).
    ``FFD_MAX_BODY_BYTES`` limits the bytes on the wire, ``FFD_MAX_DECODED_BYTES`` the
    inflated body, checked while inflating: a small body that would inflate to
    gigabytes is refused after the limit's worth (413). The memory budget and the
    account and edge limits then judge the inflated body as any other."""
    if coding == "identity":
        return data
    limit = int(current_app.config["MAX_DECODED_BYTES"])
    out, rest = bytearray(), data
    while rest:
        member = zlib.decompressobj(wbits=zlib.MAX_WBITS | 16)  # gzip header and trailer
        try:
            out += member.decompress(rest, limit + 1 - len(out))
        except zlib.error as err:
            raise Problem("bad-request", f"the body is not valid gzip ({err})") from None
        if len(out) > limit:
            raise Problem("too-large", f"the body inflates to more than {limit:,} bytes "
                                       "(FFD_MAX_DECODED_BYTES)")
        if not member.eof:
            raise Problem("bad-request", "the gzip body is cut short (its stream does not end)")
        rest = member.unused_data
    return bytes(out)


def check_limits(doc: Any) -> None:
    """Refuse graphs over the configured account and edge counts (413)."""
    if not isinstance(doc, dict):
        return  # the validator explains what a graph must look like
    node_link = "accounts" not in doc and "nodes" in doc
    issues = []
    for key, limit_key, what in (
        ("nodes" if node_link else "accounts", "MAX_ACCOUNTS", "accounts"),
        ("links" if node_link and "links" in doc and "edges" not in doc else "edges",
         "MAX_EDGES", "edges"),
    ):
        value, limit = doc.get(key), current_app.config[limit_key]
        if isinstance(value, list) and limit is not None and len(value) > limit:
            issues.append(Issue(key, f"has {len(value):,} {what}; this server accepts at most "
                                     f"{limit:,} per request (FFD_{limit_key})"))
    if issues:
        raise Problem("too-large", "; ".join(i.message for i in issues), errors=issues)


def check_graph_size(graph: AccountGraph) -> None:
    """Refuse a graph built from other input (CSV, imports) over the account and edge
    counts (413), as ``check_limits`` refuses a JSON document."""
    issues = [
        Issue(name, f"has {count:,} {name}; this server accepts at most {limit:,} per request "
                    f"(FFD_{key})")
        for name, count, key in (("accounts", graph.num_accounts, "MAX_ACCOUNTS"),
                                 ("edges", graph.num_edges, "MAX_EDGES"))
        if (limit := current_app.config[key]) is not None and count > limit
    ]
    if issues:
        raise Problem("too-large", "; ".join(i.message for i in issues), errors=issues)
