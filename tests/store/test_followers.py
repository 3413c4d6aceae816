"""The follower-set codec and account interning."""

from __future__ import annotations

import numpy as np
import pytest

from store.followers import decode, encode, intern, names, resolve


@pytest.mark.parametrize("keys", [
    [], [0], [1, 2, 3], [5, 2**32 - 1], list(range(0, 300_000, 3)),
])
def test_encode_decode_round_trip(keys):
    blob = encode(np.array(keys, dtype=np.int64))
    assert decode(blob).tolist() == keys


def test_random_sets_round_trip_and_dense_sets_are_small():
    rng = np.random.default_rng(1)
    sparse = np.unique(rng.integers(0, 5_000_000, 50_000))
    assert np.array_equal(decode(encode(sparse)), sparse)
    dense = np.arange(1, 100_001)
    assert len(encode(dense)) < 1_000  # 100,000 followers with consecutive keys


@pytest.mark.parametrize("keys", [[3, 2], [1, 1], [-1, 4]])
def test_encode_refuses_unsorted_duplicate_or_negative_keys(keys):
    with pytest.raises(ValueError, match="sorted and unique"):
        encode(np.array(keys))


def test_decode_refuses_an_unknown_layout():
    with pytest.raises(ValueError, match="layout"):
        decode(b"\x09abc")


def test_intern_gives_stable_keys_and_resolve_names_round_trip(store):
    def run(session):
        first = intern(session, ["b", "a", "c", "a"])
        again = intern(session, ["c", "d"])
        return first, again, resolve(session, ["a", "zz", "d"]), names(session, first)
    first, again, found, named = store.write(run)
    assert first[1] == first[3] and len(set(first.tolist())) == 3
    assert again[0] == first[2]
    assert sorted(first[:3].tolist()) == [first[1], first[0], first[2]]  # sorted ids, keys up
    assert found[1] == -1 and found[0] == first[1] and found[2] == again[1]
    assert [named[k] for k in first.tolist()] == ["b", "a", "c", "a"]
