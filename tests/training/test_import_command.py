"""``ffd import FORMAT``: one thin command per format; bad input exits 2, writes nothing."""

import orjson
import pytest
from click.testing import CliRunner

from detector.io import load_graph
from training.cli import main

from ..importers.conftest import FIXTURES

TW1, TW2 = FIXTURES / "twitter_v1", FIXTURES / "twitter_v2"
IG, BSKY = FIXTURES / "instagram", FIXTURES / "bluesky"

COMMANDS = {
    "twitter-v1": ["--users", TW1 / "users.jsonl", "--follower-ids", TW1 / "followers_p1.json",
                   "--follower-ids", TW1 / "followers_p2.json", "--target", "783214"],
    "twitter-v2": ["--users", TW2 / "lookup.json", "--users", TW2 / "lookup_lines.jsonl",
                   "--follower-ids", TW2 / "followers_page1.json",
                   "--follower-ids", TW2 / "followers_page2.json", "--target", "X"],
    "instagram": ["--followers", IG / "followers.csv", "--map", "followers=Followers",
                  "--profiles", IG / "profiles", "--target", "brand_x"],
    "instagram-export": [FIXTURES / "instagram_export", "--target", "my_shop"],
    "bluesky": ["--records", BSKY / "follows.json", "--records", BSKY / "records.jsonl",
                "--profiles", BSKY / "profiles.json", "--target", "brand.example.com"],
}


def invoke(*args):
    return CliRunner().invoke(main, ["import", *map(str, args)])


@pytest.mark.parametrize("fmt", list(COMMANDS))
@pytest.mark.parametrize("name", ["graph.json", "graph.json.gz", "graph"])
def test_every_format_writes_a_graph_the_project_loads(fmt, name, tmp_path):
    out = tmp_path / name
    result = invoke(fmt, *COMMANDS[fmt], "--out", out, "--observed-at", "2025-01-01T00:00:00Z")
    assert result.exit_code == 0, result.output
    assert f"wrote {out}: account-graph/1:" in result.output
    graph = load_graph(out)
    assert graph.target is not None and graph.observed_at == 1_735_689_600.0
    assert graph.num_edges >= 3


def test_warnings_are_printed(tmp_path):
    result = invoke("twitter-v2", *COMMANDS["twitter-v2"], "--out", tmp_path / "g.json")
    assert result.exit_code == 0
    assert "warning: " in result.output and "could not find" in result.output


def test_bad_input_exits_2_names_file_and_line_and_writes_nothing(tmp_path):
    users = tmp_path / "users.jsonl"
    users.write_text('{"id": 1, "screen_name": "a"}\n{"id": 2,\n')
    out = tmp_path / "g.json"
    result = invoke("twitter-v1", "--users", users, "--follower-ids", TW1 / "followers.txt",
                    "--target", "783214", "--out", out)
    assert result.exit_code == 2
    assert result.output.splitlines() == [
        "error: cannot import:", f"  {users}:2: not valid JSON: input data was truncated"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["users.jsonl"]


def test_a_gzip_file_cut_short_is_an_input_error_not_aborted(tmp_path):
    # Python raises EOFError for it, which click used to print as a bare "Aborted!".
    import gzip

    users = tmp_path / "users.jsonl.gz"
    users.write_bytes(gzip.compress(b'{"id": 1, "screen_name": "a"}\n')[:15])
    out = tmp_path / "g.json"
    result = invoke("twitter-v1", "--users", users, "--follower-ids", TW1 / "followers.txt",
                    "--target", "783214", "--out", out)
    assert result.exit_code == 2, result.output
    assert "cannot be decompressed" in result.output and "Aborted" not in result.output
    assert result.output.splitlines()[1].startswith(f"  {users}: cannot be decompressed")
    assert not out.exists()


def test_an_existing_output_survives_a_failed_import(tmp_path):
    out = tmp_path / "g.json"
    assert invoke("twitter-v1", *COMMANDS["twitter-v1"], "--out", out).exit_code == 0
    before = out.read_bytes()
    result = invoke("instagram", "--followers", IG / "followers.csv", "--map", "followers=Fans",
                    "--target", "brand_x", "--out", out)
    assert result.exit_code == 2 and "--map followers='Fans': no such column" in result.output
    assert out.read_bytes() == before and orjson.loads(before)["target"] == "783214"


@pytest.mark.parametrize(("args", "message"), [
    (["instagram", "--map", "fans"], "expected FIELD=COLUMN"),
    (["instagram", "--map", "fans=Followers"], "unknown field 'fans'"),
    (["twitter-v1", "--observed-at", "yesterday"], "ISO 8601"),
])
def test_usage_errors(args, message, tmp_path):
    fmt, *rest = args
    base = COMMANDS[fmt]
    result = invoke(fmt, *base, *rest, "--out", tmp_path / "g.json")
    assert result.exit_code == 2 and message in result.output


def test_bluesky_needs_followers(tmp_path):
    result = invoke("bluesky", "--target", "did:plc:x", "--out", tmp_path / "g.json")
    assert result.exit_code == 2 and "--records" in result.output
