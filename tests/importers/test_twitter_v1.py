"""twitter-v1: v1.1 user objects + follower ids -> an audience with ranks."""

import gzip
import shutil

import pytest

from importers.audience import ImportOptions
from importers.problems import InputError
from importers.twitter_v1 import TwitterV1Files, import_twitter_v1

from .conftest import FIXTURES, NOW, accounts, follows, messages

D = FIXTURES / "twitter_v1"
PAGES = (D / "followers_p1.json", D / "followers_p2.json")


def run(users=(D / "users.jsonl",), ids=PAGES, target="783214", observed_at=None):
    files = TwitterV1Files(users=tuple(users), follower_ids=tuple(ids), target=target)
    return import_twitter_v1(files, ImportOptions(observed_at), now=NOW)


def test_fields_are_mapped(written):
    doc = written(run())
    assert doc["target"] == "783214"
    target = accounts(doc)["783214"]
    assert target == {"platform": "twitter",
        "id": "783214", "username": "X", "bio": "what's happening?!",
        "created_at": "2007-02-20T14:35:54Z", "followers_count": 59004014,
        "following_count": 2, "posts_count": 15072, "likes_count": 6123,
        "listed_count": 76923, "has_avatar": True, "verified": True, "private": False}
    fresh = accounts(doc)["9007199254740993"]
    assert fresh["has_avatar"] is False and fresh["bio"] == "" and fresh["following_count"] == 4880
    assert accounts(doc)["1456321098765432101"]["private"] is True


def test_ranks_reverse_the_newest_first_list(written):
    doc = written(run())
    assert [(e["source"], e["rank"]) for e in follows(doc)] == [
        ("555", 0), ("25073877", 1), ("1456321098765432101", 2), ("9007199254740993", 3)]
    assert all("at" not in e for e in doc["edges"])  # v1.1 has no follow times


def test_ids_beyond_2_53_survive_and_id_str_wins(written):
    ids = set(accounts(written(run())))
    # 9007199254740993 = 2^53 + 1 has no float; 1456321098765432101 is id_str (id says ...100).
    assert {"9007199254740993", "1456321098765432101"} <= ids
    assert "1456321098765432100" not in ids


def test_ids_without_a_user_object_stay_bare(written):
    assert accounts(written(run()))["555"] == {"platform": "twitter", "id": "555"}


def test_the_text_list_gives_the_same_graph(written):
    assert written(run(ids=(D / "followers.txt",))) == written(run())


def test_gzipped_users_and_the_target_by_screen_name(tmp_path, written):
    packed = tmp_path / "users.jsonl.gz"
    packed.write_bytes(gzip.compress((D / "users.jsonl").read_bytes()))
    assert written(run(users=(packed,), target="@x")) == written(run())


def test_observed_at_defaults_to_the_newest_creation_date(written):
    assert written(run())["observed_at"] == "2024-03-04T09:12:00Z"
    assert written(run(observed_at="2025-06-01T00:00:00Z"))["observed_at"] == "2025-06-01T00:00:00Z"


def test_a_malformed_line_names_file_and_line(tmp_path):
    users = tmp_path / "users.jsonl"
    lines = (D / "users.jsonl").read_text().splitlines()
    lines[1] = lines[1][:40]  # cut short
    lines[3] = lines[3].replace('"followers_count": 310', '"followers_count": "310"')
    users.write_text("\n".join(lines) + "\n")
    with pytest.raises(InputError) as raised:
        run(users=(users,))
    assert messages(raised.value.errors) == [
        f"{users}:2: not valid JSON: input data was truncated",
        f"{users}:4: followers_count: expected int | null, got str",
    ]


def test_future_creation_dates_and_unknown_users_are_warnings(tmp_path):
    users = tmp_path / "users.jsonl"
    users.write_text((D / "users.jsonl").read_text().replace("+0000 2024", "+0000 2031")
                     + '{"id_str": "42", "screen_name": "not_a_follower"}\n')
    imported = run(users=(users,))
    assert messages(imported.warnings) == [
        f"{users}:2: created_at 2031-03-04T09:12:00Z is after the import; dropped",
        f"{users}:6: profile of '42', who is not in the follower list: kept as an account "
        "without a follow edge",
    ]


def test_a_target_not_found_by_name_is_an_error():
    with pytest.raises(InputError, match="neither a numeric id nor the screen_name"):
        run(target="nobody_here")


def test_pages_named_out_of_order_are_refused_and_nothing_is_read(tmp_path):
    shutil.copy(D / "followers_p1.json", tmp_path / "p1.json")
    with pytest.raises(InputError, match="do not chain"):
        run(ids=(D / "followers_p2.json", tmp_path / "p1.json"))
