"""Cross-row checks shared by every input form: ids, endpoints, target, loops, repeats."""

from __future__ import annotations

import math

import numpy as np
import pyarrow as pa
import pytest

from detector import assemble as assembly
from detector.assemble import MAX_WARNINGS, EdgeColumns, _repeats, assemble
from detector.errors import GraphValidationError, Issue
from detector.graph import Accounts, Edges
from detector.schema import EDGE_CODE

FOLLOW = EDGE_CODE["follow"]


def columns(pairs: list[tuple[str, str]], at: list[float] | None = None) -> EdgeColumns:
    n = len(pairs)
    return EdgeColumns(
        source=np.array([s for s, _ in pairs], dtype=object),
        target=np.array([t for _, t in pairs], dtype=object),
        type=np.full(n, FOLLOW, np.int8),
        at=np.array(at if at is not None else [np.nan] * n, dtype=np.float64),
        weight=np.ones(n, np.int64),
        rank=np.full(n, -1, np.int64),
    )


def accounts(*ids: str) -> Accounts:
    return Accounts.empty(np.array(ids, dtype=object))


def test_endpoints_become_indices() -> None:
    graph = assemble(accounts("a", "b", "c"), columns([("c", "a"), ("a", "b")]), target="c",
                     observed_at=7.0)
    assert graph.edges.src.tolist() == [2, 0] and graph.edges.dst.tolist() == [0, 1]
    assert graph.edges.src.dtype == np.int64 and graph.target == 2 and graph.observed_at == 7.0


def test_issues_from_the_caller_are_raised_with_these() -> None:
    earlier = [Issue("accounts[0].bio", "must be a string or null, got 5")]
    with pytest.raises(GraphValidationError) as info:
        assemble(accounts("a"), columns([("a", "x")]), issues=earlier)
    assert [str(i) for i in info.value.errors] == [
        "accounts[0].bio: must be a string or null, got 5",
        "edges[0].target: unknown account 'x'",
    ]


def test_an_endpoint_already_refused_is_not_also_unknown() -> None:
    earlier = [Issue("edges[0].source", "is required"), Issue("edges[1]", "must be an object")]
    with pytest.raises(GraphValidationError) as info:
        assemble(accounts("a"), columns([("", "a"), ("", ""), ("a", "q")]), issues=earlier)
    assert [str(i) for i in info.value.errors][2:] == ["edges[2].target: unknown account 'q'"]


def test_duplicate_ids_check_endpoints_against_the_first() -> None:
    with pytest.raises(GraphValidationError) as info:
        assemble(accounts("a", "b", "a"), columns([("a", "b")]), accounts_path="nodes")
    assert [str(i) for i in info.value.errors] == [
        "nodes[2].id: duplicate id 'a' (first at nodes[0])"
    ]


def test_repeats_need_the_same_time() -> None:
    graph = assemble(accounts("a", "b"), columns([("a", "b")] * 3, at=[1.0, 1.0, 2.0]))
    assert [str(w) for w in graph.warnings] == ["edges[1]: duplicate edge dropped"]
    assert graph.edges.at.tolist() == [1.0, 2.0]


def test_many_repeats_are_summarised() -> None:
    n = MAX_WARNINGS + 5
    graph = assemble(accounts("a", "b"), columns([("a", "b")] * (n + 1)), edges_path="links")
    assert graph.num_edges == 1
    assert len(graph.warnings) == MAX_WARNINGS + 1
    assert str(graph.warnings[0]) == "links[1]: duplicate edge dropped"
    assert str(graph.warnings[-1]) == f"links: {n} duplicate edges dropped in all"


def test_unknown_endpoints_are_capped() -> None:
    pairs = [("a", f"x{i}") for i in range(300)]
    with pytest.raises(GraphValidationError) as info:
        assemble(accounts("a"), columns(pairs))
    assert len(info.value.errors) == GraphValidationError.MAX_ISSUES


def arrow(values: list[str | None], chunk: int = 2) -> pa.ChunkedArray:
    """Arrow strings in chunks of ``chunk`` rows, as a Parquet reader hands them over."""
    parts = [values[i : i + chunk] for i in range(0, len(values), chunk)] or [[]]
    return pa.chunked_array(parts, type=pa.large_string())


