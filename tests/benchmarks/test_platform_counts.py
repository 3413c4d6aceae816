"""benchmarks.platform_counts: each platform's held-out worlds seen without edges, and
what the model's verdicts flag among each role."""

from __future__ import annotations

import numpy as np
import pytest

from benchmarks.platform_counts import VIEWS, draw, flags, main, measure, render
from models.estimator import FollowerClassifier
from training.simulator.core import ROLES
from training.simulator.world import PLATFORMS


@pytest.fixture(scope="module")
def worlds():
    return draw(1, 120, seed=5)


def test_each_platform_gets_its_worlds_and_no_view_shows_an_edge(worlds):
    assert sorted(w.platform for w in worlds) == sorted(PLATFORMS)
    for w in worlds:
        assert len(w.roles) == len(w.label) == len(w.followers) == 120
        counts, profile = w.views["counts"], w.views["profile"]
        assert len(counts.edges) == 0 and len(profile.edges) == 0
        # The list of counts keeps three counts and the true values; the profile more.
        np.testing.assert_array_equal(counts.accounts.counts["followers_count"], w.followers)
        assert np.isnan(counts.accounts.created_at).all()
        assert np.isnan(counts.accounts.counts["likes_count"]).all()
        assert np.isfinite(profile.accounts.created_at).any()


def test_the_rows_are_the_verdicts_counted_by_role(model_dir, worlds):
    model = FollowerClassifier.load(model_dir)
    rows, people = measure(model, worlds)
    assert [(r.view, r.platform) for r in rows] == [(v, p) for v in VIEWS for p in PLATFORMS]
    for view in VIEWS:
        hit = flags(model, worlds, view)
        for row in (r for r in rows if r.view == view):
            mine = [i for i, w in enumerate(worlds) if w.platform == row.platform]
            roles = np.concatenate([worlds[i].roles for i in mine])
            flagged = np.concatenate([hit[i] for i in mine])
            assert row.accounts == len(roles) == sum(row.role_counts.values())
            for role in ROLES:
                if row.role_counts[role]:
                    assert row.flagged[role] == pytest.approx(flagged[roles == role].mean())
                else:
                    assert np.isnan(row.flagged[role])
            fake = np.concatenate([worlds[i].label for i in mine]) > 0
            assert row.balanced_accuracy == pytest.approx(
                0.5 * (flagged[fake].mean() + (~flagged[~fake]).mean()))
        person = np.concatenate([w.roles == "person" for w in worlds])
        # Every person with both counts known falls in exactly one region.
        assert sum(n for n, _ in people[view].values()) == int(person.sum())
        assert sum(k for _, k in people[view].values()) == int((person & np.concatenate(hit)).sum())
    text = render(rows, people)
    assert text.count("\n| counts |") == len(PLATFORMS)
    assert "following > 1,500, at most 2 x followers" in text


def test_the_command_refuses_an_empty_draw(capsys):
    with pytest.raises(SystemExit):
        main(["--worlds", "0"])
    assert "--worlds must be at least 1" in capsys.readouterr().err
