"""docs/performance.md, rendered from docs/performance.json (never edited by hand).

Every figure comes from the JSON the harness wrote; goals are checked here, so "met" or
"missed" always agrees with the numbers beside it.
"""

from __future__ import annotations

from typing import Any

GOALS = {
    "feature_ratio": 20.0,  # networkx time / ours
    "score_seconds": 60.0,  # 1M accounts / 10M edges
    "score_gb": 8.0,
    "api_p50_ms": 30.0,  # server side, 1,000 accounts
    "api_p99_ms": 100.0,
    "api_req_s": 40.0,
    "ray_part_share": 0.25,  # largest Ray part's peak RSS / single-process peak (8 parts)
}


#: What the hot-path work changed (prose; the figures are in the tables).
CHANGES = """\
What was changed, and why (profiles: `docs/profiles/`, pyinstrument text output):

- **Per-account Python loops in the features** (`detector/features.py`, commit 3e6eb67):
  user-name shapes (digits, trailing digits, length) and bio lengths now use Arrow string
  kernels (`pyarrow.compute`) instead of a Python generator per account; names with
  non-ASCII characters (a handful) are still counted in Python so that the values equal
  `str.isdigit` exactly. Reciprocity used `np.isin`, which hashes in numpy 2.4 and was the
  largest single cost of the features; it is now a sort and a binary search over sorted
  queries (commit 895bcd6: unsorted queries missed the cache on every step at 10M edges).
- **Endpoint lookup in validation** (`detector/assemble.py`, commit 5b5075a): pandas 3
  converted every object array passed to `Index.get_indexer` into Arrow strings and back;
  passing an object-dtype `Index` avoids it (12 ms -> 1 ms per 10,000-edge audit on its own).
  Repeated edges were found with `DataFrame.duplicated` over four columns; one packed
  int64 key plus the time's bits under a stable `np.lexsort` finds the same rows in half
  the time at 10M edges (commit 6924367).
- **The columnar reader** (`detector/frames.py`, `detector/assemble.py`, commit 7f7202c):
  at a million accounts it converted ten million Arrow strings to Python objects twice,
  mapped every edge type through a Python dict (`Series.map`) and hashed 22M object ids
  in pandas. Endpoints now stay Arrow strings and go through one
  `pyarrow.compute.index_in` (runs of equal ids looked up once), edge types and enums are
  mapped once per distinct value, and repeated edges are found by one int64 key sort,
  with the time tie-break only for rows sharing a key. Same graph and messages; about 3x
  faster (20.6 s -> about 6-8 s at 1M accounts). A table where most rows share a key is
  slower than before (7.5-11.6 s against 5.1-5.6 s for 11M all-equal keys).
- **The JSON validator's columns** (`detector/columns.py`, commits fa5e96b, d850ce1): each
  field of every record is converted by an all-or-nothing fast path that runs its passes
  in C (`map(dict.get)`, exact type counts, one regex over the joined ids, numpy on the
  joined timestamp bytes); any value it does not take sends the column through the
  careful path, so messages cannot change (hypothesis checks both paths agree). About
  1.7x on a 1,000-account audit; the rest is CPython's cost of touching 60,000 values.
- **Already in place before this work, kept**: orjson for parsing and serialising, one
  torch thread per gunicorn worker (`api/serve.py` sets `OMP_NUM_THREADS=1` and
  `torch.set_num_threads(1)`: with two workers on two cores, more threads only fight),
  features computed once per request and reused by the model, the reasons and the audit,
  no networkx anywhere on a request path.
- **By other work in the same period** (included in "after"): burst detection computes
  its local rate only at candidate bins (commit 3050ec0), reasons are computed only for
  the rows shown.
- **Timestamps in the JSON validator** (`detector/validate.py`, commit d84d4b7): edge times
  were parsed one by one (`datetime.fromisoformat` per edge, a quarter of the request in
  the profile). When every value has exactly the form `YYYY-MM-DDTHH:MM:SSZ`, one numpy
  `datetime64` conversion parses them all (about 2x); any other form, or any invalid
  value, goes through the old path with its messages.
- **Exact lockstep windows** (`detector/features.py`, commit b56efe7): the networkx
  comparison at 100,000 accounts found `sync_mean`/`sync_max` differing by up to 0.006:
  the float key `target * span + time` rounded at large target indices and moved edges
  across a window's end. Complex keys `target + 1j * time` sort by target, then time,
  with both parts exact; the comparison now agrees to 0. The complex sort is slower: the
  features of a million accounts took about 4 s more (hot-path table, measured before
  the fix, against the scoring table, measured after).
- Tried and dropped: sorting relation edges by type and target before the RGCN pass
  (within noise, and the sort costs more than it saves).
- **Typed decoding of JSON bodies** (`detector/typed.py`, commit a147dc5): orjson makes a
  dict per account and per edge, which validation then reads field by field. msgspec
  decodes a well-typed `account-graph/1` body straight into structs (JSON types checked
  in C while decoding) and the same column steps validate them; any body it does not
  fully accept, and every refusal, goes through orjson and `parse_graph` as before, so
  answers cannot differ. In-process, 4 alternating rounds of 30 audits: median
  31.2 ms against 35.7 ms through the general path, minimum 25.2 against 28.9 ms.
- **The RGCN forward pass** (`models/relconv.py`, commits 364b660, a76d6ce): without
  pyg-lib, PyG's `RGCNConv` masks the edges of each relation, gathers a `[E_r, 64]` message
  matrix and scatters it back, six relations per layer. The same operator is now one CSR
  sparse product per layer, `B @ view(h [W_1 ... W_R])`, with `B` the row-normalised
  `[N, N*R]` adjacency built once per pass (a stable radix sort of the receivers). Same
  parameters (saved models load unchanged), outputs equal to 2e-6. Side by side on the
  1M-account graph under load (load average about 3): one layer 30.8 s -> 8.7 s, plus
  3.7 s once per pass to build `B`; the 1,000-account pass 6.5 -> 3.6 ms.
- Tried and dropped: a per-relation `[N, N]` CSR product (slower than one `[N, N*R]`
  product), an integer rank key instead of complex keys in `lockstep` (3-4x slower),
  freezing or disabling the garbage collector in the server (within noise).
- **Small-graph costs in the audit path** (session 3, commits 1c55d15 to fccbdbc), each
  checked equal to the code it replaced: numpy's 16-bit radix sort orders the RGCN's
  edges and the lockstep keys below 65,537 accounts (torch's 64-bit sort costs 1 ms even
  on 23k edges); reciprocity below 2,049 accounts is a table lookup over all pairs;
  edge kinds are taken by row numbers rather than boolean masks (numpy copies a mask
  subscript run by run, 13-29 us each at 11k edges); lockstep windows on whole-second
  times search an exact float key instead of the complex one; columns decoded by msgspec
  skip the validator's type pass (`columns.Checked`), the edge type is a msgspec
  `Literal`; the group encoders run as one block-diagonal product at inference; the
  audience is computed once. In-process on the 1,000-account audit, 4 rounds of 40
  alternating with commit b4d8dea: minimum 24.3 -> 19.2 ms, median 37.0 -> 25.9 ms (this
  machine's speed swung between rounds; round by round the median fell 6-41%);
  valgrind's callgrind counts 216M -> 180M instructions per audit (-17%), a figure the
  machine's load cannot move.
- **Request overheads** (session 4, commits a418123 to 0828df5): werkzeug read a body
  64 KiB at a time and gunicorn copied what it held beyond each read every time (a 1 MB
  body about 17 times); `api/body.py` now asks for the declared length in one read
  (server-side `read` stage p50 1.69 -> 1.01 ms under load, 3 alternating runs). The
  decoded document of a well-typed body up to 2 MiB (3 MB of msgspec structs for the
  1 MB audit) is freed after the response is sent (`api/deferred.py`), not inside the
  request: 0.7-1.1 ms moved out of the client's wait, same work per request. Typed edge
  columns are read by list comprehensions (specialised slot reads: 0.13 against 0.26 ms
  per column). In-process, 4 rounds of 40 alternating with commit d18f602: minimum
  21.4 -> 18.3 ms, median 31.8 -> 26.5 ms. Then the features and reasons replace NaN
  by `fmax`/`fmin` ufuncs instead of `np.nan_to_num` and `np.clip`, Python-level
  wrappers called about 18 times per audit (every answer on the benchmark audits and
  the examples identical; too small to time on its own here). Tried and dropped:
  skipping the None pass of fully given timestamp columns (no change), one sort on the
  exact lockstep key instead of two (no change), comprehension readers for the account
  fields (0.2 ms, but only by generating code per field), pinning each gunicorn worker
  to its own core (server p50 over 3 alternating load runs 23.1 -> 27.6 ms).
"""


