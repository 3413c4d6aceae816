"""The rules every importer shares: ranks, repeats, the future, extra profiles, observed_at."""

import numpy as np
import pytest

from detector.schema import FOLLOW
from importers.audience import Followers, ImportOptions, Links, audience
from importers.problems import InputError, Origin, Problems
from importers.profiles import Profiles, profiles

from .conftest import NOW, messages

DAY = 86_400.0


def listed(ids, at=None, position=None, name="ids.txt"):
    return Followers(np.asarray(ids, dtype=object), Origin.of(name, range(1, len(ids) + 1)),
                     at=None if at is None else np.asarray(at, dtype=np.float64),
                     position=None if position is None else np.asarray(position))


def build(followers, known=None, observed_at=None, **kwargs):
    problems = Problems()
    imported = audience("test", "T", followers, known or Profiles.empty(), problems,
                        ImportOptions(observed_at), now=NOW, **kwargs)
    return imported, problems


def ranked(imported):
    """Follower ids in rank order (oldest first) and their ranks."""
    mask = imported.rank >= 0
    ids = imported.accounts.ids[imported.edges.src[mask]]
    order = np.argsort(imported.rank[mask])
    return ids[order].tolist(), imported.rank[mask][order].tolist()


def test_the_newest_first_list_is_ranked_oldest_first():
    imported, problems = build(listed(["c", "b", "a"]))
    assert ranked(imported) == (["a", "b", "c"], [0, 1, 2])
    assert imported.accounts.ids.tolist() == ["T", "a", "b", "c"]
    assert (imported.edges.dst == 0).all() and (imported.edges.type == FOLLOW).all()
    assert problems.warnings == []


def test_exact_times_rank_and_ties_go_to_list_order():
    at = [NOW - DAY, NOW - 3 * DAY, NOW - 3 * DAY, NOW - 2 * DAY]
    imported, _ = build(listed(["d", "c", "b", "a"], at=at), by_time=True)
    # c and b followed in the same second; the list is newest first, so b is older.
    assert ranked(imported) == (["b", "c", "a", "d"], [0, 1, 2, 3])


def test_positions_order_the_list_and_their_gaps_stay():
    imported, _ = build(listed(["n", "m", "o"], position=[1, 2, 5]))
    assert ranked(imported) == (["o", "m", "n"], [0, 3, 4])


def test_a_repeated_follower_keeps_its_newest_listing():
    imported, problems = build(listed(["a", "b", "a", "c", "b"]))
    assert ranked(imported)[0] == ["c", "b", "a"]
    assert messages(problems.warnings) == [
        "ids.txt:3: follower 'a' listed again; the first (newest) listing (at ids.txt:1) kept",
        "ids.txt:5: follower 'b' listed again; the first (newest) listing (at ids.txt:2) kept",
    ]


def test_keep_last_keeps_the_oldest_listing():
    at = [NOW - DAY, NOW - 2 * DAY, NOW - 5 * DAY]
    imported, problems = build(listed(["a", "b", "a"], at=at), by_time=True, keep="last")
    assert ranked(imported)[0] == ["a", "b"]
    assert imported.edges.at[imported.rank == 0][0] == NOW - 5 * DAY
    assert "the last listing (at ids.txt:3) kept" in messages(problems.warnings)[0]


def test_the_target_among_its_followers_is_dropped():
    imported, problems = build(listed(["a", "T", "b"]))
    assert ranked(imported)[0] == ["b", "a"]
    assert messages(problems.warnings) == [
        "ids.txt:2: the target listed as its own follower; dropped"]


