"""The audit page in headless Chromium: load the shipped example, compare the numbers
shown with the API's answer for the same file, upload an invalid file and a CSV pair,
sort and filter the table, download, and check the layout at laptop and phone widths."""

from __future__ import annotations

import csv
import json
import re
from datetime import datetime
from pathlib import Path

import orjson
import pytest

from api.page import PAGE_LIMIT
from detector.io import graph_to_document, graph_to_frames, load_csv, load_graph
from detector.validate import parse_timestamp

pytestmark = pytest.mark.browser
expect = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed: "
                             "pip install -e '.[test]'").expect
EXAMPLE = Path(__file__).parents[2] / "api" / "examples" / "audit-influencer.json"
PHONE = {"width": 390, "height": 844}


def pct(share: float) -> str:
    return f"{share * 100:.1f}%"


def seconds(iso: str) -> float:
    return datetime.fromisoformat(iso.replace("Z", "+00:00")).timestamp()


def audit_example(page, server, name: str = EXAMPLE.name) -> None:
    page.goto(server.url + "/")
    page.select_option("#example", name)
    page.click("#example-form button[type=submit]")
    page.wait_for_selector("#report:not([hidden])")


def table_column(page, key: str) -> list[str]:
    index = page.locator("#r-table thead th").evaluate_all(
        f"cells => cells.findIndex(c => c.dataset.key === {key!r})")
    return page.locator(f"#r-table tbody tr td:nth-child({index + 1})").all_text_contents()


def charted_follows(page) -> int:
    titles = page.locator("#r-timeline rect.follows title").all_text_contents()
    return sum(int(re.search(r": ([\d,]+) follows", t)[1].replace(",", "")) for t in titles)


def test_example_report_shows_the_api_answer(offline_page, server, tmp_path):
    page = offline_page
    audit_example(page, server)
    expected = server.post(f"/v1/audit?limit={PAGE_LIMIT}", EXAMPLE.read_bytes())

    assert page.text_content("#r-target") == expected["target"]
    assert page.get_attribute("#r-followers", "data-value") == str(expected["followers_analysed"])
    assert page.text_content("#r-followers") == f"{expected['followers_analysed']:,}"
    quality = expected["quality"]
    assert page.text_content("#r-quality") == f"{quality['score']:.1f}"
    assert f"{quality['low']:.1f}–{quality['high']:.1f}" in page.text_content("#r-quality-ci")
    for cls, share in expected["shares"].items():
        assert float(page.get_attribute(f"#share-{cls}", "data-value")) == share["share"]
        assert page.text_content(f"#share-{cls}") == pct(share["share"])
        assert f"{pct(share['low'])}–{pct(share['high'])}" in page.text_content(f"#share-{cls}-ci")

    assert not page.is_visible("#r-formula-worked")  # the formula is one click away
    page.click("#report details summary")
    worked = page.text_content("#r-formula-worked")
    assert f"100 × {expected['shares']['genuine']['share']} = {quality['score']:.1f}" in worked

    bursts = page.locator("#r-burst-table tbody tr")
    assert bursts.count() == len(expected["bursts"]) > 0
    for i, burst in enumerate(expected["bursts"]):
        cells = bursts.nth(i).locator("td").all_text_contents()
        assert cells[0] == burst["start"].replace("T", " ")[:16]
        assert cells[2] == f"{burst['follows']:,}"

    for range_name, timeline in (("recent", expected["timeline"]["recent"]),
                                 ("all", expected["timeline"])):
        page.check(f"input[name=range][value={range_name}]")
        assert charted_follows(page) == sum(timeline["follows"])
        start = seconds(timeline["start"])
        end = start + len(timeline["follows"]) * timeline["bin_seconds"]
        in_range = [b for b in expected["bursts"]
                    if seconds(b["end"]) > start and seconds(b["start"]) < end]
        assert page.locator("#r-timeline rect.burst").count() == len(in_range)

    counts = page.locator("#r-histogram text.count").all_text_contents()
    assert [int(c.replace(",", "")) for c in counts] == expected["score_histogram"]["counts"]

    rows = page.locator("#r-table tbody tr")
    followers = expected["suspicious_followers"]
    assert rows.evaluate_all("rows => rows.map(r => r.dataset.id)") == [f["id"] for f in followers]
    assert table_column(page, "suspicion") == [f"{f['suspicion']:.4f}" for f in followers]
    assert rows.first.locator("ul.reasons li").all_text_contents() == followers[0]["reasons"]
    assert page.blocked == []  # nothing but the server was asked for anything
    assert page.errors == []
    page.screenshot(path=tmp_path / "laptop.png", full_page=True)


def test_phone_width_reads_without_sideways_scrolling(open_page, server, tmp_path):
    page = open_page(PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)
    audit_example(page, server)
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    width = page.evaluate("document.querySelector('#r-timeline svg').getBoundingClientRect().width")
    assert 300 <= width <= PHONE["width"]
    assert page.blocked == [] and page.errors == []
    page.screenshot(path=tmp_path / "phone.png", full_page=True)