def render(report: dict[str, Any]) -> str:
    m = report["machine"]
    libs = ", ".join(f"{k} {v}" for k, v in m["libraries"].items() if v)
    lines = [
        "# Performance",
        "",
        "Generated by `benchmarks/run.py` from `docs/performance.json`; do not edit by hand.",
        "Re-run with `python -m benchmarks.run --scale 1m` (or `--scale small`, minutes;",
        "`--only <section>` re-measures one section and keeps the others).",
        "",
        f"- Generated: {report.get('generated_at', 'in progress')}, commit {m['commit']}"
        f"{' (with uncommitted changes)' if m['dirty'] else ''}",
        f"- Machine: {m['cpu']}, {m['cores']} cores, {m['memory_gb']} GB RAM, no GPU; {m['os']}",
        f"- Python {m['python']}; {libs}",
        "- Load: this machine is shared. Each section lists the load average (1, 5, 15 min)"
        " before and after it ran; a load above the core count means other processes"
        " competed for the CPU and the figures are slower than on an idle machine.",
        "",
    ]
    sections = report["sections"]
    for name, title, body in (
        ("simulator", "Simulator", _simulator),
        ("features", "Feature extraction: ours vs networkx", _features),
        ("scoring", "End-to-end batch scoring (`ffd score`)", _scoring),
        ("training", "Training", _training),
        ("api", "API: audits against the real gunicorn server", _api),
        ("followers", "Collected follower lists: import, audit, and the API", _followers),
        ("hotpath", "Hot path: before and after", _hotpath),
        ("ray", "Scoring on Ray (`ffd score --engine ray`) on this machine", _ray),
    ):
        if name not in sections:
            continue
        s = sections[name]
        lines += [f"## {title}", "",
                  f"Measured {s['measured_at']} (scale `{s['scale']}`, {s['seconds']} s); "
                  f"load average before {_load(s['load_before'])}, after "
                  f"{_load(s['load_after'])}. Command: `{s['command']}`"
                  + (f" at commit {s['commit']}." if s.get("commit") else ".")
                  + (f" {s['note']}" if s.get("note") else ""), ""]
        lines += body(s["result"]) + [""]
    return "\n".join(lines).rstrip() + "\n"