def test_future_creation_dates_and_follow_times_are_dropped():
    known = profiles(["a", "b"], Origin.of("users.jsonl", [1, 2]), Problems(),
                     created_at=np.array([NOW + DAY, NOW - DAY]))
    imported, problems = build(listed(["b", "a"], at=[NOW + 2 * DAY, NOW - 2 * DAY]), known,
                               by_time=True)
    assert np.isnan(imported.accounts.created_at[imported.accounts.ids == "a"]).all()
    assert imported.accounts.created_at[imported.accounts.ids == "b"][0] == NOW - DAY
    # b's follow time was impossible: it ranks as the newest, untimed.
    assert ranked(imported)[0] == ["a", "b"]
    assert np.isnan(imported.edges.at[imported.rank == 1]).all()
    assert messages(problems.warnings) == [
        "ids.txt:1: follow time 2025-01-03T00:00:00Z is after the import; dropped",
        "users.jsonl:1: created_at 2025-01-02T00:00:00Z is after the import; dropped",
    ]


def test_the_future_is_judged_against_an_explicit_observed_at():
    known = profiles(["a"], Origin.of("users.jsonl", [1]), Problems(),
                     created_at=np.array([NOW - 10 * DAY]))
    imported, problems = build(listed(["a"]), known, observed_at="2024-12-01T00:00:00Z")
    assert np.isnan(imported.accounts.created_at).all()
    assert "after observed_at 2024-12-01T00:00:00Z" in messages(problems.warnings)[0]
    assert imported.observed_at == NOW - 31 * DAY


def test_profiles_of_accounts_not_listed_are_kept_without_a_follow():
    known = profiles(["T", "a", "z"], Origin.of("users.jsonl", [1, 2, 3]), Problems(),
                     counts={"followers_count": [100, 1, 2]})
    imported, problems = build(listed(["a"]), known)
    assert imported.accounts.ids.tolist() == ["T", "a", "z"]
    assert imported.accounts.counts["followers_count"].tolist() == [100, 1, 2]
    assert len(imported.edges) == 1
    assert messages(problems.warnings) == [
        "users.jsonl:3: profile of 'z', who is not in the follower list: kept as an account "
        "without a follow edge"]


def test_a_repeated_profile_keeps_the_first():
    known = profiles(["a", "a"], Origin.of("users.jsonl", [1, 2]), Problems(),
                     counts={"followers_count": [1, 2]})
    imported, problems = build(listed(["a"]), known)
    assert imported.accounts.counts["followers_count"][1] == 1
    assert messages(problems.warnings) == [
        "users.jsonl:2: another profile of 'a'; the first (at users.jsonl:1) kept"]


@pytest.mark.parametrize(("at", "created", "observed", "expected"), [
    (None, None, "2024-06-01T00:00:00Z", 1_717_200_000.0),  # given
    ([NOW - 5 * DAY], [NOW - 9 * DAY], None, NOW - 5 * DAY),  # the newest stamp in the data
    (None, None, None, NOW),  # nothing to go by: the import's time
])
def test_observed_at(at, created, observed, expected):
    known = profiles(["a"], Origin.of("u", [1]), Problems(),
                     created_at=np.array(created if created else [np.nan]))
    imported, _ = build(listed(["a"], at=at), known, observed_at=observed)
    assert imported.observed_at == expected


def test_links_join_accounts_and_drop_loops_and_repeats():
    links = Links(np.array(["a", "a", "T", "b"], dtype=object),
                  np.array(["b", "b", "x", "b"], dtype=object),
                  np.array([1.0, 2.0, 3.0, 4.0]), Origin.of("f.json", [1, 2, 3, 4]))
    imported, _ = build(listed(["a", "b"]), links=links)
    ids = imported.accounts.ids
    extra = imported.rank < 0
    pairs = list(zip(ids[imported.edges.src[extra]], ids[imported.edges.dst[extra]],
                     strict=True))
    assert pairs == [("a", "b"), ("T", "x")]
    assert ids.tolist() == ["T", "b", "a", "x"]


def test_a_target_id_the_contract_refuses_is_an_error():
    with pytest.raises(InputError, match="--target"):
        audience("test", "a\nb", listed(["a"]), Profiles.empty(), Problems(), ImportOptions())


def test_observed_at_must_be_a_time():
    with pytest.raises(ValueError, match="ISO 8601"):
        ImportOptions(observed_at="yesterday")
