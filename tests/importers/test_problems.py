"""Origins name file and line (or entry); problems gather errors and sum up warnings."""

import numpy as np
import pytest

from detector.errors import GraphValidationError
from importers.problems import MAX_LISTED, InputError, Origin, Problems


def test_origin_names_file_and_line_or_entry():
    lines = Origin.of("users.jsonl", [3, 0])
    entries = Origin.of("followers_1.json", [7], unit="entry")
    both = Origin.concat([lines, entries, Origin.of("users.jsonl", [9])])
    assert [both.where(i) for i in range(4)] == [
        "users.jsonl:3", "users.jsonl", "followers_1.json: entry 7", "users.jsonl:9"]
    assert both.files == ["users.jsonl", "followers_1.json"]
    assert both.take(np.array([3, 2])).where(0) == "users.jsonl:9"


def test_errors_are_raised_together_as_a_validation_error():
    problems = Problems()
    problems.error("a.json:1", "bad")
    problems.error("a.json:2", "worse")
    problems.warn("a.json:3", "odd")
    with pytest.raises(InputError) as raised:
        problems.check()
    assert isinstance(raised.value, GraphValidationError)
    assert [str(e) for e in raised.value.errors] == ["a.json:1: bad", "a.json:2: worse"]
    assert raised.value.title == "cannot import"


def test_too_many_errors_stop_the_reading():
    problems = Problems()
    with pytest.raises(InputError) as raised:
        for i in range(1000):
            problems.error(f"f:{i}", "bad")
    assert len(raised.value.errors) == GraphValidationError.MAX_ISSUES


def test_row_warnings_are_listed_then_summed_up():
    problems = Problems()
    origin = Origin.of("f.csv", np.arange(2, 40))
    problems.warn_rows(origin, np.arange(30), lambda i: f"row {i} odd", "{n} odd rows in all")
    assert len(problems.warnings) == MAX_LISTED + 1
    assert str(problems.warnings[0]) == "f.csv:2: row 0 odd"
    assert str(problems.warnings[-1]) == "30 odd rows in all"