def _load(values: list[float]) -> str:
    return " / ".join(f"{v:.2f}" for v in values)


def _table(header: list[str], rows: list[list[Any]]) -> list[str]:
    out = ["| " + " | ".join(header) + " |", "|" + "|".join("---:" for _ in header) + "|"]
    out += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return out


def _n(value: float) -> str:
    return f"{value:,.0f}"


def _gb(mb: float) -> str:
    return f"{mb / 1024:.2f}"


def _met(ok: bool) -> str:
    return "met" if ok else "**missed**"


def _simulator(rows: list[dict]) -> list[str]:
    return ["Peak memory is the child process's maximum resident set (interpreter and"
            " imports included). Seconds are the median over repeats (seeds 0, 1, ...).", ""] + \
        _table(["accounts", "edges", "repeats", "seconds (median)", "accounts/s", "peak RSS (GB)"],
               [[_n(r["accounts"]), _n(r["edges"]), r["repeats"], r["seconds"],
                 _n(r["accounts_per_s"]), _gb(r["peak_rss_mb"])] for r in rows])


def _features(r: dict) -> list[str]:
    ok = r["ratio"] >= GOALS["feature_ratio"]
    return [
        f"Graph: {_n(r['accounts'])} accounts, {_n(r['edges'])} edges, {r['features']} features."
        " Both implementations run in the same process on the same `AccountGraph`:"
        " `detector.features.compute_features` (vectorised numpy/Arrow) and"
        " `benchmarks/nx_features.py` (a `networkx.MultiDiGraph`, one Python pass per"
        " account, `bisect` for the time windows).",
        "",
        *_table(["implementation", "seconds", "note"], [
            ["ours", r["ours_seconds"], f"median of {len(r['ours_runs'])} runs {r['ours_runs']}"],
            ["networkx features", r["networkx_seconds"], "median"],
            ["networkx graph construction", r["networkx_build_seconds"], "paid once per graph"],
        ]),
        "",
        f"- Ratio: **{r['ratio']}x** (features only; goal >= {GOALS['feature_ratio']:.0f}x:"
        f" {_met(ok)}), {r['ratio_with_build']}x with the networkx graph's construction.",
        f"- Same numbers: `np.allclose` (rtol 1e-5, atol 1e-6) = **{r['allclose']}**,"
        f" largest absolute difference {r['max_abs_diff']:.3g}"
        + (f"; mismatching features: {', '.join(r['mismatched_features'])}"
           if r["mismatched_features"] else "") + ".",
        f"- Peak RSS of the process (graph + both feature matrices + networkx graph):"
        f" {_gb(r['peak_rss_mb'])} GB.",
    ]


