"""twitter-v2: users lookup responses + follower pages -> an audience with ranks."""

import pytest

from importers.problems import InputError
from importers.twitter_v2 import TwitterV2Files, import_twitter_v2

from .conftest import FIXTURES, NOW, accounts, follows, messages

D = FIXTURES / "twitter_v2"
PAGES = (D / "followers_page1.json", D / "followers_page2.json")


def run(users=(D / "lookup.json", D / "lookup_lines.jsonl"), ids=PAGES, target="783214"):
    files = TwitterV2Files(users=tuple(users), follower_ids=tuple(ids), target=target)
    return import_twitter_v2(files, now=NOW)


def test_public_metrics_and_profile_fields_are_mapped(written):
    got = accounts(written(run()))
    assert got["2244994945"] == {"platform": "twitter",
        "id": "2244994945", "username": "XDevelopers", "created_at": "2013-12-14T04:35:55Z",
        "bio": "The voice of the X Dev team and your official source for updates.",
        "followers_count": 570842, "following_count": 2048, "posts_count": 14052,
        "listed_count": 1672, "likes_count": 3105, "has_avatar": True, "verified": True,
        "private": False}
    assert got["1460298771340648451"]["has_avatar"] is False  # default_profile_images
    assert got["6253282"]["private"] is True  # a lookup response on a twarc2 line
    assert got["783214"]["username"] == "X"  # a flattened user object on a line


def test_ranks_and_page_profiles(written):
    doc = written(run())
    assert [e["source"] for e in follows(doc)] == [
        "1111111111", "6253282", "2244994945", "1460298771340648451"]
    # Not found by the lookup, but its followers page carried its fields.
    assert accounts(doc)["1111111111"]["username"] == "gone_account"


def test_lookup_errors_are_one_warning():
    assert messages(run().warnings) == [
        f"{D / 'lookup.json'}:1: accounts the lookup could not find, left without a profile: 1 "
        "(first: 1111111111: Could not find user with ids: [1111111111].)"]


def test_the_target_by_username():
    assert run(target="X").accounts.ids[0] == "783214"


def test_v1_ids_pages_work_too(written):
    doc = written(run(ids=(FIXTURES / "twitter_v1" / "followers.txt",)))
    assert [e["source"] for e in follows(doc)][-1] == "9007199254740993"


def test_a_mistyped_metric_is_an_error(tmp_path):
    bad = tmp_path / "lookup.json"
    bad.write_text('{"data": [{"id": "1", "public_metrics": {"followers_count": "many"}}]}')
    with pytest.raises(InputError) as raised:
        run(users=(bad,))
    assert messages(raised.value.errors) == [
        f"{bad}:1: data[0].public_metrics.followers_count: expected int | null, got str"]
