"""benchmarks.counts_surface: the grid a model is read on, and the breakdown of a list."""

from __future__ import annotations

import numpy as np

from benchmarks.counts_surface import breakdown, grid_graph, render, surface
from detector.validate import parse_graph
from models.estimator import FollowerClassifier


def test_the_grid_holds_one_account_per_pair_with_only_the_two_counts():
    graph = grid_graph((0, 5), (10, 20, 30))
    assert graph.num_accounts == 6 and len(graph.edges) == 0
    c = graph.accounts.counts
    assert c["followers_count"].tolist() == [0, 0, 0, 5, 5, 5]
    assert c["following_count"].tolist() == [10, 20, 30] * 2
    assert np.isnan(c["posts_count"]).all() and np.isnan(graph.accounts.created_at).all()


def test_the_surface_never_falls_as_following_grows(model_dir):
    model = FollowerClassifier.load(model_dir)
    grid = surface(model, (0, 10, 1_000), (10, 100, 1_000, 10_000))
    assert grid.shape == (3, 4) and ((grid >= 0) & (grid <= 1)).all()
    # The default kind of model is monotone in both counts (models.monotone).
    assert (np.diff(grid, axis=1) >= -1e-6).all()
    assert (np.diff(grid, axis=0) <= 1e-6).all()


def test_the_breakdown_counts_what_the_model_and_the_rule_flag(model_dir):
    model = FollowerClassifier.load(model_dir)
    accounts = [
        {"id": "g_mass", "followers_count": 900, "following_count": 2_000, "label": "genuine"},
        {"id": "g_ratio", "followers_count": 2, "following_count": 400, "label": "genuine"},
        {"id": "g_plain", "followers_count": 300, "following_count": 250, "label": "genuine"},
        {"id": "b_tiny", "followers_count": 1, "following_count": 3, "label": "bought"},
        {"id": "b_ratio", "followers_count": 5, "following_count": 900, "label": "bought"},
    ]
    graph = parse_graph({"accounts": accounts, "edges": []})
    b = breakdown(model, graph)
    assert (b.genuine, b.fakes) == (3, 2)
    assert b.rule_genuine_flagged == 1 and b.rule_fakes_passed == 1  # g_ratio; b_tiny
    p = 1 - model.predict_proba(graph)[:, model.classes_.index("genuine")]
    flagged = p >= 0.5
    assert b.genuine_flagged == int(flagged[:3].sum())
    assert b.genuine_flagged_mass_line == int(flagged[0])
    assert b.genuine_flagged_ratio == int(flagged[1])
    assert b.fakes_passed == int((~flagged[3:]).sum())
    text = render(surface(model, (0, 10), (10, 100)), b, (0, 10), (10, 100))
    assert "| 10 | " in text and f"of {b.genuine:,}" in text