def _scoring(rows: list[dict]) -> list[str]:
    stages = list(rows[0]["stages"]) if rows else []
    out = [
        "`ffd score --model M --data DIR --out scores.parquet` on simulated community graphs"
        " in the columnar form (Parquet). Time is the wall time of the command (fresh"
        " process: interpreter start and imports included), median over repeats; peak RSS"
        " is the command's own maximum resident set. The stage split comes from one extra"
        " instrumented run of the same steps (`benchmarks/perf/stages.py score`).",
        "",
        *_table(["accounts", "edges", "seconds (median)", "runs", "peak RSS (GB)", "s per 1M acc.",
                 *[f"{s} (s)" for s in stages]],
                [[_n(r["accounts"]), _n(r["edges"]), r["seconds"], r["runs"], _gb(r["peak_rss_mb"]),
                  f"{r['seconds'] / r['accounts'] * 1e6:.1f}", *[r["stages"][s] for s in stages]]
                 for r in rows]),
        "",
    ]
    big = max(rows, key=lambda r: r["accounts"]) if rows else None
    if big and big["accounts"] >= 1_000_000:
        ok_t = big["seconds"] <= GOALS["score_seconds"]
        ok_m = big["peak_rss_mb"] / 1024 <= GOALS["score_gb"]
        out.append(f"- Goal at {_n(big['accounts'])} accounts / {_n(big['edges'])} edges:"
                   f" <= {GOALS['score_seconds']:.0f} s ({_met(ok_t)}: {big['seconds']} s) and"
                   f" <= {GOALS['score_gb']:.0f} GB ({_met(ok_m)}: {_gb(big['peak_rss_mb'])} GB).")
        if "ratio" in big:
            out.append(f"- Against the model-pass floor measured in the same run (a plain"
                       f" 2-layer PyG `SAGEConv` forward, 45 -> 64 -> 3, full batch, over the"
                       f" same follow edges, best of 3: {big['floor_seconds']} s, runs"
                       f" {big['floor_runs']}): `ffd score` takes {big['ratio']}x the floor;"
                       f" goal <= 3x ({_met(big['ratio'] <= 3)}). Other sizes: "
                       + ", ".join(f"{_n(r['accounts'])}: {r['ratio']}x" for r in rows
                                   if r is not big and "ratio" in r) + ".")
    if len(rows) >= 2:
        per = {r["accounts"]: {k: v / r["accounts"] * 1e6 for k, v in r["stages"].items()}
               for r in rows}
        out.append("- Linearity: seconds per million accounts, by stage (constant = linear):")
        out.append("")
        out += _table(["accounts", *stages], [[_n(n), *[f"{v[k]:.2f}" for k in stages]]
                                              for n, v in per.items()])
        sizes = sorted(per)
        superlinear = [k for k in stages if per[sizes[-1]][k] > 1.25 * per[sizes[-2]][k]]
        out.append("")
        out.append("  Stages more than 25% costlier per account at the largest size than at the"
                   " one before: " + (", ".join(f"`{k}`" for k in superlinear) or "none")
                   + ". The command's wall time also holds fixed costs (interpreter, imports,"
                   " model load), which dominate the small sizes.")
    return out


