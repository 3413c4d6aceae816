"""The store on the audit page in headless Chromium: the history chart of a target with
stored snapshots (followers, joins, leaves), saving the audited example as a snapshot,
the analyst's verdict buttons (confirm or correct) posting labels, and the key prompt."""

from __future__ import annotations

import copy
import json
import threading
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from tests.browser.conftest import LAPTOP, TIMEOUT_MS, Server

pytestmark = pytest.mark.browser
expect = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed: "
                             "pip install -e '.[test]'").expect
EXAMPLE = Path(__file__).parents[2] / "api" / "examples" / "audit-influencer.json"


class StoreServer(Server):
    """The test server with a store (a SQLite file) and optional config."""

    def __init__(self, model_dir: Path, url: str, **config: object) -> None:
        from werkzeug.serving import make_server

        from api import create_app

        app = create_app({"MODEL_DIR": str(model_dir), "DATABASE_URL": url, **config})
        self._server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()


@pytest.fixture
def store_server(model_dir, tmp_path):
    running = StoreServer(model_dir, f"sqlite:///{tmp_path / 'ffd.sqlite3'}")
    yield running
    running.stop()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport=LAPTOP)
    opened = context.new_page()
    opened.set_default_timeout(TIMEOUT_MS)
    opened.errors = []
    opened.on("pageerror", lambda exc: opened.errors.append(str(exc)))
    # Chromium logs every 404 answer as a console error; a target without snapshots has
    # a 404 history, which the page expects and shows as "no snapshot stored yet".
    opened.on("console", lambda m: m.type == "error" and "status of 404" not in m.text
              and opened.errors.append(m.text))
    yield opened
    context.close()


def example_at(day: int, drop: int = 0) -> bytes:
    """The shipped example, observed ``day`` days later, without its first ``drop``
    followers."""
    doc = json.loads(EXAMPLE.read_bytes())
    doc = copy.deepcopy(doc)
    followers = [e["source"] for e in doc["edges"]
                 if e["type"] == "follow" and e["target"] == doc["target"]][:drop]
    gone = set(followers)
    doc["accounts"] = [a for a in doc["accounts"] if a["id"] not in gone]
    doc["edges"] = [e for e in doc["edges"] if e["source"] not in gone and e["target"] not in gone]
    observed = datetime.fromisoformat(doc["observed_at"].replace("Z", "+00:00"))
    doc["observed_at"] = (observed + timedelta(days=day)).strftime("%Y-%m-%dT%H:%M:%SZ")
    return json.dumps(doc).encode()


def audit_example(page, server) -> None:
    page.goto(server.url + "/")
    page.select_option("#example", EXAMPLE.name)
    page.click("#example-form button[type=submit]")
    page.wait_for_selector("#report:not([hidden])")


def test_history_chart_shows_stored_snapshots_and_saving_adds_one(page, store_server):
    target = json.loads(EXAMPLE.read_bytes())["target"]
    for day, drop in ((1, 30), (2, 10)):  # the example itself is saved (day 0) below
        answer = store_server.post(f"/v1/targets/{target}/snapshots", example_at(day, drop))
        assert "id" in answer, answer
    audit_example(page, store_server)
    expect(page.locator("#history")).to_be_visible()
    expect(page.locator("#h-status")).to_contain_text("2 snapshots of")
    expect(page.locator("#h-chart circle.point")).to_have_count(2)
    assert page.locator("#h-rows tbody tr").count() == 2
    joined = page.locator("#h-rows tbody tr").nth(1).locator("td").nth(2).text_content()
    assert joined == "+20"  # 30 dropped the first day, 10 the second
    page.click("#h-save")
    expect(page.locator("#h-status")).to_contain_text("saved")
    expect(page.locator("#h-chart circle.point")).to_have_count(3)
    expect(page.locator("#h-chart rect.joins")).to_have_count(2)
    expect(page.locator("#h-chart rect.leaves")).to_have_count(2)
    history = page.evaluate(f"fetch('/v1/targets/{target}/history').then(r => r.json())")
    assert [s["followers"] for s in history["snapshots"]] == [
        int(t) for t in (c.replace(",", "") for c in
                         page.locator("#h-rows tbody tr td:nth-child(2)").all_text_contents())]
    assert page.errors == []


def test_an_analyst_confirms_and_corrects_verdicts(page, store_server):
    audit_example(page, store_server)
    expect(page.locator("#h-status")).to_contain_text("No snapshot of")
    rows = page.locator("#r-table tbody tr")
    expect(page.locator("#r-table thead th.verdict")).to_have_count(1)
    first, second = rows.nth(0), rows.nth(1)
    first_id, second_id = first.get_attribute("data-id"), second.get_attribute("data-id")
    predicted = first.locator("button.confirm").get_attribute("data-label")
    first.locator("button.confirm").click()
    expect(first.locator("td.verdict")).to_contain_text("Labelled")
    other = second.locator("button.correct").first
    corrected = other.get_attribute("data-label")
    other.click()
    expect(second.locator("td.verdict")).to_contain_text("Labelled")
    labels = page.evaluate("fetch('/v1/labels').then(r => r.json())")["labels"]
    got = {x["account"]: (x["label"], x["note"]) for x in labels}
    assert got[first_id] == (predicted, "confirmed on the audit page")
    assert got[second_id][0] == corrected and got[second_id][1].startswith("corrected")
    page.click("#r-table thead button[data-key=suspicion]")  # re-sorting keeps the verdicts
    expect(page.locator(f"#r-table tbody tr[data-id='{first_id}'] td.verdict")) \
        .to_contain_text("Labelled")
    assert page.errors == []


def test_the_page_asks_for_a_key_and_a_read_key_cannot_label(page, model_dir, tmp_path):
    from click.testing import CliRunner

    from training.cli import main

    url = f"sqlite:///{tmp_path / 'ffd.sqlite3'}"
    made = CliRunner().invoke(main, ["keys", "create", "viewer", "--role", "read",
                                     "--database", url])
    key = made.stdout.strip().splitlines()[0]
    server = StoreServer(model_dir, url)
    try:
        page.goto(server.url + "/")
        expect(page.locator("#api-key")).to_be_visible()
        page.fill("#api-key", key)
        page.select_option("#example", EXAMPLE.name)
        page.click("#example-form button[type=submit]")
        page.wait_for_selector("#report:not([hidden])")
        page.locator("#r-table tbody tr").first.locator("button.confirm").click()
        expect(page.locator("#problem")).to_be_visible()
        expect(page.locator("#problem")).to_contain_text("needs the role label")
    finally:
        server.stop()
