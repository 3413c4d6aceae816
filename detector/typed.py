"""JSON bytes -> ``AccountGraph`` by typed decoding, for the common, valid document.

``orjson`` turns every record into a dict (a hash table per account and per edge) that
the validator then reads field by field. msgspec decodes an ``account-graph/1`` document
straight into typed structs: each field's JSON type is checked in C while decoding, and
reading a column is an attribute read. The columns then go through the very steps of
``detector.validate`` (fast path, careful path, ``assemble``), so a graph built here is
the one ``parse_graph(orjson.loads(data))`` builds. The columns are ``columns.Checked``,
so the fast path skips its type pass: msgspec has done it. On the 1,000-account audit of
the benchmarks, decoding and validation take about 30% less time (docs/performance.md).

This path only ever answers for documents it fully accepts. Anything else (node-link
JSON, a count written ``1.0``, a record that is not an object, malformed JSON, nesting
past the decoder's depth, any value the validator refuses) gives ``None``, and the
caller takes the general path, which alone words every problem, so error messages and
statuses cannot differ between the two.
"""

from __future__ import annotations

import typing
from operator import attrgetter
from typing import Literal

import msgspec

from detector.assemble import assemble
from detector.columns import Checked
from detector.errors import GraphValidationError
from detector.graph import AccountGraph
from detector.schema import (
    BOOL_FIELDS,
    COUNT_FIELDS,
    EDGE_TYPES,
    ENUM_FIELDS,
    FORMATS,
    TEXT_FIELDS,
)
from detector.validate import _accounts, _Collector, _edges, _timestamps

#: Every account field ``detector.validate`` reads, with the JSON type it accepts as is.
ACCOUNT_FIELDS = (
    [(name, int | None, None) for name in COUNT_FIELDS]
    + [(name, bool | None, None) for name in BOOL_FIELDS]
    + [(name, str | None, None) for name in (*TEXT_FIELDS, "created_at")]
    + [(name, Literal[values] | None, None) for name, values in ENUM_FIELDS.items()]
)
#: Every edge field ``detector.validate`` reads. A ``Literal`` is checked while decoding
#: and decodes to one shared string (no string per edge to build and free): about 6%
#: fewer instructions decoding the 1,000-account audit (callgrind).
EDGE_FIELDS = [("source", str), ("target", str), ("type", Literal[EDGE_TYPES]),
               ("at", str | None, None), ("weight", int | None, None),
               ("rank", int | None, None)]

# gc=False: records hold only strings, numbers and None, so they can form no cycle, and
# untracked they do not trigger the collector's passes while a request decodes.
_Account = msgspec.defstruct("_Account", [("id", str), *ACCOUNT_FIELDS], kw_only=True,
                             gc=False)
_Edge = msgspec.defstruct("_Edge", EDGE_FIELDS, kw_only=True, gc=False)
Document = msgspec.defstruct(
    "Document",
    [("accounts", list[_Account]), ("edges", list[_Edge], []), ("format", str | None, None),
     ("target", str | None, None), ("observed_at", str | None, None)],
    kw_only=True,
)
_DECODER = msgspec.json.Decoder(Document)
#: The exact types msgspec lets through for each field (``int`` excludes ``bool`` and
#: ``float``; ``str`` excludes subclasses), so the validator need not check them again.
def _kinds(annotation: object) -> frozenset[type]:
    """The exact types a field's annotation lets through: ``str | None`` -> {str,
    NoneType}; a ``Literal`` -> the types of its values."""
    if typing.get_origin(annotation) is Literal:
        return frozenset(map(type, typing.get_args(annotation)))
    parts = typing.get_args(annotation)
    return frozenset().union(*map(_kinds, parts)) if parts else frozenset([annotation])


_KINDS = {name: _kinds(t) for name, t, *_ in [("id", str), *ACCOUNT_FIELDS, *EDGE_FIELDS]}


def decode(data: bytes) -> Document | None:
    """The typed document, or ``None`` when ``data`` is anything but a well-typed
    ``account-graph/1`` document (unknown fields are ignored, as the validator does)."""
    if b'"accounts"' not in data:  # node-link JSON, or not a graph: not worth a try
        return None
    if b'"nodes"' in data or b'"links"' in data:  # perhaps both forms: the validator says
        return None
    try:
        return _DECODER.decode(data)
    except (msgspec.DecodeError, RecursionError, UnicodeDecodeError):
        return None


def build(doc: Document) -> AccountGraph | None:
    """The validated graph, or ``None`` when the validator would refuse anything."""
    if doc.format is not None and doc.format not in FORMATS:
        return None
    bad = _Collector()
    try:
        observed = _timestamps([doc.observed_at], "observed_at", bad, single=True)[0]
        accounts = _accounts(doc.accounts, "accounts", bad, _read)
        edges = _edges(doc.edges, "edges", bad, _read_edges)
        if bad.issues:
            return None
        return assemble(accounts, edges, doc.target, observed)
    except GraphValidationError:
        return None


def graph_from_json(data: bytes) -> AccountGraph | None:
    """``build(decode(data))``: the graph, or ``None`` for the general path to handle."""
    doc = decode(data)
    return None if doc is None else build(doc)


#: Edge columns read by list comprehensions: in CPython 3.11 a comprehension's
#: attribute read is specialised for the struct's slot, and takes half the time of
#: ``map(attrgetter(name), ...)`` (0.13 against 0.26 ms per column of 11,415 edges).
#: Accounts are ten times fewer, so their fields keep the generic reader.
_EDGE_READERS: dict[str, typing.Callable[[list], list]] = {
    "source": lambda records: [r.source for r in records],
    "target": lambda records: [r.target for r in records],
    "type": lambda records: [r.type for r in records],
    "at": lambda records: [r.at for r in records],
    "weight": lambda records: [r.weight for r in records],
    "rank": lambda records: [r.rank for r in records],
}


def _read(records: list, name: str) -> Checked:
    return Checked(map(attrgetter(name), records), _KINDS[name])


def _read_edges(records: list, name: str) -> Checked:
    return Checked(_EDGE_READERS[name](records), _KINDS[name])