def _training(r: dict) -> list[str]:
    rows, failed = [], []
    large = r.get("large") or []
    runs = [("default model on its default data", r.get("default"))] + [
        ("same architecture, simulated graph", t) for t in
        (large if isinstance(large, list) else [large])]
    for what, t in runs:
        if not t:
            continue
        if "error" in t:
            failed.append(f"- {t['data']} accounts: did not fit under the {t['memory_cap_gb']} GB"
                          f" address-space cap of the benchmark child ({t['error'][:160]});"
                          f" peak RSS before failing {_gb(t['peak_rss_mb'])} GB.")
            continue
        rows.append([what, _n(t["accounts"]), _n(t["edges"]), t["epochs_run"],
                     t["seconds_per_epoch"], t["loop_seconds"], t["prepare_seconds"],
                     _gb(t["peak_rss_mb"]), t["val_macro_f1"]])
    return [
        "Full-batch training (`models.fitting.fit_model`, 2 torch threads): one epoch is a"
        " training step plus an evaluation pass over the whole graph for early stopping."
        " \"loop\" is the training loop in total; \"prepare\" is simulating (default) or"
        " loading the graph. Each run is a child process whose address space is capped, so"
        " a graph too large for full-batch training fails alone on this shared machine.",
        "",
        *_table(["run", "accounts", "edges", "epochs", "s/epoch", "loop (s)", "prepare (s)",
                 "peak RSS (GB)", "val macro-F1"], rows),
        *([""] + failed if failed else []),
    ]


def _api(rows: list[dict]) -> list[str]:
    rounds = max((len(r.get("rounds", [])) for r in rows), default=0)
    intro = (
        "`ffd serve` (gunicorn, sync workers, one torch thread each) on 127.0.0.1;"
        " `POST /v1/audit?limit=20` with simulated audits (a target and its audience)."
        " Concurrent client threads on the same machine, one request at a time each,"
        " bounded by a request count and a duration. Server-side latency is the app's own"
        " `Server-Timing` total, and server CPU the CPU time it reports for the request;"
        " client-side adds HTTP, queueing and the JSON transfer.")
    if rounds > 1:
        intro += (f" Each size ran in {rounds} rounds (all sizes in turn, on one server);"
                  " every figure is the median over the rounds, and the last column gives"
                  " each round's server p50.")
    out = [
        intro,
        "",
        *_table(["accounts", "edges", "body (MB)", "workers", "clients", "requests", "errors",
                 "req/s", "server p50 (ms)", "server p99 (ms)", "server CPU p50 (ms)",
                 "client p50 (ms)", "client p99 (ms)", "server p50 by round (ms)"],
                [[_n(r["accounts"]), _n(r["edges"]), r["body_mb"], r["workers"], r["clients"],
                  r["requests"], r["errors"], r["req_per_s"], r["server_p50_ms"],
                  r["server_p99_ms"], r.get("server_cpu_p50_ms", "-"), r["client_p50_ms"],
                  r["client_p99_ms"],
                  ", ".join(str(x["server_p50_ms"]) for x in r.get("rounds", [])) or "-"]
                 for r in rows]),
        "",
    ]
    for r in rows:
        if r["accounts"] == 1_000:
            p50, p99, rate = r["server_p50_ms"], r["server_p99_ms"], r["req_per_s"]
            out.append(
                f"- Goal at 1,000 accounts: server p50 <= {GOALS['api_p50_ms']:.0f} ms"
                f" ({_met(p50 <= GOALS['api_p50_ms'])}), p99 <= {GOALS['api_p99_ms']:.0f} ms"
                f" ({_met(p99 <= GOALS['api_p99_ms'])}), >= {GOALS['api_req_s']:.0f} req/s"
                f" ({_met(rate >= GOALS['api_req_s'])}).")
    return out


