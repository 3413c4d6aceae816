"""The all-or-nothing column conversions: exact on valid columns, ``None`` on anything
else, including the values a vectorised converter would coerce silently."""

from __future__ import annotations

import math
from datetime import UTC, datetime

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from detector import columns
from detector.schema import EDGE_CODE, LABELS, MAX_COUNT
from detector.validate import parse_timestamp


class Text(str):
    """A ``str`` subclass: no JSON parser makes one, and the careful path refuses it."""


class Record(dict):
    """A ``dict`` subclass whose ``get`` the column must honour."""

    def get(self, key, default=None):
        return "overridden"


STAMP = "2024-11-02T03:14:00Z"
LABEL_TABLE = {None: -1, **{name: code for code, name in enumerate(LABELS)}}


def test_column_reads_a_field_and_honours_dict_subclasses() -> None:
    records = [{"a": 1}, {}, {"a": None}]
    assert columns.column(records, "a") == [1, None, None]
    assert columns.column([Record(a=1)], "a", exact=False) == ["overridden"]


@pytest.mark.parametrize("col", [["a", "b"], []])
def test_strings(col: list) -> None:
    out = columns.strings(col)
    assert out.dtype == object and out.tolist() == col


@pytest.mark.parametrize("col", [["a", None], ["a", 1], ["a", Text("b")], [b"a"]])
def test_strings_refuse_anything_but_str(col: list) -> None:
    assert columns.strings(col) is None


def test_ids() -> None:
    assert columns.ids(["a", "é", "💥"], 256).tolist() == ["a", "é", "💥"]
    assert columns.ids([], 256).tolist() == []


@pytest.mark.parametrize(
    "col", [["a", ""], ["a", "x" * 257], ["a", "b\x00"], ["a\x7f"], ["a", None], [Text("a")]]
)
def test_ids_refuse_what_the_careful_path_names(col: list) -> None:
    assert columns.ids(col, 256) is None


def test_texts() -> None:
    assert columns.texts(["a", None, ""], 3).tolist() == ["a", None, ""]
    assert columns.texts(["abcd"], 3) is None
    assert columns.texts([Text("a")], 3) is None
    assert columns.texts([1], 3) is None


def test_integers_are_float64_with_nan_for_missing() -> None:
    out = columns.integers([0, None, MAX_COUNT], 0, MAX_COUNT)
    assert out.dtype == np.float64
    np.testing.assert_array_equal(out, [0.0, np.nan, float(MAX_COUNT)])
    assert np.isnan(columns.integers([None, None], 0, 10)).all()


@pytest.mark.parametrize(
    "value",
    [
        True,  # numpy would read it as 1
        False,
        1.0,  # the careful path accepts a whole float; the fast path leaves it to it
        float("nan"),
        -1,
        MAX_COUNT + 1,
        2**63,  # beyond int64
        10**400,  # beyond float64: OverflowError, not a crash
        "5",
    ],
)
def test_integers_refuse_coercible_values(value: object) -> None:
    assert columns.integers([1, value], 0, MAX_COUNT) is None


def test_booleans() -> None:
    out = columns.booleans([True, None, False])
    np.testing.assert_array_equal(out, [1.0, np.nan, 0.0])


@pytest.mark.parametrize("value", [1, 0, 1.0, "true"])
def test_booleans_refuse_numbers(value: object) -> None:
    assert columns.booleans([True, value]) is None


def test_table_converts_equal_length_columns_at_once() -> None:
    out = columns.table([[1, None], [None, 2]], columns.integers, 0, 10)
    np.testing.assert_array_equal(np.array(out), [[1, np.nan], [np.nan, 2]])
    assert columns.table([[1, None], [True, 2]], columns.integers, 0, 10) is None


def test_checked_columns_skip_the_type_pass_only_for_their_declared_types() -> None:
    # A decoder vouches for the types, so only() trusts them (the pass is skipped; the
    # values here are deliberately not what the kinds say, to show it is not re-read)...
    vouched = columns.Checked([1, None], frozenset({str, type(None)}))
    assert columns.only(vouched, str, type(None))
    assert columns.only(vouched, str, type(None), int)
    # ...but never for a type it did not declare: then the values are checked as usual.
    assert not columns.only(columns.Checked(["a", None], frozenset({str, type(None)})), str)
    assert columns.only(columns.Checked(["a"], frozenset({str, type(None)})), str)


def test_checked_timestamps_equal_unchecked() -> None:
    col = ["2024-02-29T23:59:59Z", None, "1970-01-01T00:00:00Z", None]
    checked = columns.Checked(col, frozenset({str, type(None)}))
    np.testing.assert_array_equal(columns.timestamps(checked), columns.timestamps(col))
    assert columns.timestamps(columns.Checked(["2024-02-30T00:00:00Z", None],
                                              frozenset({str, type(None)}))) is None


