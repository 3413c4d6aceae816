"""Bluesky files as they come: AT-URIs, record types and what each option accepts."""

import pytest

from importers.bluesky_data import Record, RecordValue, kind_of, read, repo_of, subject_of
from importers.problems import InputError, Problems

from .conftest import FIXTURES

D = FIXTURES / "bluesky"


def test_at_uris_name_the_repo_and_collection():
    assert repo_of("at://did:plc:a/app.bsky.graph.follow/3k") == ("did:plc:a",
                                                                  "app.bsky.graph.follow")
    assert repo_of("did:plc:a") == (None, None) and repo_of(None) == (None, None)


def test_the_type_comes_from_the_value_else_the_collection():
    uri = "at://did:plc:a/app.bsky.graph.follow/3k"
    assert kind_of(Record(uri, None, RecordValue())) == "app.bsky.graph.follow"
    assert kind_of(Record(None, None, RecordValue(type="app.bsky.actor.profile"))) == \
        "app.bsky.actor.profile"


def test_records_pages_and_lines_and_the_old_follow_subject(tmp_path):
    problems = Problems()
    assert len(read((D / "follows.json",), problems, "records").records) == 5
    old = tmp_path / "old.jsonl"
    old.write_text('{"uri": "at://did:plc:a/app.bsky.graph.follow/1", "value": {"subject": '
                   '{"did": "did:plc:b", "declarationCid": "bafy"}, "createdAt": "2022-11-17"}}\n')
    (where, record), = read((old,), problems, "records").records
    assert where == f"{old}:1" and subject_of(record.value) == "did:plc:b"
    assert subject_of(RecordValue(subject="did:plc:x")) == "did:plc:x"
    assert not problems.errors


def test_a_file_of_the_wrong_kind_is_an_error():
    problems = Problems()
    read((D / "profiles.json",), problems, "followers")
    with pytest.raises(InputError, match="not an app.bsky.graph.getFollowers page"):
        problems.check()
