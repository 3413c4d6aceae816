"""Memory budget of one request: a request that would need more than ``MAX_REQUEST_MEMORY``
bytes is refused (413) before the work that would allocate it.

Two estimates, each checked before its stage:

- **Parsing.** Python objects cost far more than their JSON text: ``[{},{},...]``
  grows about 32 bytes of memory per body byte. Before parsing, the body's structure
  is counted (objects, arrays, commas, quotes: a few fast byte scans) and priced at
  what each costs once parsed. Bodies too small to reach the budget even at
  ``WORST_PARSE_RATIO`` bytes per byte skip the count.
- **Scoring.** After parsing, the account and edge counts are priced at what
  validation, features, the graph convolutions and the response cost per account
  and per edge. The per-account cost grows with the loaded model's width and depth.

The prices are upper bounds measured on this code (peak RSS growth of one request in a
fresh process, CPython 3.11, the RGCN at hidden 16 and 64): ``[{},...]`` 32x its size
(estimate 108x), floats 16x (18x), unique keys 25x (28x); 100,000 accounts without
edges at hidden 64 used 435 MiB (estimate 444 MiB); 2,000 accounts and 300,000 edges
198 MiB (209 MiB); 20,000 accounts and 150,000 edges 166 MiB (189 MiB). They are
estimates, meant to stop a request that is clearly too big, not to count every byte.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import current_app

from api.problems import Problem
from detector.errors import Issue

#: Above every body/memory ratio measured for parsing (32 for ``[{},{},...]``).
WORST_PARSE_RATIO = 40
MB = 1024 * 1024


@dataclass(frozen=True)
class Prices:
    """Bytes of memory per unit of input (see the module docstring for the sources)."""

    per_object: int = 250  # one parsed ``{...}`` (a dict with its hash table)
    per_array: int = 100  # one parsed ``[...]``
    per_item: int = 70  # one value in an object or array (counted by its comma)
    per_quote: int = 25  # half a string (each string has two quotes)
    per_account: int = 1_200  # validation, features and response record of one account
    per_account_unit: int = 27  # plus this per hidden unit and layer of the model
    per_edge: int = 700  # one edge through validation, tensors and message passing


PRICES = Prices()


def _budget() -> int | None:
    limit = current_app.config.get("MAX_REQUEST_MEMORY")
    return None if limit is None else int(limit)


def parse_estimate(data: bytes, prices: Prices = PRICES) -> int:
    """Upper estimate of the memory ``orjson.loads(data)`` allocates, in bytes."""
    return (prices.per_object * data.count(b"{") + prices.per_array * data.count(b"[")
            + prices.per_item * data.count(b",") + prices.per_quote * data.count(b'"')
            + len(data))


def scoring_estimate(accounts: int, edges: int, model_arguments: dict[str, Any] | None,
                     prices: Prices = PRICES) -> int:
    """Estimate of the memory scoring a graph of this size takes, in bytes."""
    arguments = model_arguments or {}
    width = int(arguments.get("hidden_channels", 64)) * int(arguments.get("num_layers", 2))
    per_account = prices.per_account + prices.per_account_unit * width
    return accounts * per_account + edges * prices.per_edge


def graph_size(doc: Any) -> tuple[int, int]:
    """Accounts and edges of a parsed document (``account-graph/1`` or node-link)."""
    if not isinstance(doc, dict):
        return 0, 0
    accounts = doc.get("accounts", doc.get("nodes"))
    edges = doc.get("edges", doc.get("links"))
    return (len(accounts) if isinstance(accounts, list) else 0,
            len(edges) if isinstance(edges, list) else 0)


def _refuse(what: str, needed: int, limit: int) -> Problem:
    message = (f"{what} would need about {needed / MB:,.0f} MB, more than the "
               f"{limit / MB:,.0f} MB this server allows per request (FFD_MAX_REQUEST_MEMORY)")
    return Problem("too-large", message, errors=[Issue("", message)])


def check_parse(data: bytes) -> None:
    """413 before parsing when the parsed body would not fit the budget."""
    limit = _budget()
    if limit is None or len(data) * WORST_PARSE_RATIO <= limit:
        return
    needed = parse_estimate(data)
    if needed > limit:
        raise _refuse(f"parsing this {len(data):,}-byte body", needed, limit)


def check_scoring(doc: Any) -> None:
    """413 before validation when scoring the graph would not fit the budget."""
    check_counts(*graph_size(doc))


def check_counts(accounts: int, edges: int) -> None:
    """413 when scoring this many accounts and edges would not fit the budget."""
    limit = _budget()
    if limit is None:
        return
    store = current_app.extensions.get("ffd_model")
    loaded = store.current if store is not None else None
    arguments = loaded.classifier.metadata_["model"].get("arguments") if loaded else None
    needed = scoring_estimate(accounts, edges, arguments)
    if needed > limit:
        raise _refuse(f"scoring {accounts:,} accounts and {edges:,} edges", needed, limit)