def test_table_keeps_checked_columns_checked() -> None:
    counts = [columns.Checked([1, None], frozenset({int, type(None)})),
              columns.Checked([2, 3], frozenset({int}))]
    out = columns.table(counts, columns.integers, 0, 10)
    np.testing.assert_array_equal(out[0], [1.0, np.nan])
    np.testing.assert_array_equal(out[1], [2.0, 3.0])
    seen = []
    columns.table(counts, lambda col: seen.append(col) or np.zeros(4))
    assert type(seen[0]) is columns.Checked and seen[0].kinds == {int, type(None)}
    columns.table([[1, 2], counts[1]], lambda col: seen.append(col) or np.zeros(4))
    assert type(seen[1]) is list  # one plain column: nothing is vouched for


def test_codes() -> None:
    np.testing.assert_array_equal(columns.codes(["like", "follow"], EDGE_CODE), [2, 0])
    np.testing.assert_array_equal(columns.codes([None, "bought"], LABEL_TABLE), [-1, 1])
    assert columns.codes([None, None], LABEL_TABLE).dtype == np.int8


@pytest.mark.parametrize("value", [None, "follows", 0, True, ["like"], Text("like")])
def test_edge_codes_refuse_unknown_missing_and_unhashable(value: object) -> None:
    assert columns.codes(["like", value], EDGE_CODE) is None


def test_timestamps_are_utc_epoch_seconds() -> None:
    col = ["1970-01-01T00:00:00Z", None, "2024-02-29T23:59:59Z", "0001-01-01T00:00:00Z"]
    expected = [0.0, np.nan, parse_timestamp(col[2]), parse_timestamp(col[3])]
    np.testing.assert_array_equal(columns.timestamps(col), expected)
    assert np.isnan(columns.timestamps([None, None])).all()


@pytest.mark.parametrize(
    "col",
    [
        ["2023-02-29T00:00:00Z"],  # no such day
        ["1900-02-29T00:00:00Z"],  # 1900 is not a leap year
        ["2024-04-31T00:00:00Z"],
        ["2024-13-01T00:00:00Z"],
        ["2024-00-01T00:00:00Z"],
        ["2024-01-00T00:00:00Z"],
        ["0000-01-01T00:00:00Z"],
        ["2024-01-01T24:00:00Z"],
        ["2024-01-01T23:60:00Z"],
        ["2024-01-01T23:59:60Z"],
        ["2024-01-01T00:00:00+00:00"],  # valid, but another form: the careful path reads it
        ["2024-01-01t00:00:00Z"],
        ["２024-01-01T00:00:00Z"],  # a non-ASCII digit
        [STAMP, ""],
        [STAMP[:-1], "Z" + STAMP],  # lengths 19 and 21 add up to two rows of 20
        [STAMP + "|" + STAMP, "", None],  # a separator inside a value makes up for the ""
        [STAMP + STAMP, None],
        [Text(STAMP)],
        [STAMP, 1_700_000_000],
    ],
)
def test_timestamps_refuse_everything_else(col: list) -> None:
    assert columns.timestamps(col) is None


def _stamp(digits: str) -> str:
    d = digits
    return f"{d[:4]}-{d[4:6]}-{d[6:8]}T{d[8:10]}:{d[10:12]}:{d[12:14]}Z"


#: Times in the fast form from any 14 digits (mostly impossible dates) or from real
#: datetimes over Python's whole range.
fast_form = st.text("0123456789", min_size=14, max_size=14).map(_stamp) | st.datetimes(
    min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 31)
).map(lambda t: t.replace(microsecond=0, tzinfo=UTC).isoformat().replace("+00:00", "Z"))


@settings(max_examples=300, deadline=None)
@given(st.lists(fast_form | st.none(), max_size=8))
def test_timestamps_agree_with_fromisoformat_and_take_every_valid_column(col: list) -> None:
    out = columns.timestamps(col)
    one_by_one = [math.nan if v is None else parse_timestamp(v) for v in col]
    if any(v is None for v in one_by_one) or not col:
        assert out is None  # some value is refused (or the column is empty): careful path
    else:
        assert out is not None
        np.testing.assert_array_equal(out, one_by_one)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.none() | st.integers(-3, 2**64) | st.booleans() | st.floats(), max_size=6))
def test_integers_take_exactly_the_in_range_ints(col: list) -> None:
    out = columns.integers(col, 0, 2**40)
    exact = all(v is None or (type(v) is int and 0 <= v <= 2**40) for v in col)
    assert (out is not None) == exact
    if exact:
        np.testing.assert_array_equal(out, [math.nan if v is None else float(v) for v in col])
