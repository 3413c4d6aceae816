"""A simulated audience exported to Twitter v1.1 files and imported back is the same."""

import numpy as np
import pytest

from detector.io import load_graph
from detector.schema import BOOL_FIELDS, FOLLOW, TEXT_FIELDS
from importers.audience import ImportOptions
from importers.output import write
from importers.twitter_v1 import TwitterV1Files, import_twitter_v1
from training.simulator import SimConfig, simulate

from .conftest import NOW
from .twitter_files import COUNTS, twitter_id, write_twitter_v1


@pytest.fixture(scope="module")
def simulated():
    return simulate(SimConfig(accounts=300, audit_of="brand", seed=1))


@pytest.fixture
def round_trip(simulated, tmp_path):
    users, pages, target = write_twitter_v1(simulated, tmp_path)
    stamp = "2025-06-01T00:00:00Z"
    assert simulated.observed_at == 1_748_736_000.0  # the simulator's collection time
    imported = import_twitter_v1(TwitterV1Files((users,), tuple(pages), target),
                                 ImportOptions(observed_at=stamp), now=NOW)
    assert imported.warnings == []
    path, _ = write(imported, tmp_path / "graph.json")
    return simulated, load_graph(path), imported


def test_the_same_accounts_and_profile_fields(round_trip):
    original, imported, _ = round_trip
    rows = imported.index_of()
    order = np.array([rows[twitter_id(i)] for i in range(original.num_accounts)])
    assert imported.num_accounts == original.num_accounts
    assert imported.target_id == twitter_id(original.target)
    a, b = original.accounts, imported.accounts.take(order)
    for name in COUNTS:
        np.testing.assert_array_equal(a.counts[name], b.counts[name], err_msg=name)
    for name in BOOL_FIELDS:
        np.testing.assert_array_equal(a.flags[name], b.flags[name], err_msg=name)
    for name in TEXT_FIELDS:
        assert a.texts[name].tolist() == b.texts[name].tolist(), name
    # v1.1 writes whole seconds.
    np.testing.assert_array_equal(np.floor(a.created_at), b.created_at)


def test_rank_order_is_the_order_of_the_true_follow_times(round_trip):
    original, _, imported = round_trip
    e = original.edges
    fans = (e.type == FOLLOW) & (e.dst == original.target)
    true_at = dict(zip((twitter_id(s) for s in e.src[fans]), e.at[fans], strict=True))
    follows = imported.rank >= 0
    assert follows.sum() == fans.sum()
    ranked = imported.accounts.ids[imported.edges.src[follows]][np.argsort(imported.rank[follows])]
    times = np.array([true_at[i] for i in ranked])
    timed = times[~np.isnan(times)]
    assert len(timed) > 250 and (np.diff(timed) > 0).all()
    assert sorted(imported.rank[follows].tolist()) == list(range(fans.sum()))


def test_the_import_audits_like_the_original_seen_as_a_follower_list(round_trip, model_dir):
    # Issue 16's check: the simulated audience without its follow times (its follower
    # list in follow order, as a collector gets it) and the same audience exported to
    # v1.1 files and imported again give the same audit.
    from models.auditing import audit_answer
    from models.estimator import FollowerClassifier
    from training.simulator.view import View, observe

    original, imported, _ = round_trip
    classifier = FollowerClassifier.load(model_dir)
    seen = observe(original, View("follower_list"), np.random.default_rng(0))
    seen.accounts.created_at = np.floor(seen.accounts.created_at)  # v1.1: whole seconds
    a = audit_answer(seen, classifier)
    b = audit_answer(imported, classifier)
    assert a["followers_analysed"] == b["followers_analysed"] == original.num_accounts - 1
    assert a["quality"] == b["quality"]
    for name, share in a["shares"].items():
        assert share == b["shares"][name], name
    assert len(a["bursts"]) == len(b["bursts"])
    assert [(c["rank_from"], c["rank_to"]) for c in a["campaigns"]] == \
        [(c["rank_from"], c["rank_to"]) for c in b["campaigns"]]
    assert a["timeline"]["follows"] == b["timeline"]["follows"]