@pytest.mark.parametrize("kind", ["object", "array", "chunked"])
def test_arrow_endpoints_give_the_same_rows(kind: str) -> None:
    # runs of equal sources (looked up once), and unbroken targets
    pairs = [("c", "a"), ("c", "b"), ("c", "b"), ("a", "b"), ("a", "c"), ("b", "c")]
    edges = columns(pairs, at=[float(i) for i in range(6)])
    if kind != "object":
        make = (lambda v: pa.array(v, type=pa.string())) if kind == "array" else arrow
        edges.source, edges.target = make([s for s, _ in pairs]), make([t for _, t in pairs])
    graph = assemble(accounts("a", "b", "c"), edges)
    assert graph.edges.src.tolist() == [2, 2, 2, 0, 0, 1]
    assert graph.edges.dst.tolist() == [0, 1, 1, 1, 2, 2]
    assert graph.edges.src.dtype == graph.edges.dst.dtype == np.int64


@pytest.mark.parametrize("kind", ["array", "chunked"])
def test_each_end_on_its_own_thread_gives_the_rows_of_one_lookup(monkeypatch, kind) -> None:
    rng = np.random.default_rng(0)
    ids = [f"u{i}" for i in range(50)]
    # runs of equal sources, scattered targets, unknown ids and nulls on both sides
    source = [ids[i // 4] for i in range(200)] + ["nobody", None, "u3"]
    target = [ids[int(k)] for k in rng.integers(0, 50, 200)] + ["u1", "ghost", None]
    make = (lambda v: pa.array(v, type=pa.string())) if kind == "array" else arrow
    known = pa.array(ids, type=pa.string())
    one = assembly._arrow_positions(make(source), make(target), known)
    monkeypatch.setattr(assembly, "PARALLEL_ENDPOINTS", 0)
    monkeypatch.setattr(assembly.os, "cpu_count", lambda: 2)
    threads = assembly._arrow_positions(make(source), make(target), known)
    for a, b, values in zip(one, threads, (source, target), strict=True):
        np.testing.assert_array_equal(a, b)
        expected = [ids.index(v) if v in ids else -1 for v in values]
        assert a.tolist() == expected and a.dtype == np.int64


def test_arrow_unknown_endpoints_are_named_as_from_json() -> None:
    # sources in runs (an unknown id looked up once), targets not
    pairs = [("a", "a"), ("x", "a"), ("x", "a"), ("x", "y"), ("a", "é"), ("a", "a")]
    expected = [
        "edges[1].source: unknown account 'x'",
        "edges[2].source: unknown account 'x'",
        "edges[3].source: unknown account 'x'",
        "edges[3].target: unknown account 'y'",
    ]
    sources, targets = [s for s, _ in pairs], [t for _, t in pairs]
    for make in (lambda v: np.array(v, dtype=object), arrow):
        edges = columns(pairs)
        edges.source, edges.target = make(sources), make(targets)
        with pytest.raises(GraphValidationError) as info:
            assemble(accounts("a", "é"), edges)
        assert [str(i) for i in info.value.errors] == expected


def test_arrow_null_endpoints_already_refused_are_not_unknown() -> None:
    edges = columns([("a", "b")] * 4)
    edges.source, edges.target = arrow(["a", None, None, "a"]), arrow(["b", "b", "b", "q"])
    earlier = [Issue("edges[1].source", "is required"), Issue("edges[2].source", "is required")]
    with pytest.raises(GraphValidationError) as info:
        assemble(accounts("a", "b"), edges, issues=earlier)
    assert [str(i) for i in info.value.errors][2:] == ["edges[3].target: unknown account 'q'"]


def test_ids_arrow_cannot_hold_fall_back_to_python_strings() -> None:
    edges = columns([("a", "b")])
    edges.source, edges.target = arrow(["a"]), arrow(["b"])
    graph = assemble(accounts("a", "\ud800", "b"), edges)  # a lone surrogate
    assert graph.edges.src.tolist() == [0] and graph.edges.dst.tolist() == [2]


def reference_repeats(src: list, dst: list, kind: list, at: list) -> list[bool]:
    """Each row against the rows before it, one at a time."""
    seen, out = set(), []
    for row in zip(src, dst, kind, at, strict=True):
        s, d, k, t = row
        key = (s, d, k, -1.0 if math.isnan(t) else t + 0.0)
        out.append(key in seen)
        seen.add(key)
    return out


# Few accounts: most rows share endpoints and type; many: a few copied rows do.
@pytest.mark.parametrize(("rows", "n"), [(6, 2), (60, 3), (600, 300)])
def test_repeats_match_a_row_by_row_reference(rows: int, n: int) -> None:
    rng = np.random.default_rng(rows)
    for _ in range(20):
        src, dst = rng.integers(0, n, rows), rng.integers(0, n, rows)
        kind = rng.integers(0, 2, rows).astype(np.int8)
        # ties: missing equals -1, -0.0 equals 0.0
        at = rng.choice([np.nan, -1.0, 0.0, -0.0, 2.5], rows)
        copied, onto = rng.integers(0, rows, (2, 10))
        src[onto], dst[onto], kind[onto] = src[copied], dst[copied], kind[copied]
        edges = Edges(src=src, dst=dst, type=kind, at=at, weight=np.ones(rows, np.int64),
                      rank=np.full(rows, -1, np.int64), at_estimated=np.zeros(rows, bool))
        expected = reference_repeats(src.tolist(), dst.tolist(), kind.tolist(), at.tolist())
        assert _repeats(edges, n).tolist() == expected


def test_one_repeat_among_many_distinct_edges() -> None:
    ids = [f"u{i}" for i in range(40)]
    pairs = [(ids[i], ids[(i + 1) % 40]) for i in range(40)] + [("u7", "u8"), ("u7", "u8")]
    graph = assemble(accounts(*ids), columns(pairs, at=[1.0] * 40 + [2.0, 1.0]))
    assert [str(w) for w in graph.warnings] == ["edges[41]: duplicate edge dropped"]
    assert graph.num_edges == 41


def created(ids: tuple[str, ...], dates: list[float]) -> Accounts:
    table = accounts(*ids)
    table.created_at = np.array(dates, dtype=np.float64)
    return table


def test_an_edge_before_either_account_existed_is_kept_with_a_warning() -> None:
    day = 86_400.0
    table = created(("old", "new", "unknown"), [0.0, 100 * day, math.nan])
    pairs = [("new", "old"), ("old", "new"), ("new", "old"), ("old", "unknown"),
             ("unknown", "old"), ("old", "new")]
    at = [99.5 * day, 50 * day, 100 * day, -5 * day, 5 * day, math.nan]
    graph = assemble(table, columns(pairs, at))
    assert [(w.path, w.message) for w in graph.warnings] == [
        ("edges[1].at", "follow more than a day before 'new' was created; kept as given"),
        ("edges[3].at", "follow more than a day before 'old' was created; kept as given"),
    ]
    # Within the slack (creation dates given to the day), at the creation, unknown
    # creation on both ends or an untimed edge: read as they stand.
    np.testing.assert_array_equal(graph.edges.at, np.array(at))


def test_many_edges_before_creation_are_summarised_and_dropped_edges_are_not_named() -> None:
    n = MAX_WARNINGS + 5
    ids = tuple(f"a{i}" for i in range(n + 1))
    table = created(ids, [1e9] * (n + 1))
    pairs = [(ids[i], ids[i + 1]) for i in range(n)] + [(ids[0], ids[0])]  # a self-loop
    graph = assemble(table, columns(pairs, [0.0] * (n + 1)))
    messages = [w.message for w in graph.warnings]
    assert messages.count("self-loop on 'a0' dropped") == 1
    early = [w for w in graph.warnings if w.path.endswith(".at")]
    assert len(early) == MAX_WARNINGS and all(int(w.path[6:-4]) < n for w in early)
    assert graph.warnings[-1] == Issue("edges", f"{n} edges timed more than a day before the "
                                                "creation of one of their accounts in all")
