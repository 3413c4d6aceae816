"""The vectorised timestamp path of the validator agrees with parsing one by one."""

from __future__ import annotations

import numpy as np
import pytest

from detector import columns
from detector.validate import _Collector, _timestamps, parse_timestamp


def one_by_one(col: list) -> np.ndarray:
    return np.array([np.nan if v is None or parse_timestamp(v) is None else parse_timestamp(v)
                     for v in col])


@pytest.mark.parametrize("col", [
    ["2024-01-01T00:00:00Z", None, "1969-12-31T23:59:59Z"],
    ["2024-02-29T12:30:05Z"],
    ["9999-12-31T23:59:59Z", "0001-01-01T00:00:00Z"],
])
def test_the_fast_path_takes_the_common_form(col):
    fast = columns.timestamps(col)
    assert fast is not None
    np.testing.assert_array_equal(fast, one_by_one(col))


@pytest.mark.parametrize("value", [
    "2024-01-01T23:59:60Z",  # second 60
    "2024-01-01T24:00:00Z",  # hour 24
    "2023-02-29T00:00:00Z",  # not a leap year
    "0000-01-01T00:00:00Z",  # year 0
    "+024-01-01T00:00:00Z",  # sign
    "-024-01-01T00:00:00Z",
    "２024-01-01T00:00:00Z",  # non-ASCII digit
    "2024-01-01t00:00:00Z",  # valid for fromisoformat, other form: slow path
    "2024-01-01T00:00:00+00:00",
    "2024-01-01",
])
def test_anything_else_goes_one_by_one_with_the_same_result(value):
    col = ["2024-01-01T00:00:00Z", value]
    assert columns.timestamps(col) is None
    bad = _Collector()
    got = _timestamps(col, "edges[{}].at", bad)
    np.testing.assert_array_equal(got, one_by_one(col))
    assert (len(bad.issues) == 1) == (parse_timestamp(value) is None)


def test_non_strings_and_empty_columns_are_left_to_the_slow_path():
    assert columns.timestamps([5]) is None
    assert columns.timestamps([]) is None