def _followers(r: dict) -> list[str]:
    big, api = r["import_audit"], r["api"]
    total_ok = big["total_seconds"] <= 60 and max(big["import"]["peak_mb"],
                                                   big["audit"]["peak_mb"]) <= 8 * 1024
    return [
        "`ffd import twitter-v1` of a synthetic follower list (v1.1 `followers/ids` pages,"
        " one user object per follower) into Parquet, then `ffd audit` of it with the"
        " default model (follow times estimated from the order, campaigns, follower map),"
        " each in a fresh process; and `POST /v1/audit` of a simulated audience seen as its"
        " follower list, in process (`benchmarks/perf/follower_list.py`).",
        "",
        *_table(["step", "followers", "wall (s)", "peak RSS (GB)"],
                [["import", _n(big["followers"]), big["import"]["seconds"],
                  _gb(big["import"]["peak_mb"])],
                 ["audit", _n(big["followers"]), big["audit"]["seconds"],
                  _gb(big["audit"]["peak_mb"])],
                 ["API audit (best / median of 5)", _n(api["followers"]),
                  f"{api['best_s']} / {api['median_s']}", "-"]]),
        "",
        f"- User objects {big['users_mb']:,} MB; the audit found {big['campaigns']} campaigns"
        f" and drew {big['map_points'] or 0:,} map points. API body {api['body_mb']} MB,"
        f" answer {api['response_mb']} MB, {api['campaigns']} campaigns; stages:"
        f" `{api['server_timing']}`.",
        f"- Goals: import + audit of 1,000,000 followers <= 60 s and <= 8 GB"
        f" ({_met(total_ok) if big['followers'] >= 1_000_000 else 'not run at this size'});"
        f" a 30,000-follower audit through the API <= 2 s ({_met(api['median_s'] <= 2)}).",
    ]


def _hotpath(r: dict) -> list[str]:
    out = [CHANGES, f"\"Before\" is commit `{r['baseline']}` (the tree before this work),"
           " \"after\" the"
           " current tree; both run back to back on the same inputs and model."
           " Profiles of the current code: `docs/profiles/`.", ""]
    audit = r.get("audit", {})
    if audit:
        b, a = audit["before"], audit["after"]
        rounds = a.get("rounds", 1)
        out.append(f"Audit of {_n(a['accounts'])} accounts / {_n(a['edges'])} edges, in-process"
                   f" (Flask test client, one torch thread), {a['requests']} requests on each"
                   f" side in {rounds} alternating rounds; server-side stages in ms, median and"
                   " minimum (the minimum is the least disturbed by other processes):")
        out.append("")
        names = list(dict.fromkeys([*b.get("stages_ms", {}), *a["stages_ms"]]))
        bm, am = b.get("stages_min_ms", {}), a.get("stages_min_ms", {})
        out += _table(["stage", "before median", "after median", "before min", "after min"],
                      [[s, b.get("stages_ms", {}).get(s, "-"), a["stages_ms"].get(s, "-"),
                        bm.get(s, "-"), am.get(s, "-")] for s in names])
        if "error" in b:
            out += ["", f"(baseline failed: `{b['error'][-200:]}`)"]
        out.append("")
    score = r.get("score", {})
    if score:
        b, a = score["before"], score["after"]
        out.append(f"Scoring {_n(a['accounts'])} accounts / {_n(a['edges'])} edges, stages in"
                   " seconds (one run each):")
        out.append("")
        names = list(a["stages"])
        out += _table(["stage", "before (s)", "after (s)"],
                      [[s, b.get("stages", {}).get(s, "-"), a["stages"][s]] for s in names]
                      + [["total", b.get("total", "-"), a["total"]],
                         ["peak RSS (GB)", _gb(b["peak_rss_mb"]) if "peak_rss_mb" in b else "-",
                          _gb(a["peak_rss_mb"])]])
        if "error" in b:
            out += ["", f"(baseline failed: `{b['error'][-200:]}`)"]
    return out


