"""Profile columns: values the contract refuses are dropped (warning) or refused (ids)."""

import numpy as np
import pytest

from importers.problems import InputError, Origin, Problems
from importers.profiles import merge, profiles


def test_columns_keep_missing_as_missing():
    problems = Problems()
    p = profiles(["a", "b"], Origin.of("u.jsonl", [1, 2]), problems,
                 counts={"followers_count": [3, None]}, flags={"verified": [None, True]},
                 texts={"bio": ["", None]}, created_at=np.array([5.0, np.nan]))
    a = p.accounts
    assert a.counts["followers_count"][0] == 3 and np.isnan(a.counts["followers_count"][1])
    assert np.isnan(a.flags["verified"][0]) and a.flags["verified"][1] == 1
    assert a.texts["bio"].tolist() == ["", None]
    assert np.isnan(a.counts["posts_count"]).all()  # not given at all
    assert problems.warnings == []


def test_values_the_contract_refuses_are_dropped_with_a_warning():
    problems = Problems()
    p = profiles(["a", "b"], Origin.of("u.jsonl", [4, 9]), problems,
                 counts={"followers_count": [-1, 10**13]}, texts={"bio": ["x" * 10_001, "ok"]})
    assert np.isnan(p.accounts.counts["followers_count"]).all()
    assert p.accounts.texts["bio"].tolist() == [None, "ok"]
    assert [str(w) for w in problems.warnings] == [
        "u.jsonl:4: followers_count -1 is not a count; dropped",
        "u.jsonl:9: followers_count 10000000000000 is not a count; dropped",
        "u.jsonl:4: bio longer than 10,000 characters; dropped",
    ]


def test_ids_the_contract_refuses_are_errors():
    problems = Problems()
    profiles([None, "", "a\nb", "x" * 257, "fine"], Origin.of("u.jsonl", [1, 2, 3, 4, 5]),
             problems)
    with pytest.raises(InputError) as raised:
        problems.check()
    assert [e.path for e in raised.value.errors] == [f"u.jsonl:{i}" for i in (1, 2, 3, 4)]


def test_merge_fills_what_the_first_lacks():
    problems = Problems()
    first = profiles(["a", "b"], Origin.of("x.json", [1, 2]), problems,
                     counts={"followers_count": [1207, None]}, texts={"bio": [None, "b1"]})
    second = profiles(["c", "a", "a"], Origin.of("y.csv", [2, 3, 4]), problems,
                      counts={"followers_count": [5, 1200, 7], "posts_count": [1, 212, 9]},
                      texts={"bio": ["c2", "a2", "a3"]})
    merged = merge(first, second)
    assert merged.ids.tolist() == ["a", "b", "c"]
    assert merged.accounts.counts["followers_count"].tolist()[:1] == [1207]
    assert merged.accounts.counts["posts_count"][0] == 212  # the first profile of "a"
    assert merged.accounts.texts["bio"].tolist() == ["a2", "b1", "c2"]
