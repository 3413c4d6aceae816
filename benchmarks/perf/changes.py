"""The prose of docs/performance.md's hot-path section: what the work changed and why
(the figures come from the JSON, ``benchmarks.perf.report``)."""

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
- **`ffd score` at a million accounts** (session 18, commits 2bdc824 and after; scores
  within 1e-7 of before on the 1M-account graph, profiled with pyinstrument): the
  ensemble handed `propagate` the transpose of its `[K, N]` evidence, and every
  propagation round gathered strided rows (the five values of a row 4 MB apart), 3.6 s
  of index_select where contiguous rows take 0.3 s. The feature groups (campaigns, the
  cohort, the other time columns, profile, graph) run on as many threads as torch uses
  (`compute_features(threads=...)`; one in each API worker): numpy's sorts and searches
  release the GIL, features 13.5 -> 7.5 s on two cores, same values. The lockstep sort
  by (target, time) is an int64 key sorted by numpy's vectorised quicksort when every
  time is a whole second (the form of every platform's timestamps), else a sort by time
  then a 16-bit radix over the targets, 1.2 s instead of the stable complex-key sort's
  2.4 s; the window searches stay exact. Parquet timestamps become epoch seconds from
  the column's integer ticks (2.5 s -> 0.3 s for 11M edges; whole seconds exact), the
  normaliser works in blocks of 16,384 rows (1.3 s -> 0.25 s in a fresh process, mostly
  first-touched pages), torch's multi-threaded `tanh_` replaces NumPy's on large packed
  layers, the MLP baseline builds no edges, and from 2M endpoints on the validation looks
  up sources and targets on a thread each (5.7 -> 4.8 s on average at 1M accounts). Same
  scoring benchmark on the same machine: 12.7x the SAGE floor before; after, five runs
  gave 9.6x, 9.5x, 7.4x, 12.1x and 8.5x while the machine's speed swung (the floor of
  the same run 2.5-4.2 s).
"""
