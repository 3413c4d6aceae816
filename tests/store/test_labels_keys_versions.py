"""Labels (latest wins, history kept), API keys (hashed, roles, revocation) and model
versions (one live)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from store import (
    add_labels,
    create_key,
    latest_labels,
    list_keys,
    list_labels,
    list_versions,
    register_version,
    revoke_key,
    verify_key,
)
from store.keys import any_live_key
from store.labels import NewLabel
from store.schema import ApiKey
from store.versions import previous_version


def test_latest_label_wins_and_every_label_is_kept(store):
    store.write(lambda s: add_labels(s, [NewLabel("u1", "bought", "same avatar"),
                                         NewLabel("u2", "genuine")], "ann"))
    store.write(lambda s: add_labels(s, [NewLabel("u1", "genuine", "a real photographer")],
                                     "bob"))
    with store.read() as s:
        assert latest_labels(s) == {"u1": "genuine", "u2": "genuine"}
        total, rows = list_labels(s)
        assert total == 3
        assert [(r["account"], r["label"], r["created_by"], r["current"]) for r in rows] == [
            ("u1", "genuine", "bob", True), ("u2", "genuine", "ann", True),
            ("u1", "bought", "ann", False)]
        total, rows = list_labels(s, account="u1")
        assert total == 2 and [r["note"] for r in rows] == ["a real photographer", "same avatar"]
        assert list_labels(s, account="u1", current_only=True)[0] == 1
        assert list_labels(s, current_only=True)[0] == 2
        assert list_labels(s, offset=2, limit=5)[1][0]["label"] == "bought"
        assert list_labels(s, account="nobody") == (0, [])


def test_a_label_outside_the_classes_is_refused(store):
    with pytest.raises(ValueError, match="not one of genuine, bought, mass_follow"):
        store.write(lambda s: add_labels(s, [NewLabel("u1", "robot")], "ann"))


def test_keys_are_stored_hashed_checked_by_role_and_revocable(store):
    assert store.write(any_live_key) is False
    key = store.write(lambda s: create_key(s, "ann", "label"))
    assert key.startswith("ffd_")
    with store.read() as s:
        stored = s.scalars(select(ApiKey)).one()
        assert key.split("_", 2)[2] not in repr(stored.__dict__)  # the secret is not stored
        holder = verify_key(s, key)
        assert holder.name == "ann" and holder.role == "label"
        assert holder.allows("read") and holder.allows("label") and not holder.allows("admin")
        assert verify_key(s, key[:-1] + ("A" if key[-1] != "A" else "B")) is None
        assert verify_key(s, "not-a-key") is None
        assert any_live_key(s)
    with pytest.raises(ValueError, match="exists already"):
        store.write(lambda s: create_key(s, "ann", "read"))
    with pytest.raises(ValueError, match="role"):
        store.write(lambda s: create_key(s, "bob", "root"))
    assert store.write(lambda s: revoke_key(s, "ann")) is True
    assert store.write(lambda s: revoke_key(s, "ann")) is False
    with store.read() as s:
        assert verify_key(s, key) is None
        assert not any_live_key(s)
        assert list_keys(s)[0]["revoked_at"] is not None


def test_one_live_model_version_and_the_previous_one_for_rollback(store):
    def register(sha, live=True):
        return store.write(lambda s: register_version(
            s, model_id=f"m-{sha}", version="1", metadata_sha256=sha, directory=f"/m/{sha}",
            classes=["genuine", "bought"], metrics={"f1": 0.9}, live=live).id)
    a = register("a")
    b = register("b")
    assert register("b") == b  # the same model again (another worker) is one version
    with store.read() as s:
        assert [(v.id, v.live) for v in list_versions(s)] == [(b, True), (a, False)]
        assert previous_version(s).id == a
    register("a")
    with store.read() as s:
        assert [v.id for v in list_versions(s) if v.live] == [a]
