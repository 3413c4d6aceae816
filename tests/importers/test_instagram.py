"""instagram: follower CSVs of scraping tools (+ Instaloader profiles) -> an audience."""

import pytest

from importers.instagram import InstagramFiles, import_instagram
from importers.problems import InputError

from .conftest import FIXTURES, NOW, accounts, follows, messages

D = FIXTURES / "instagram"


def run(csv=D / "followers.csv", target="brand_x", **kwargs):
    return import_instagram(InstagramFiles(followers=csv, target=target, **kwargs), now=NOW)


def test_default_column_names_are_recognised(written):
    got = accounts(written(run()))
    assert got["maria.paints"] == {"platform": "instagram",
        "id": "maria.paints", "username": "maria.paints", "followers_count": 1204,
        "following_count": 388, "posts_count": 212, "private": False, "verified": False,
        "has_avatar": True, "bio": "oil on canvas\ncommissions open"}
    assert got["bot_4471_x"]["has_avatar"] is False  # Instagram's anonymous picture
    assert got["tom_hikes"]["followers_count"] == 12500 and "has_avatar" not in got["tom_hikes"]
    assert got["brand_x"] == {"id": "brand_x", "platform": "instagram"}


def test_rows_are_newest_first_unless_told_otherwise(written):
    assert [e["source"] for e in follows(written(run()))] == [
        "tom_hikes", "bot_4471_x", "maria.paints"]
    assert [e["source"] for e in follows(written(run(oldest_first=True)))] == [
        "maria.paints", "bot_4471_x", "tom_hikes"]


def test_a_position_column_orders_the_list(written):
    doc = written(run(D / "scraper.csv"))
    assert [(e["source"], e["rank"]) for e in follows(doc)] == [
        ("old_friend", 0), ("middle_one", 1), ("newest_fan", 2)]
    assert accounts(doc)["middle_one"]["private"] is True
    assert accounts(doc)["newest_fan"]["has_avatar"] is False


def test_map_names_columns(tmp_path, written):
    csv = tmp_path / "export.csv"
    csv.write_text("Who,Fans,Pic\nann,1.2M,https://x/1.jpg\nbob,17,\n")
    doc = written(run(csv, columns={"username": "Who", "followers": "Fans",
                                    "avatar_url": "Pic"}))
    assert accounts(doc)["ann"]["followers_count"] == 1_200_000
    assert accounts(doc)["ann"]["has_avatar"] is True and "has_avatar" not in accounts(doc)["bob"]


def test_semicolons_between_cells(tmp_path, written):
    csv = tmp_path / "export.csv"
    csv.write_text("Username;Followers;Bio\nann;1.204;hi, there\n")
    got = accounts(written(run(csv)))["ann"]
    assert got["bio"] == "hi, there" and "followers_count" not in got  # 1.204: ambiguous


def test_an_unknown_map_column_names_the_file_and_its_columns():
    with pytest.raises(InputError) as raised:
        run(columns={"followers": "Follwers"})
    assert messages(raised.value.errors) == [
        f"{D / 'followers.csv'}:1: --map followers='Follwers': no such column; the columns are "
        "'User Name', 'Full Name', 'Followers', 'Following', 'Posts', 'Is Private', "
        "'Is Verified', 'Profile Pic URL', 'Biography'"]


def test_an_unknown_map_field_is_refused():
    with pytest.raises(ValueError, match="unknown field 'fans'"):
        InstagramFiles(followers=D / "followers.csv", target="x", columns={"fans": "Followers"})


def test_repeated_positions_are_errors_and_gaps_warnings(tmp_path):
    csv = tmp_path / "export.csv"
    csv.write_text("#,username\n1,a\n2,b\n2,c\n9,d\n")
    with pytest.raises(InputError) as raised:
        run(csv)
    assert messages(raised.value.errors) == [f"{csv}:4: position 2 repeats that of {csv}:3"]
    csv.write_text("#,username\n1,a\n2,b\n9,d\n")
    imported = run(csv)
    assert imported.rank[:3].tolist() == [0, 7, 8]
    assert messages(imported.warnings) == [
        f"{csv}: positions 1..9 skip 6 numbers (followers the export lacks); the ranks keep "
        "the gaps"]


def test_bad_rows_and_cells(tmp_path):
    csv = tmp_path / "export.csv"
    csv.write_text("username,followers,is_private\na,12,maybe\n,3,no\nb,lots,no,extra\n")
    with pytest.raises(InputError) as raised:
        run(csv)
    assert messages(raised.value.errors) == [
        f"{csv}:4: 4 cells in a row of a 3-column file",
        f"{csv}:3: no username: the row names no account",
    ]
    csv.write_text("username,followers,is_private\na,12,maybe\nb,lots,no\na,5,no\n")
    imported = run(csv)
    assert messages(imported.warnings) == [
        f"{csv}:3: followers 'lots' is not readable; left missing",
        f"{csv}:2: private 'maybe' is not readable; left missing",
        f"{csv}:4: follower 'a' listed again; the first (newest) listing (at {csv}:2) kept",
        f"{csv}:4: another profile of 'a'; the first (at {csv}:2) kept",
    ]


def test_a_csv_without_a_username_column(tmp_path):
    csv = tmp_path / "export.csv"
    csv.write_text("Followers\n12\n")
    with pytest.raises(InputError, match="no username .or id. column"):
        run(csv)


def test_instaloader_profiles_win_and_fill_in(written):
    doc = written(run(profiles=(D / "profiles",)))
    got = accounts(doc)
    assert got["maria.paints"]["followers_count"] == 1207  # exact, from Instaloader
    assert got["maria.paints"]["posts_count"] == 212  # only the CSV has it
    assert got["brand_x"] == {"platform": "instagram",
        "id": "brand_x", "username": "brand_x", "bio": "Official account",
        "followers_count": 51200, "following_count": 310, "posts_count": 880,
        "has_avatar": True, "verified": True, "private": False}
