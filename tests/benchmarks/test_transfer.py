"""docs/transfer.md's table of the same design on other simulated worlds."""

from __future__ import annotations

from benchmarks.transfer import GOALS, decision_table, report, spread_table

META = {"date": "2026-01-01 00:00 UTC", "machine": "test", "minutes": 1.0, "model": "m",
        "model_repr": "r", "bootstrap": 10, "train_note": "trained", "absent": [], "seed": 5}


def result(name: str, kind: str, **model: float) -> dict:
    return {"name": name, "kind": kind, "note": "", "accounts": 10, "positives": 5,
            "model": model, "model_ci": {}, "uncertain_share": 0.0}


def test_the_spread_shows_every_seed_its_range_and_how_many_meet_the_goal():
    results = [result("InstaFake", "real", balanced_accuracy=0.90, specificity=0.96),
               result("Cresci-2015, with its graph", "real", balanced_accuracy=0.96)]
    spread = [{"seed": 6, "figures": {"InstaFake": {"balanced_accuracy": 0.94,
                                                    "specificity": 0.93},
                                      "Cresci-2015, with its graph": {"balanced_accuracy": 0.93}}}]
    lines = spread_table(results, spread, 5)
    text = "\n".join(lines)
    assert "| shipped (seed 5) | seed 6 |" in text
    assert "| InstaFake | balanced accuracy | >= 0.93 | 0.900 | 0.940 | 0.900–0.940 | 1 of 2 |" \
        in text
    assert "| InstaFake | specificity | >= 0.95 | 0.960 | 0.930 | 0.930–0.960 | 1 of 2 |" in text
    assert "| Cresci-2015, with its graph | balanced accuracy | >= 0.95 | 0.960 | 0.930 |" in text
    # Goals whose set did not run are left out, not invented.
    assert sum(1 for line in lines if line.startswith("| ")) == 1 + 3
    assert len(GOALS) > 3


def test_without_other_seeds_the_report_has_no_spread_section():
    results = [result("InstaFake", "real", balanced_accuracy=0.90, specificity=0.96)]
    assert "other simulated worlds" not in report(results, META)
    assert "other simulated worlds" in report(results, META, [
        {"seed": 6, "figures": {"InstaFake": {"balanced_accuracy": 0.9, "specificity": 0.9}}}])


def test_instafake_is_judged_with_and_without_its_digit_counts_and_as_counts(tmp_path):
    import json

    import numpy as np

    from benchmarks.transfer_sets import real_sets
    from training.datasets.instafake import load_instafake

    record = {"userMediaCount": 0, "userFollowerCount": 25, "userFollowingCount": 1937,
              "userHasProfilPic": 1, "userIsPrivate": 0, "userBiographyLength": 0,
              "usernameLength": 12, "usernameDigitCount": 4}
    (tmp_path / "fakeAccountData.json").write_text(json.dumps([record]))
    (tmp_path / "realAccountData.json").write_text(json.dumps([{**record, "isFake": 0}]))
    full, bare, counts = real_sets({"instafake": lambda: load_instafake(tmp_path)})
    assert (full.name, bare.name, counts.name) == (
        "InstaFake", "InstaFake, no digit counts", "InstaFake, counts only")
    assert full.graph.accounts.counts["username_digits"].tolist() == [4, 4]
    assert np.isnan(bare.graph.accounts.counts["username_digits"]).all()
    assert bare.graph.accounts.counts["username_length"].tolist() == [12, 12]
    assert bare.positive.tolist() == full.positive.tolist() == [True, False]
    kept = counts.graph.accounts
    assert kept.counts["following_count"].tolist() == [1937, 1937]
    assert kept.counts["posts_count"].tolist() == [0, 0]
    assert np.isnan(kept.counts["username_digits"]).all()
    assert np.isnan(kept.flags["has_avatar"]).all() and np.isnan(kept.flags["private"]).all()
    assert counts.positive.tolist() == [True, False]


def test_the_decision_table_has_a_column_per_seed_and_only_the_figures_a_set_has():
    spread = [{"seed": 1, "figures": {
                  "Cresci-2015, profile-only": {"balanced_accuracy": 0.95512},
                  "Simulated lurker-heavy audience": {"balanced_accuracy": 0.99,
                                                      "macro_f1": 0.98,
                                                      "lurkers_flagged": 0.016}}},
              {"seed": 2, "figures": {
                  "Cresci-2015, profile-only": {"balanced_accuracy": 0.952},
                  "Simulated lurker-heavy audience": {"balanced_accuracy": 0.98,
                                                      "macro_f1": 0.97}}}]
    lines = decision_table(spread)
    assert lines[0] == "| set | figure | seed 1 | seed 2 |"
    assert "| Cresci-2015, profile-only | balanced accuracy | 0.9551 | 0.9520 |" in lines
    assert not any("profile-only | macro-F1" in line for line in lines)
    assert "| Simulated lurker-heavy audience | lurkers flagged | 0.0160 | - |" in lines
    assert len(lines) == 2 + 1 + 3


def test_decision_runs_can_start_at_another_world_seed(tmp_path, monkeypatch):
    import benchmarks.transfer as transfer

    asked = []
    monkeypatch.setattr(transfer, "ROOT", tmp_path)
    monkeypatch.setattr(transfer, "present_loaders", lambda wanted: ({}, []))
    monkeypatch.setattr(transfer, "simulated_sets", lambda quick: [])
    monkeypatch.setattr(transfer, "seed_spread", lambda sets, seeds, log: asked.extend(seeds)
                        or [{"seed": s, "figures": {}} for s in seeds])
    transfer.main(["--decide", "--seeds", "3", "--first-seed", "20250604"])
    assert asked == [20250604, 20250605, 20250606]
    transfer.decide(2, quick=True, log=lambda line: None)
    assert asked[3:] == [transfer.DEFAULT_DATA["seed"], transfer.DEFAULT_DATA["seed"] + 1]
    assert (tmp_path / "var" / "benchmarks" / "decide.json").is_file()
