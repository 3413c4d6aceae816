"""Time ``parse_graph`` on a typical audit-sized document (1,000 accounts, 10,000 edges).

Usage: ``.venv/bin/python tools/bench_parse_graph.py [--accounts N] [--edges M] [--runs R]``.
Prints the median of R runs for parsing the JSON bytes and for validating the parsed
document; the document has every account field filled for half the accounts and a
timestamp on most edges, like a real platform export.
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np
import orjson

from detector.io import parse_json
from detector.schema import EDGE_TYPES
from detector.validate import parse_graph


def make_document(n: int, m: int, seed: int = 0) -> dict:
    rng = np.random.default_rng(seed)
    accounts = []
    for i in range(n):
        record: dict = {"id": f"u{i}"}
        if i % 2 == 0:
            record.update(
                username=f"user{i}", created_at=f"2020-{1 + i % 12:02d}-{1 + i % 28:02d}T10:00:00Z",
                followers_count=int(rng.integers(0, 10_000)),
                following_count=int(rng.integers(0, 3000)),
                posts_count=int(rng.integers(0, 500)), likes_count=int(rng.integers(0, 10_000)),
                listed_count=int(rng.integers(0, 50)), bio="hello" * (i % 4),
                has_avatar=bool(i % 3), verified=False, private=bool(i % 5 == 0),
            )
        accounts.append(record)
    src = rng.integers(0, n, m)
    dst = (src + rng.integers(1, n, m)) % n
    kinds = rng.integers(0, len(EDGE_TYPES), m)
    minutes = rng.integers(0, 60 * 24 * 28, m)
    edges = []
    for k in range(m):
        edge = {"source": f"u{src[k]}", "target": f"u{dst[k]}", "type": EDGE_TYPES[kinds[k]]}
        if k % 10:
            day, rest = divmod(int(minutes[k]), 60 * 24)
            edge["at"] = f"2024-11-{1 + day:02d}T{rest // 60:02d}:{rest % 60:02d}:00Z"
        edges.append(edge)
    return {"format": "account-graph/1", "target": "u0", "accounts": accounts, "edges": edges}


def median_seconds(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=1_000)
    parser.add_argument("--edges", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    raw = orjson.dumps(make_document(args.accounts, args.edges))
    doc = parse_json(raw)
    parse_graph(doc)  # warm-up (imports, caches)
    json_s = median_seconds(lambda: parse_json(raw), args.runs)
    graph_s = median_seconds(lambda: parse_graph(doc), args.runs)
    print(f"{args.accounts:,} accounts, {args.edges:,} edges, {len(raw) / 1e6:.2f} MB JSON, "
          f"median of {args.runs} runs:")
    print(f"  parse_json  {json_s * 1e3:7.1f} ms")
    print(f"  parse_graph {graph_s * 1e3:7.1f} ms")


if __name__ == "__main__":
    main()
