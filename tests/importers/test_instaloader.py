"""Instaloader's saved profiles: {"node": ..., "instaloader": {"node_type": "Profile"}}."""

import lzma

import numpy as np

from importers.instaloader import avatar_from_url, read_profiles
from importers.problems import Problems

from .conftest import FIXTURES, messages

D = FIXTURES / "instagram" / "profiles"


def test_profiles_are_read_and_other_structures_skipped():
    problems = Problems()
    got = read_profiles([D], problems)
    assert sorted(got.ids.tolist()) == ["brand_x", "maria.paints"]
    assert messages(problems.warnings) == [
        "--profiles: 1 Instaloader files that are not profiles (posts, stories) skipped"]
    brand = got.take(np.flatnonzero(got.ids == "brand_x")).accounts
    assert brand.counts["posts_count"][0] == 880  # iphone_struct.media_count
    assert brand.flags["has_avatar"][0] == 1  # not has_anonymous_profile_picture


def test_xz_files_and_ids_as_keys(tmp_path):
    path = tmp_path / "maria.paints_5702112233.json.xz"
    path.write_bytes(lzma.compress((D / "maria.paints_5702112233.json").read_bytes()))
    got = read_profiles([path], Problems(), key="id")
    assert got.ids.tolist() == ["5702112233"]
    assert got.accounts.texts["username"].tolist() == ["maria.paints"]
    assert np.isnan(got.accounts.counts["posts_count"]).all()  # the posts were not saved


def test_a_broken_file_is_an_error(tmp_path):
    path = tmp_path / "x.json"
    path.write_text('{"node": {"username": 5}, "instaloader": {"node_type": "Profile"}}')
    problems = Problems()
    read_profiles([path], problems)
    assert [e.path for e in problems.errors] == [str(path)]


def test_the_anonymous_picture():
    assert avatar_from_url("https://x.fbcdn.net/v/t51.2885-19/44884218_345707102882519_"
                           "2446069589734326272_n.jpg?_nc_ht=x") is False
    cache_key = "ig_cache_key=YW5vbnltb3VzX3Byb2ZpbGVfcGlj.2"  # "anonymous_profile_pic"
    assert avatar_from_url(f"https://x.fbcdn.net/v/a.jpg?{cache_key}") is False
    assert avatar_from_url("https://x.fbcdn.net/v/t51.2885-19/331_n.jpg") is True
    assert avatar_from_url("") is None and avatar_from_url(None) is None
