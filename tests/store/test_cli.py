"""``ffd db`` and ``ffd keys`` from the shell: which database they act on."""

from __future__ import annotations

from click.testing import CliRunner

from training.cli import main


def test_a_new_sqlite_database_is_named_when_it_is_made(tmp_path, monkeypatch):
    """Run from another directory, the default relative path would quietly make a
    database no server reads; the shell says where it made one."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("FFD_DATABASE_URL", raising=False)
    first = CliRunner().invoke(main, ["keys", "list"])
    assert first.exit_code == 0, first.output
    assert f"note: no database at {tmp_path / 'var' / 'ffd.sqlite3'}; creating a new one" \
        in first.stderr
    again = CliRunner().invoke(main, ["keys", "list"])
    assert again.exit_code == 0 and "note:" not in again.stderr
    assert again.stdout.startswith("name")
