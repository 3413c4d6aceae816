"""The campaign benchmark: sane recall and false alarms on a small simulated follower
list, the null model finds nothing, speed is measured, and the section is written
between its markers."""

from __future__ import annotations

from pathlib import Path

from benchmarks.campaigns import BEGIN, END, measure, render, speed
from benchmarks.follow_times import write_section


def test_a_small_simulated_list_has_sane_figures(tmp_path: Path) -> None:
    row = measure(3_000, 1)
    assert row["followers"] == 2_999 and row["bought"] == 600 and row["campaigns"] >= 3
    assert row["recall_dated"] >= 0.85 and row["recall"] >= 0.7  # 15% have no date
    assert row["genuine_inside"] <= 0.01
    assert row["clean_campaigns"] == 0 and row["clean_genuine_inside"] == 0
    assert row["null_campaigns"] == 0
    timing = speed(20_000, repeats=1)
    assert timing["plain_found"] == 0 and timing["planted_found"] >= 190
    assert timing["plain_best_s"] < 5

    section = render([row], timing, None, "python -m benchmarks.campaigns", 1.0)
    assert section.startswith(BEGIN) and section.endswith(END)
    assert "| 2,999 | 600 |" in section and "0 in 1" in section
    doc = tmp_path / "campaigns.md"
    doc.write_text(f"# Campaigns\n\nintro\n\n{BEGIN}\nold\n{END}\n\nafter\n")
    write_section(doc, section, BEGIN, END)
    text = doc.read_text()
    assert text.startswith("# Campaigns\n\nintro\n\n" + BEGIN) and text.endswith("\n\nafter\n")
    assert "old" not in text
