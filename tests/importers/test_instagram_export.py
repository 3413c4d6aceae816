"""instagram-export: "Download your information" JSON -> exact follow times and ranks."""

import shutil

import pytest

from importers.instagram_export import InstagramExportFiles, import_instagram_export
from importers.problems import InputError

from .conftest import FIXTURES, NOW, accounts, follows, messages

D = FIXTURES / "instagram_export"
PARTS = D / "connections" / "followers_and_following"


def run(*paths, target="my_shop"):
    return import_instagram_export(InstagramExportFiles(paths=paths or (D,), target=target),
                                   now=NOW)


def test_follow_times_are_written_and_rank_the_followers(written):
    doc = written(run())
    assert [(e["source"], e["at"], e["rank"]) for e in follows(doc)] == [
        ("old_friend", "2019-01-01T00:00:00Z", 0),
        # Same second; the list is newest first, so the later-listed one is older.
        ("same_second_a", "2024-11-30T00:00:00Z", 1),
        ("same_second_b", "2024-11-30T00:00:00Z", 2),
        ("newest_fan", "2024-12-01T00:00:00Z", 3),
    ]
    assert accounts(doc)["old_friend"] == {"platform": "instagram", "id": "old_friend",
                                           "username": "old_friend"}


def test_the_targets_follows_are_timed_edges_without_rank(written):
    doc = written(run())
    out = [e for e in doc["edges"] if e["source"] == "my_shop"]
    assert out == [
        {"source": "my_shop", "target": "newest_fan", "type": "follow",
         "at": "2024-12-02T00:00:00Z"},
        {"source": "my_shop", "target": "a_brand_we_like", "type": "follow",
         "at": "2020-09-13T12:26:40Z"}]
    assert doc["observed_at"] == "2024-12-02T00:00:00Z"  # the newest follow time


def test_files_named_one_by_one_give_the_same_graph(written):
    assert written(run(PARTS / "followers_2.json", PARTS / "following.json",
                       PARTS / "followers_1.json")) == written(run())


def test_a_missing_part_is_a_warning(tmp_path, written):
    shutil.copy(PARTS / "followers_1.json", tmp_path / "followers_1.json")
    shutil.copy(PARTS / "followers_2.json", tmp_path / "followers_3.json")
    imported = run(tmp_path)
    assert messages(imported.warnings) == [
        f"{tmp_path}: follower parts missing: followers_2.json (their followers are not "
        "imported)"]


def test_the_older_wrapped_form(tmp_path, written):
    (tmp_path / "followers.json").write_text(
        '{"relationships_followers": [{"string_list_data": [{"href": '
        '"https://www.instagram.com/ann", "value": "ann", "timestamp": 1600000000}]}]}')
    doc = written(run(tmp_path))
    assert [e["source"] for e in follows(doc)] == ["ann"]


def test_entries_without_a_username_and_foreign_files_are_errors(tmp_path):
    (tmp_path / "followers_1.json").write_text(
        '[{"title": "", "string_list_data": [{"timestamp": 1600000000}]}]')
    other = tmp_path / "likes.json"
    other.write_text("[]")
    with pytest.raises(InputError) as raised:
        run(tmp_path / "followers_1.json", other)
    assert messages(raised.value.errors) == [
        f"{other}: not followers_N.json or following.json of an Instagram export"]
    with pytest.raises(InputError) as raised:
        run(tmp_path)
    assert messages(raised.value.errors) == [
        f"{tmp_path / 'followers_1.json'}: entry 1: no username (value, title or href)"]


def test_a_folder_without_followers():
    with pytest.raises(InputError, match="no followers_1.json"):
        run(FIXTURES / "twitter_v2")
