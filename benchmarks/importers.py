"""Wall time and peak memory of ``ffd import twitter-v1`` at a million followers.

    .venv/bin/python -m benchmarks.importers --followers 1000000 \\
        --json benchmarks/results/importers.json

Writes synthetic input into a temporary directory: the follower list as v1.1
``followers/ids`` pages of 5,000 ids in cursor order, and one v1.1 user object per
follower (plus the target's) as JSON lines. Each object carries the fields a
``users/lookup`` answer has besides the embedded latest tweet (``--lean`` keeps only the
fields the importer reads), so the decoder skips as much as it would on real data. Ids
are 19-digit numbers, above 2^53 like every recent Twitter id.

``--gzip-users`` compresses the user objects (gzip level 6), as collectors often store
them. Each output form is imported in a fresh child process running the command line itself,
so its peak resident memory (``ru_maxrss``) is that of one import, interpreter and
imports included; the child also reports the time of each stage.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import orjson

PAGE = 5_000  # ids per followers/ids page, as the API sends them
_MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()
_DAYS = "Mon Tue Wed Thu Fri Sat Sun".split()


def write_inputs(directory: Path, followers: int, seed: int, lean: bool,
                 gzip_users: bool = False) -> dict[str, Any]:
    """The synthetic twitter-v1 files; returns their paths and sizes."""
    rng = np.random.default_rng(seed)
    ids = np.unique(rng.integers(10**18, 2 * 10**18, size=followers + 1, dtype=np.int64))
    while len(ids) < followers + 1:  # collisions are rare; top up
        more = rng.integers(10**18, 2 * 10**18, size=followers + 1 - len(ids), dtype=np.int64)
        ids = np.unique(np.concatenate([ids, more]))
    rng.shuffle(ids)
    target, fans = int(ids[0]), ids[1:]
    created = rng.integers(1_170_000_000, 1_730_000_000, size=len(ids))
    counts = rng.lognormal(4, 2, size=(len(ids), 5)).astype(np.int64)
    flags = rng.random((len(ids), 4))
    users = directory / ("users.jsonl.gz" if gzip_users else "users.jsonl")
    with (gzip.open(users, "wb", compresslevel=6) if gzip_users else open(users, "wb")) as fh:
        for i, uid in enumerate(ids.tolist()):
            fh.write(orjson.dumps(_user(uid, i, created[i], counts[i], flags[i], lean)))
            fh.write(b"\n")
    pages = []
    cursors = rng.integers(10**18, 2 * 10**18, size=len(fans) // PAGE + 2)
    cursors = np.sort(cursors)[::-1].tolist()
    for k, start in enumerate(range(0, len(fans), PAGE)):
        last = start + PAGE >= len(fans)
        page = {"ids": fans[start:start + PAGE].tolist(),
                "next_cursor": 0 if last else cursors[k + 1],
                "previous_cursor": 0 if k == 0 else -cursors[k]}
        page["next_cursor_str"] = str(page["next_cursor"])
        page["previous_cursor_str"] = str(page["previous_cursor"])
        path = directory / f"followers_{k:04d}.json"
        path.write_bytes(orjson.dumps(page))
        pages.append(path)
    return {"users": str(users), "pages": [str(p) for p in pages], "target": str(target),
            "users_mb": round(users.stat().st_size / 2**20, 1),
            "pages_mb": round(sum(p.stat().st_size for p in pages) / 2**20, 1)}


def _user(uid: int, i: int, created: int, counts: np.ndarray, flags: np.ndarray,
          lean: bool) -> dict[str, Any]:
    t = time.gmtime(int(created))
    stamp = (f"{_DAYS[t.tm_wday]} {_MONTHS[t.tm_mon - 1]} {t.tm_mday:02d} "
             f"{t.tm_hour:02d}:{t.tm_min:02d}:{t.tm_sec:02d} +0000 {t.tm_year}")
    user = {"id": uid, "id_str": str(uid), "screen_name": f"user_{i}",
            "description": f"bio of account {i}, who likes things" if flags[0] < 0.7 else "",
            "protected": bool(flags[1] < 0.1), "followers_count": int(counts[0]),
            "friends_count": int(counts[1]), "listed_count": int(counts[2]),
            "created_at": stamp, "favourites_count": int(counts[3]),
            "verified": bool(flags[2] < 0.01), "statuses_count": int(counts[4]),
            "default_profile_image": bool(flags[3] < 0.2)}
    if lean:
        return user
    image = f"https://pbs.twimg.com/profile_images/{uid}/photo_normal.jpg"
    return {**user, "name": f"Account {i}", "location": "Somewhere, Earth",
            "url": None, "entities": {"description": {"urls": []}},
            "utc_offset": None, "time_zone": None, "geo_enabled": False, "lang": None,
            "contributors_enabled": False, "is_translator": False,
            "is_translation_enabled": False, "profile_background_color": "F5F8FA",
            "profile_background_image_url": None, "profile_background_image_url_https": None,
            "profile_background_tile": False, "profile_image_url": image.replace("s:", ":"),
            "profile_image_url_https": image,
            "profile_banner_url": f"https://pbs.twimg.com/profile_banners/{uid}/1600000000",
            "profile_link_color": "1DA1F2", "profile_sidebar_border_color": "C0DEED",
            "profile_sidebar_fill_color": "DDEEF6", "profile_text_color": "333333",
            "profile_use_background_image": True, "has_extended_profile": False,
            "default_profile": True, "following": False, "follow_request_sent": False,
            "notifications": False, "translator_type": "none", "withheld_in_countries": []}


def run_child(inputs: dict[str, Any], out: str) -> dict[str, Any]:
    """One import through the command line, in this process; returns the measurements."""
    from click.testing import CliRunner

    from training.cli import main

    args = ["import", "twitter-v1", "--users", inputs["users"], "--target", inputs["target"],
            "--out", out, "--observed-at", "2025-06-01T00:00:00Z"]
    for page in inputs["pages"]:
        args += ["--follower-ids", page]
    wall, cpu = time.perf_counter(), time.process_time()
    result = CliRunner().invoke(main, args, catch_exceptions=False)
    row = {"wall_s": round(time.perf_counter() - wall, 2),
           "cpu_s": round(time.process_time() - cpu, 2),
           "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
           "exit_code": result.exit_code, "output": result.output.strip().splitlines()}
    start = time.perf_counter()
    from detector.io import load_graph

    graph = load_graph(out)
    row["load_back_s"] = round(time.perf_counter() - start, 2)
    row["loaded"] = graph.summary()
    return row


def measure(followers: int, seed: int, lean: bool, forms: list[str],
            keep: Path | None, gzip_users: bool = False) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(dir=keep) as tmp:
        directory = Path(tmp)
        start = time.perf_counter()
        inputs = write_inputs(directory, followers, seed, lean, gzip_users)
        made = round(time.perf_counter() - start, 1)
        print(f"inputs: users {inputs['users_mb']:,} MB, {len(inputs['pages'])} id pages "
              f"{inputs['pages_mb']:,} MB (written in {made} s)", flush=True)
        rows = []
        for form in forms:
            out = str(directory / ("graph" + ("" if form == "parquet" else f".{form}")))
            load = os.getloadavg()[0]
            args = [sys.executable, "-m", "benchmarks.importers", "--child",
                    json.dumps(inputs), "--out", out]
            done = subprocess.run(args, capture_output=True, text=True, check=True)
            row = {"form": form, **json.loads(done.stdout.strip().splitlines()[-1]),
                   "load_average_1min_before": round(load, 2)}
            rows.append(row)
            print(f"{form:>8}: {row['wall_s']:.1f} s wall, {row['cpu_s']:.1f} s CPU, peak RSS "
                  f"{row['peak_rss_mb']:,.0f} MB (load {row['load_average_1min_before']})",
                  flush=True)
            for line in row["output"]:
                print(f"          {line}", flush=True)
    return {"benchmark": "importers", "command": "python -m benchmarks.importers "
            + " ".join(sys.argv[1:]), "followers": followers, "lean": lean,
            "gzip_users": gzip_users,
            "inputs_mb": {"users": inputs["users_mb"], "pages": inputs["pages_mb"]},
            "cpus": os.cpu_count(), "python": platform.python_version(), "rows": rows}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--followers", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--lean", action="store_true", help="only the fields the importer reads")
    parser.add_argument("--gzip-users", action="store_true", help="gzip the user objects")
    parser.add_argument("--forms", nargs="+", default=["parquet", "json"],
                        choices=["parquet", "json", "json.gz"])
    parser.add_argument("--tmp", type=Path, help="where to write the inputs (default: /tmp)")
    parser.add_argument("--json", type=Path, help="write the report here")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child is not None:
        print(json.dumps(run_child(json.loads(args.child), args.out)))
        return
    report = measure(args.followers, args.seed, args.lean, args.forms, args.tmp, args.gzip_users)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report, indent=2) + "\n")


if __name__ == "__main__":
    main()