def test_invalid_upload_shows_each_error_with_its_path(offline_page, server, tmp_path):
    page = offline_page
    bad = orjson.dumps({
        "format": "account-graph/1", "target": "star",
        "accounts": [{"id": "star"}, {"id": "a", "followers_count": -3}],
        "edges": [{"source": "a", "target": "ghost", "type": "follow"},
                  {"source": "a", "target": "star", "type": "befriend"}],
    })
    expected = server.post("/v1/audit", bad)
    assert expected["status"] == 422 and len(expected["errors"]) >= 3
    page.goto(server.url + "/")
    page.set_input_files("#json-file", files=[
        {"name": "bad.json", "mimeType": "application/json", "buffer": bad}])
    page.click("#json-form button[type=submit]")
    page.wait_for_selector("#problem:not([hidden])")
    assert "(422)" in page.text_content("#problem-title")
    assert page.text_content("#problem-detail") == expected["detail"]
    paths = page.locator("#problem-errors code.path").all_text_contents()
    assert paths == [e["path"] for e in expected["errors"]]
    items = page.locator("#problem-errors li").all_text_contents()
    assert items == [f"{e['path']} {e['message']}" for e in expected["errors"]]
    assert page.is_hidden("#report")
    page.screenshot(path=tmp_path / "invalid.png", full_page=True)

    page.set_input_files("#json-file", files=[
        {"name": "broken.json", "mimeType": "application/json", "buffer": b'{"accounts": ['}])
    page.click("#json-form button[type=submit]")
    expect(page.locator("#problem-detail")).to_have_text(re.compile(r"^not valid JSON"))
    assert "(400)" in page.text_content("#problem-title")


def test_csv_pair_upload_shows_the_audit_of_the_csv_graph(offline_page, server, tmp_path):
    page = offline_page
    accounts, edges = graph_to_frames(load_graph(EXAMPLE))
    files = {name: tmp_path / f"{name}.csv" for name in ("accounts", "edges")}
    accounts.to_csv(files["accounts"], index=False)
    edges.to_csv(files["edges"], index=False)
    doc = orjson.loads(EXAMPLE.read_bytes())
    graph = load_csv(files["accounts"], files["edges"], doc["target"],
                     parse_timestamp(doc["observed_at"]))
    expected = server.post(f"/v1/audit?limit={PAGE_LIMIT}", orjson.dumps(graph_to_document(graph)))

    page.goto(server.url + "/")
    page.set_input_files("#csv-accounts", files["accounts"])
    page.set_input_files("#csv-edges", files["edges"])
    page.fill("#csv-target", doc["target"])
    page.fill("#csv-observed", doc["observed_at"])
    page.click("#csv-form button[type=submit]")
    page.wait_for_selector("#report:not([hidden])")
    assert page.text_content("#r-meta").startswith("Source: accounts.csv + edges.csv")
    assert page.text_content("#r-followers") == f"{expected['followers_analysed']:,}"
    assert page.text_content("#r-quality") == f"{expected['quality']['score']:.1f}"
    for cls, share in expected["shares"].items():
        assert float(page.get_attribute(f"#share-{cls}", "data-value")) == share["share"]
    with page.expect_download() as download:
        page.click("#download-csv")
    with open(download.value.path(), newline="") as handle:
        assert len(list(csv.DictReader(handle))) == graph.num_accounts


def test_table_sorts_filters_and_downloads(offline_page, server):
    page = offline_page
    audit_example(page, server)
    expected = server.post(f"/v1/audit?limit={PAGE_LIMIT}", EXAMPLE.read_bytes())
    followers = expected["suspicious_followers"]

    suspicion = page.locator("#r-table th[data-key=suspicion]")
    suspicion.locator("button").click()
    assert suspicion.get_attribute("aria-sort") == "descending"
    suspicion.locator("button").click()
    assert suspicion.get_attribute("aria-sort") == "ascending"
    shown = [float(v) for v in table_column(page, "suspicion")]
    assert shown == sorted(f["suspicion"] for f in followers)
    page.locator("#r-table th[data-key=id] button").click()
    assert table_column(page, "id") == sorted(f["id"] for f in followers)

    page.fill("#filter-text", "no posts")
    with_phrase = [f for f in followers if any("no posts" in r for r in f["reasons"])]
    assert sorted(table_column(page, "id")) == sorted(f["id"] for f in with_phrase)
    assert page.text_content("#filter-count").startswith(
        f"Showing {len(with_phrase)} of {len(followers)}")
    page.fill("#filter-text", "")
    label = followers[-1]["label"]
    page.select_option("#filter-label", label)
    assert len(table_column(page, "id")) == sum(f["label"] == label for f in followers)

    with page.expect_download() as download:
        page.click("#download-json")
    assert download.value.suggested_filename == f"audit-{expected['target']}.json"
    assert json.loads(Path(download.value.path()).read_text()) == expected
    with page.expect_download() as download:
        page.click("#download-csv")
    assert download.value.suggested_filename == f"scores-{expected['target']}.csv"
    with open(download.value.path(), newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == len(orjson.loads(EXAMPLE.read_bytes())["accounts"])
    relations = [r["relation"] for r in rows]
    assert relations.count("follower") == expected["followers_analysed"]
    assert relations.count("target") == 1
    assert page.blocked == []
