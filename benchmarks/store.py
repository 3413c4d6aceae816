"""Speed and size of the store (docs/monitoring.md), on SQLite and PostgreSQL.

    .venv/bin/python -m benchmarks.store [--model var/models/default] [--out FILE]

1. A snapshot of 10,000 followers posted to ``POST /v1/targets/{t}/snapshots`` (the
   app in-process, the default model): parse, validate, score, audit, store. Median of
   5 posts, each a new ``observed_at``.
2. 30 daily snapshots of a 100,000-follower account (each day 1% leave, 1.2% join, and
   0.2% of the audience are mass followers who leave two days after joining), stored
   directly with ``store.snapshots.add_snapshot``: the bytes the follower sets take, the
   database's size, and the same sets as one row per follower and snapshot for
   comparison. Then ``GET /v1/targets/{t}/history``: median of 10.

PostgreSQL is a throwaway server started from Debian's binaries (benchmarks.postgres).
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np
import orjson
from sqlalchemy import text

from benchmarks.postgres import PostgresServer, find_bin

DAY = 86_400
T0 = 1_717_200_000


def iso(seconds: float) -> str:
    return np.datetime_as_string(np.datetime64(int(seconds), "s")) + "Z"


def star_graph(followers: int, day: int, seed: int = 0) -> bytes:
    """A target followed by ``followers`` accounts with profiles and follow times."""
    rng = np.random.default_rng(seed)
    accounts = [{"id": "brand", "followers_count": followers, "following_count": 300,
                 "posts_count": 2000, "created_at": iso(T0 - 3000 * DAY), "has_avatar": True}]
    edges = []
    created = T0 - rng.integers(10, 3000, followers) * DAY
    follows = T0 - rng.integers(0, 700 * DAY, followers)
    for i in range(followers):
        accounts.append({"id": f"u{i}", "followers_count": int(rng.integers(0, 2000)),
                         "following_count": int(rng.integers(0, 3000)),
                         "posts_count": int(rng.integers(0, 900)),
                         "created_at": iso(created[i]), "has_avatar": bool(i % 5)})
        edges.append({"source": f"u{i}", "target": "brand", "type": "follow",
                      "at": iso(follows[i])})
    return orjson.dumps({"format": "account-graph/1", "target": "brand",
                         "observed_at": iso(T0 + day * DAY), "accounts": accounts,
                         "edges": edges})


def time_snapshot_posts(url: str, model: str, runs: int = 5) -> list[float]:
    from api import create_app

    client = create_app({"MODEL_DIR": model, "DATABASE_URL": url}).test_client()
    bodies = [star_graph(10_000, day) for day in range(runs + 1)]
    out = []
    for day, body in enumerate(bodies):
        start = time.perf_counter()
        response = client.post("/v1/targets/brand/snapshots", data=body,
                               content_type="application/json")
        elapsed = time.perf_counter() - start
        assert response.status_code == 201, response.get_json()
        if day:  # the first post warms the model up
            out.append(elapsed)
    return out


def daily_sets(days: int = 30, size: int = 100_000, seed: int = 1) -> list[list[str]]:
    rng = np.random.default_rng(seed)
    current = [f"f{i}" for i in range(size)]
    made, sets, churn = size, [], {}
    for day in range(days):
        sets.append(list(current))
        leave = set(rng.choice(len(current), int(0.01 * len(current)), replace=False).tolist())
        leave |= {i for i, name in enumerate(current) if churn.get(name) == day + 1}
        current = [name for i, name in enumerate(current) if i not in leave]
        joins = [f"f{made + i}" for i in range(int(0.012 * size))]
        mass = [f"m{day}_{i}" for i in range(int(0.002 * size))]
        churn.update({name: day + 3 for name in mass})
        made += len(joins)
        current += joins + mass
    return sets


def store_and_read_history(url: str, sets: list[list[str]]) -> dict:
    from api import create_app
    from store.db import Store
    from store.migrate import upgrade
    from store.snapshots import NewSnapshot, add_snapshot

    store = Store(url)
    upgrade(store)
    start = time.perf_counter()
    for day, followers in enumerate(sets):
        new = NewSnapshot(target="big", observed_at=T0 + day * DAY, followers=followers,
                          audit={}, summary={"quality": 80.0}, model_id="bench",
                          model_version="1")
        store.write(lambda session, new=new: add_snapshot(session, new))
    ingest = time.perf_counter() - start
    with store.read() as session:
        blob_bytes = session.scalar(text("SELECT sum(length(followers)) FROM snapshots"))
    client = create_app({"MODEL_DIR": "/nonexistent", "DATABASE_URL": url}).test_client()
    timings = []
    for _ in range(11):
        start = time.perf_counter()
        response = client.get("/v1/targets/big/history")
        timings.append(time.perf_counter() - start)
        assert response.status_code == 200
    body = response.get_json()
    return {"ingest_s": ingest, "blob_bytes": blob_bytes,
            "history_ms": [1000 * t for t in timings[1:]],
            "history_bytes": len(response.data), "churners": body["churners"]["count"],
            "anomalies": len(body["growth_anomalies"]), "store": store}


def row_per_follower_bytes(store, url: str) -> tuple[int, float]:
    """Size and write time of the same sets as (snapshot, account key) rows."""
    from store.followers import decode

    with store.engine.begin() as connection:
        connection.execute(text("CREATE TABLE follower_rows (snapshot_id INTEGER NOT NULL, "
                                "account_key INTEGER NOT NULL, "
                                "PRIMARY KEY (snapshot_id, account_key))"))
    start = time.perf_counter()
    with store.engine.begin() as connection:
        rows = connection.execute(text("SELECT id, followers FROM snapshots")).all()
        for sid, blob in rows:
            keys = decode(blob).tolist()
            connection.execute(text("INSERT INTO follower_rows VALUES (:s, :k)"),
                               [{"s": sid, "k": k} for k in keys])
    elapsed = time.perf_counter() - start
    with store.engine.connect() as connection:
        if store.is_sqlite:
            size = connection.scalar(text(
                "SELECT sum(pgsize) FROM dbstat WHERE name IN ('follower_rows', "
                "'sqlite_autoindex_follower_rows_1')"))
        else:
            size = connection.scalar(text("SELECT pg_total_relation_size('follower_rows')"))
    return int(size), elapsed


def database_bytes(store) -> int:
    with store.engine.connect() as connection:
        if store.is_sqlite:
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            return os.path.getsize(store.engine.url.database)
        return int(connection.scalar(text("SELECT pg_database_size(current_database())")))


def run(name: str, make_url, model: str, sets: list[list[str]]) -> dict:
    snap = time_snapshot_posts(make_url("snap"), model)
    big = store_and_read_history(make_url("big"), sets)
    store = big.pop("store")
    size_before = database_bytes(store)
    rows_bytes, rows_s = row_per_follower_bytes(store, str(store.engine.url))
    result = {"database": name, "snapshot_10k_s": snap,
              "snapshot_10k_median_s": statistics.median(snap), **big,
              "history_median_ms": statistics.median(big["history_ms"]),
              "database_bytes": size_before, "rows_bytes": rows_bytes, "rows_write_s": rows_s}
    store.dispose()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="var/models/default")
    parser.add_argument("--out", default="benchmarks/results/store.json")
    args = parser.parse_args()
    sets = daily_sets()
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        results.append(run("sqlite", lambda n: f"sqlite:///{Path(tmp) / n}.sqlite3",
                           args.model, sets))
    bin_dir = find_bin()
    if bin_dir is None:
        print("PostgreSQL not installed (make pg-deps): only SQLite measured")
    else:
        with PostgresServer(bin_dir) as pg:
            results.append(run("postgresql", pg.create_database, args.model, sets))
    followers = sum(len(s) for s in sets)
    print(f"30 snapshots, {followers:,} follower entries in all")
    print("| database | 10k snapshot, stored + audited (median of 5) | history of 30 x 100k "
          "(median of 10) | follower sets | database | one row per follower |")
    print("|---|---|---|---|---|---|")
    for r in results:
        print(f"| {r['database']} | {r['snapshot_10k_median_s'] * 1000:.0f} ms | "
              f"{r['history_median_ms']:.0f} ms | {r['blob_bytes'] / 1e6:.2f} MB "
              f"({r['blob_bytes'] / followers:.3f} B/follower) | "
              f"{r['database_bytes'] / 1e6:.1f} MB | {r['rows_bytes'] / 1e6:.1f} MB "
              f"({r['rows_bytes'] / followers:.1f} B/follower, written in "
              f"{r['rows_write_s']:.1f} s) |")
        print(f"  ingest of the 30 snapshots {r['ingest_s']:.1f} s; history answer "
              f"{r['history_bytes']:,} bytes, {r['churners']:,} churners, "
              f"{r['anomalies']} growth anomalies")
    Path(args.out).write_bytes(orjson.dumps({"followers": followers, "results": results,
                                             "load": os.getloadavg()},
                                            option=orjson.OPT_INDENT_2))


if __name__ == "__main__":
    main()
