"""``ffd db upgrade`` and ``ffd keys create|list|revoke``: the store from the shell.

Both act on ``--database`` (default ``$FFD_DATABASE_URL``, else ``var/ffd.sqlite3``, the
database ``ffd serve`` uses) and migrate it first, so they work on a new database.
"""

from __future__ import annotations

import time
from pathlib import Path

import click

_DATABASE = click.option("--database", "url", default=None, metavar="URL",
                         help="SQLAlchemy URL [default: $FFD_DATABASE_URL or "
                              "sqlite:///var/ffd.sqlite3].")


def _store(url: str | None):
    from sqlalchemy.engine import make_url

    from store.db import Store, default_url
    from store.migrate import upgrade

    url = url or default_url()
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        path = Path(parsed.database).absolute()
        if not path.exists():
            # Relative to the working directory: run from elsewhere, the shell would
            # quietly use a database no server reads.
            click.echo(f"note: no database at {path}; creating a new one (ffd serve uses "
                       "var/ffd.sqlite3 under the directory it runs in, or "
                       "$FFD_DATABASE_URL; --database URL names another)", err=True)
    store = Store(url)
    upgrade(store)
    return store


@click.group("db")
def db_command() -> None:
    """The database of snapshots, labels, keys and model versions."""


@db_command.command("upgrade")
@_DATABASE
def db_upgrade(url: str | None) -> None:
    """Migrate the database to the newest schema (the server also does this at start)."""
    from store.migrate import head

    store = _store(url)
    click.echo(f"ok: {store!r} is at revision {head()}")


@click.group("keys")
def keys_command() -> None:
    """API keys with roles (read, label, admin)."""


@keys_command.command("create")
@click.argument("name")
@click.option("--role", type=click.Choice(["read", "label", "admin"]), required=True,
              help="read: audits and history; label: also labels; admin: also reload "
                   "and rollback.")
@_DATABASE
def keys_create(name: str, role: str, url: str | None) -> None:
    """Create key NAME and print it (once: only its hash is stored)."""
    from store.keys import create_key

    try:
        key = _store(url).write(lambda session: create_key(session, name, role))
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None
    click.echo(key)
    click.echo(f"created key {name!r} (role {role}); it is shown only now", err=True)


@keys_command.command("list")
@_DATABASE
def keys_list(url: str | None) -> None:
    """List every key (name, role, key id, created, revoked); never a secret."""
    from store.keys import list_keys

    with _store(url).read() as session:
        rows = list_keys(session)
    click.echo(f"{'name':24} {'role':6} {'key id':17} {'created':20} revoked")
    for row in rows:
        revoked = _when(row["revoked_at"]) if row["revoked_at"] else "-"
        click.echo(f"{row['name']:24} {row['role']:6} {row['key_id']:17} "
                   f"{_when(row['created_at']):20} {revoked}")


@keys_command.command("revoke")
@click.argument("name")
@_DATABASE
def keys_revoke(name: str, url: str | None) -> None:
    """Revoke key NAME (it stops working at once; it stays listed)."""
    from store.keys import revoke_key

    if not _store(url).write(lambda session: revoke_key(session, name)):
        raise click.UsageError(f"no live key named {name!r}")
    click.echo(f"revoked key {name!r}")


def _when(seconds: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(seconds))
