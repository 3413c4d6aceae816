"""The store under the real gunicorn server: a SIGKILL in the middle of snapshot writes
loses no committed snapshot and leaves no half-written one, and several workers write
snapshots and labels at once without errors or lost rows; on SQLite and PostgreSQL."""

from __future__ import annotations

import http.client
import os
import signal
import threading
import time

import orjson
import pytest

from benchmarks.server import ServerProcess
from tests.api.conftest import DAY, T0, audit_document, iso

pytestmark = [pytest.mark.server, pytest.mark.slow]


def snapshot_body(day: int, target: str = "star", extra: int = 1_500) -> bytes:
    """The conftest audience observed ``day`` days on, with ``extra`` more followers (a
    few thousand, so a write takes long enough to be interrupted)."""
    doc = audit_document()
    doc["target"] = target
    for record in doc["accounts"]:
        if record["id"] == "star":
            record["id"] = target
    for edge in doc["edges"]:
        edge["target"] = target if edge["target"] == "star" else edge["target"]
        edge["source"] = target if edge["source"] == "star" else edge["source"]
    for i in range(extra):
        doc["accounts"].append({"id": f"x{day}_{i}" if i % 3 else f"x{i}",
                                "followers_count": i % 50, "posts_count": i % 7})
        doc["edges"].append({"source": doc["accounts"][-1]["id"], "target": target,
                             "type": "follow", "at": iso(T0 - (i % 300) * DAY)})
    doc["observed_at"] = iso(T0 + day * DAY)
    return orjson.dumps(doc)


def call(server: ServerProcess, method: str, path: str, body: bytes | None = None,
         timeout: float = 120) -> tuple[int, dict]:
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=timeout)
    try:
        connection.request(method, path, body=body,
                           headers={"Content-Type": "application/json"} if body else {})
        response = connection.getresponse()
        return response.status, orjson.loads(response.read() or b"null")
    finally:
        connection.close()


def check_whole(server: ServerProcess, target: str = "star") -> dict:
    """The history, after checking every stored snapshot is complete."""
    status, history = call(server, "GET", f"/v1/targets/{target}/history?ids=0")
    assert status == 200, history
    for entry in history["snapshots"]:
        status, stored = call(server, "GET", f"/v1/targets/{target}/snapshots/{entry['id']}")
        assert status == 200
        assert stored["audit"]["followers_analysed"] == stored["followers"] == \
            entry["followers"] > 0
    return history


def test_sigkill_during_snapshot_writes_loses_nothing_committed(model_dir, database_url):
    env = {"FFD_DATABASE_URL": database_url}
    committed: list[int] = []
    with ServerProcess(model_dir, workers=2, env=env) as server:
        for day in range(3):
            status, body = call(server, "POST", "/v1/targets/star/snapshots",
                                snapshot_body(day))
            assert status == 201, body
            committed.append(body["id"])
        outcome: list[object] = []
        # the writer posts until the kill stops it (on a fast machine 37 snapshots fitted
        # in a fixed 1.5 s and the kill found nothing to interrupt); the kill comes once a
        # few more have committed, so it lands inside or between writes, never after all
        enough = threading.Event()

        def post_more() -> None:
            for day in range(3, 100_000):
                try:
                    status, body = call(server, "POST", "/v1/targets/star/snapshots",
                                        snapshot_body(day), timeout=30)
                except (OSError, http.client.HTTPException) as exc:
                    outcome.append(exc)
                    return
                if status == 201:
                    committed.append(body["id"])
                if len(committed) >= 6:
                    enough.set()

        writer = threading.Thread(target=post_more)
        writer.start()
        assert enough.wait(timeout=120), "the server committed no more snapshots"
        time.sleep(0.05)  # into the next write
        os.killpg(server.pid, signal.SIGKILL)
        writer.join(timeout=60)
        server.proc.wait(timeout=30)
        assert outcome, "the server was killed before answering every snapshot"
    with ServerProcess(model_dir, workers=2, env=env) as restarted:
        history = check_whole(restarted)
        stored = [s["id"] for s in history["snapshots"]]
        assert set(committed) <= set(stored)  # every 201 survived
        # at most the one being written when the kill came, and only if it committed whole
        assert len(stored) - len(committed) in (0, 1)
        again = check_whole(restarted)
    assert again == history  # a restart shows the same history


def test_several_workers_write_snapshots_and_labels_at_once(model_dir, database_url):
    env = {"FFD_DATABASE_URL": database_url}
    targets, per_target, batches = ("a", "b", "c"), 4, 8
    failures: list[object] = []
    with ServerProcess(model_dir, workers=2, env=env) as server:
        def snapshots(target: str) -> None:
            for day in range(per_target):
                status, body = call(server, "POST", f"/v1/targets/{target}/snapshots",
                                    snapshot_body(day, target, extra=300))
                if status != 201:
                    failures.append((target, day, status, body))

        def labels(worker: int) -> None:
            for batch in range(batches):
                body = orjson.dumps([{"account": f"x{i}", "label": "bought",
                                      "note": f"{worker}/{batch}"} for i in range(50)])
                status, answer = call(server, "POST", "/v1/labels", body)
                if status != 201:
                    failures.append(("labels", worker, status, answer))

        threads = [threading.Thread(target=snapshots, args=(t,)) for t in targets]
        threads += [threading.Thread(target=labels, args=(w,)) for w in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=300)
        assert failures == []
        for target in targets:
            assert len(check_whole(server, target)["snapshots"]) == per_target
        status, page = call(server, "GET", "/v1/labels?limit=1")
        assert page["total"] == 2 * batches * 50
        status, current = call(server, "GET", "/v1/labels?current=true&limit=1")
        assert current["total"] == 50  # one label in force per account
