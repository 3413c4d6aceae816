"""bluesky: follow records, profiles and follower pages -> an audience."""

import orjson
import pytest

from importers.bluesky import BlueskyFiles, import_bluesky
from importers.problems import InputError

from .conftest import FIXTURES, NOW, accounts, follows, messages

D = FIXTURES / "bluesky"
TARGET = "did:plc:brandtarget"
PACK = "at://did:plc:packmaker/app.bsky.graph.starterpack/3kvvabcdxyz2e"


def run(target=TARGET, records=(D / "follows.json", D / "records.jsonl"),
        followers=(), profiles=(D / "profiles.json",)):
    files = BlueskyFiles(target=target, records=tuple(records), followers=tuple(followers),
                         profiles=tuple(profiles))
    return import_bluesky(files, now=NOW)


def test_follow_records_rank_by_created_at_and_keep_the_starter_pack(written):
    doc = written(run())
    assert [(e["source"], e["at"], e["rank"], e.get("via")) for e in follows(doc)] == [
        ("did:plc:fan1oldest", "2023-07-01T12:00:00Z", 0, None),
        ("did:plc:fan2middle", "2024-02-14T18:30:00Z", 1, None),
        ("did:plc:fan3newest", "2024-11-20T09:15:02Z", 2, PACK),
    ]
    assert doc["starter_packs"] == {PACK: {
        "name": "Brands worth following", "creator": "did:plc:packmaker",
        "list": "at://did:plc:packmaker/app.bsky.graph.list/3kvvlist2a",
        "created_at": "2024-06-26T16:00:00.000Z"}}


def test_follows_inside_the_audience_are_timed_edges(written):
    doc = written(run())
    inside = [e for e in doc["edges"] if "rank" not in e]
    assert inside == [{"source": "did:plc:fan2middle", "target": "did:plc:fan1oldest",
                       "type": "follow", "at": "2024-03-01T08:00:00Z"}]


def test_profiles_from_views_and_records(written):
    got = accounts(written(run()))
    assert got[TARGET] == {
        "id": TARGET, "username": "brand.example.com", "bio": "Official", "followers_count": 3,
        "following_count": 1, "posts_count": 120, "has_avatar": True,
        "created_at": "2023-04-01T00:00:00Z"}
    assert got["did:plc:fan3newest"]["has_avatar"] is False  # no avatar in the view
    # Only its profile record: bio, avatar blob, createdAt.
    assert got["did:plc:fan1oldest"] == {"id": "did:plc:fan1oldest", "has_avatar": True,
                                         "bio": "here since the beta",
                                         "created_at": "2023-05-02T10:00:00Z"}


def test_the_target_by_handle_and_observed_at_from_indexed_at(written):
    doc = written(run(target="@Brand.example.com"))
    assert doc["target"] == TARGET
    assert doc["observed_at"] == "2024-11-25T00:00:00Z"


def test_follower_pages_give_the_order_and_records_the_times(written):
    doc = written(run(records=(D / "follows.json",), profiles=(),
                      followers=(D / "followers_page1.json", D / "followers_page2.json")))
    assert [(e["source"], e["rank"], e.get("at")) for e in follows(doc)] == [
        ("did:plc:fan1oldest", 0, "2023-07-01T12:00:00Z"),
        ("did:plc:fan2middle", 1, "2024-02-14T18:30:00Z"),
        ("did:plc:fan3newest", 2, "2024-11-20T09:15:02Z"),
    ]
    assert accounts(doc)["did:plc:fan1oldest"]["username"] == "first-fan.bsky.social"


def test_pages_of_another_account_or_out_of_order(tmp_path):
    other = tmp_path / "other.json"
    other.write_text('{"subject": {"did": "did:plc:someone"}, "followers": []}')
    with pytest.raises(InputError, match="a page of the followers of did:plc:someone"):
        run(followers=(other,))
    with pytest.raises(InputError, match="no cursor. but more pages follow"):
        run(followers=(D / "followers_page2.json", D / "followers_page1.json"))


def test_a_record_without_uri_is_an_error(tmp_path):
    lines = tmp_path / "follows.jsonl"
    lines.write_bytes(orjson.dumps({"value": {"$type": "app.bsky.graph.follow",
                                              "subject": TARGET, "createdAt": "2024-01-01"}}))
    with pytest.raises(InputError) as raised:
        run(records=(lines,))
    assert messages(raised.value.errors) == [
        f"{lines}:1: a follow record without its uri (at://DID/...) does not name the follower"]


def test_duplicate_follows_keep_the_earliest(tmp_path, written):
    lines = tmp_path / "follows.jsonl"
    lines.write_text("\n".join(orjson.dumps({
        "uri": f"at://did:plc:a/app.bsky.graph.follow/{k}",
        "value": {"$type": "app.bsky.graph.follow", "subject": TARGET, "createdAt": at},
    }).decode() for k, at in (("3l2", "2024-05-01T00:00:00Z"), ("3l1", "2024-01-01T00:00:00Z"))))
    imported = run(records=(lines,), profiles=())
    assert imported.edges.at.tolist() == [1704067200.0]
    assert messages(imported.warnings) == [
        f"{lines}:1: follower 'did:plc:a' listed again; the last listing (at {lines}:2) kept"]
