"""Twitter follower lists: pages in cursor order, checked as far as the API documents."""

import orjson
import pytest

from importers.problems import InputError, Problems
from importers.twitter_ids import read_follower_ids

from .conftest import FIXTURES, messages

V1 = FIXTURES / "twitter_v1"
V2 = FIXTURES / "twitter_v2"


def page(tmp_path, name, ids, next_cursor, previous_cursor):
    path = tmp_path / name
    path.write_bytes(orjson.dumps({"ids": ids, "next_cursor": next_cursor,
                                   "previous_cursor": previous_cursor}))
    return path


def read(paths):
    problems = Problems()
    listed = read_follower_ids(paths, problems)
    problems.check()
    return listed, problems


def test_v1_pages_in_cursor_order_and_ids_as_exact_text():
    listed, problems = read([V1 / "followers_p1.json", V1 / "followers_p2.json"])
    assert listed.ids == ["9007199254740993", "1456321098765432101", "25073877", "555"]
    assert listed.origin.where(2) == f"{V1 / 'followers_p2.json'}:1"
    assert problems.warnings == []


def test_a_text_list_gives_the_same_ids():
    listed, _ = read([V1 / "followers.txt"])
    assert listed.ids == ["9007199254740993", "1456321098765432101", "25073877", "555"]
    assert listed.origin.where(2) == f"{V1 / 'followers.txt'}:4"


def test_v2_pages():
    listed, problems = read([V2 / "followers_page1.json", V2 / "followers_page2.json"])
    assert listed.ids == ["1460298771340648451", "2244994945", "6253282", "1111111111"]
    assert problems.warnings == []


def test_pages_out_of_order_do_not_chain():
    with pytest.raises(InputError) as raised:
        read([V1 / "followers_p2.json", V1 / "followers_p1.json"])
    assert messages(raised.value.errors) == [
        f"{V1 / 'followers_p2.json'}:1: the list ends on this page (next_cursor 0) but more "
        "pages follow: the pages do not chain",
        f"{V1 / 'followers_p1.json'}:1: a first page (previous_cursor 0) after another page: "
        "the pages do not chain",
    ]


def test_a_page_given_twice_repeats_its_cursor(tmp_path):
    first = page(tmp_path, "a.json", [1], 50, 0)
    middle = page(tmp_path, "b.json", [2], 40, -50)
    last = page(tmp_path, "c.json", [3], 0, -40)
    with pytest.raises(InputError) as raised:
        read([first, middle, middle, last])
    assert messages(raised.value.errors) == [
        f"{middle}:1: next_cursor 40 repeats that of {middle}:1: a page given twice, or pages "
        "out of order"]


def test_a_list_missing_its_ends_is_a_warning(tmp_path):
    middle = page(tmp_path, "b.json", [2, 3], 40, -50)
    listed, problems = read([middle])
    assert listed.ids == ["2", "3"]
    assert messages(problems.warnings) == [
        f"{middle}:1: the list does not start here (previous_cursor -50): the newest "
        "followers are missing",
        f"{middle}:1: the list goes on (next_cursor 40): the oldest followers are missing",
    ]


def test_v2_pages_that_do_not_chain(tmp_path):
    a = tmp_path / "a.json"
    a.write_text('{"data": [{"id": "1"}], "meta": {"result_count": 1}}')
    b = tmp_path / "b.json"
    b.write_text('{"data": [{"id": "2"}], "meta": {"result_count": 1, "previous_token": "x"}}')
    with pytest.raises(InputError, match="ends on this page .next_token absent."):
        read([a, b])


def test_json_lines_of_pages_are_pages_in_order(tmp_path):
    path = tmp_path / "pages.jsonl"
    path.write_bytes(b'{"ids": [1, 2], "next_cursor": 9, "previous_cursor": 0}\n'
                     b'{"ids": ["3"], "next_cursor": 0, "previous_cursor": -9}\n')
    listed, _ = read([path])
    assert listed.ids == ["1", "2", "3"]
    assert [listed.origin.where(i) for i in (1, 2)] == [f"{path}:1", f"{path}:2"]


def test_ids_that_are_not_whole_numbers_are_errors(tmp_path):
    text = tmp_path / "ids.txt"
    text.write_text("id\n17\n-5\n")
    json = tmp_path / "p.json"
    json.write_text('{"ids": [1, "x2"]}')
    floats = tmp_path / "f.json"
    floats.write_text('{"ids": [1, 3.5]}')
    with pytest.raises(InputError) as raised:
        read([text, json, floats])
    assert messages(raised.value.errors) == [
        f"{text}:1: 'id' is not a Twitter account id (a whole number)",
        f"{text}:3: '-5' is not a Twitter account id (a whole number)",
        f"{json}:1: ids[1]: 'x2' is not a Twitter account id (a whole number)",
        f"{floats}:1: ids[1]: expected int | str, got float",
    ]