def _ray(r: dict) -> list[str]:
    if "local" not in r:  # a run of the old 2-hop engine
        return ["(measured with the 2-hop halo engine, since replaced; re-run the section)"]
    local = r["local"]
    return [
        f"{_n(r['accounts'])} accounts, {_n(r.get('edges', 0))} edges in {r['shards']}"
        f" Parquet shards, a local Ray instance with {r['cpus']} CPUs. Single-process"
        f" `ffd score` on the same graph: {local['seconds']} s, peak RSS"
        f" {_gb(local['peak_rss_mb'])} GB. Ray seconds"
        " exclude starting Ray; each part is one actor process, whose peak includes about"
        " 0.5 GB of imports (torch) and the model. One machine gives Ray no more cores than"
        " the single process has: the point is the memory per process.",
        "",
        *_table(["parts", "seconds", "driver peak (GB)", "largest part peak (GB)",
                 "largest part / single process", "halo rows (largest part)",
                 "max abs diff vs one process"],
                [[x["partitions"], x["seconds"], _gb(x["driver_peak_rss_mb"]),
                  _gb(x["largest_part_peak_rss_mb"]),
                  f"{x.get('largest_part_share_of_local', float('nan')):.0%}",
                  _n(max(p["halo"] for p in x["parts"])),
                  f"{x['max_abs_diff']:.1e}" if "max_abs_diff" in x else "-"]
                 for x in sorted(r["runs"], key=lambda x: x["partitions"])
                 if "error" not in x]),
        *[f"\n{x['partitions']} parts: failed (`{x['error'][-300:]}`)"
          for x in r["runs"] if "error" in x],
        *_ray_largest(r.get("largest")),
        "",
        *_ray_goals(r),
        "",
        "Peak RSS (GB) of the largest part after each stage (`training/partwise/worker.py`),"
        " and the least memory the machine had available during the run (all parts run on"
        " it at once):",
        "",
        *_table(["parts", "start (imports, model)", "ingest", "receive", "inbound",
                 "features", "rounds", "machine available (GB)"],
                [[x["partitions"], *[_gb(_largest(x)["peaks"].get(stage, float("nan")))
                                     for stage in ("start", "ingest", "receive", "inbound",
                                                   "features", "rounds")],
                  _gb(x.get("least_available_mb", float("nan")))]
                 for x in sorted(r["runs"], key=lambda x: x["partitions"])
                 if "error" not in x and "peaks" in x["parts"][0]]),
    ]


def _ray_largest(big: dict | None) -> list[str]:
    """The largest graph scored (``largest``: a ``ray_speed.measure`` result with its
    ``command``, measured once and copied into the section by hand)."""
    if not big:
        return []
    rows = [x for x in big["runs"] if "error" not in x]
    return ["", f"Largest graph scored: {_n(big['accounts'])} accounts, {_n(big['edges'])}"
            f" edges (`{big['command']}`): one process {big['local']['seconds']} s, peak"
            f" {_gb(big['local']['peak_rss_mb'])} GB; "
            + "; ".join(f"{x['partitions']} parts {x['seconds']} s, driver"
                        f" {_gb(x['driver_peak_rss_mb'])} GB, largest part"
                        f" {_gb(x['largest_part_peak_rss_mb'])} GB, max abs diff"
                        f" {x['max_abs_diff']:.1e}" for x in rows) + "."]


def _ray_goals(r: dict) -> list[str]:
    """Issue 17's goals, checked against the run with the most parts at 8 or fewer."""
    runs = [x for x in r["runs"] if "error" not in x and "max_abs_diff" in x]
    if not runs:
        return []
    x = max((x for x in runs if x["partitions"] <= 8), key=lambda x: x["partitions"],
            default=runs[0])
    share = x["largest_part_share_of_local"]
    met = lambda ok: "met" if ok else "missed"  # noqa: E731
    return [
        f"Goals at {x['partitions']} parts: largest part at most 25% of the single-process"
        f" peak: {share:.0%}, {met(share <= GOALS['ray_part_share'])}; driver at most 1 GB:"
        f" {_gb(x['driver_peak_rss_mb'])} GB, {met(x['driver_peak_rss_mb'] <= 1024)};"
        f" scores equal (at most 1e-5 apart): {x['max_abs_diff']:.1e},"
        f" {met(max(y['max_abs_diff'] for y in runs) <= 1e-5)} (all runs).",
    ]


def _largest(run: dict) -> dict:
    return max(run["parts"], key=lambda p: p["peak_rss_mb"])
