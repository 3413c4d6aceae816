"""Genuine accounts: reciprocity, communities, influencers, interactions along follows,
newcomers."""

from dataclasses import replace

import numpy as np

from detector.schema import EDGE_CODE, INTERACTIONS, LABEL_CODE
from training.simulator import SimConfig
from training.simulator.config import BEHAVIOURS, DAY
from training.simulator.genuine import NEWCOMER_DAYS, follow_edges, make_genuine
from training.simulator.tables import EdgeLog

from .sim_helpers import mutual

GENUINE = LABEL_CODE["genuine"]


def test_genuine_follows_are_often_mutual(realistic):
    src, dst, is_mutual = mutual(realistic)
    label = realistic.accounts.label
    among = (label[src] == GENUINE) & (label[dst] == GENUINE)
    assert 0.25 < is_mutual[among].mean() < 0.6
    assert is_mutual[label[src] == LABEL_CODE["bought"]].mean() < 0.05


def test_follows_stay_in_communities_and_favour_the_popular():
    config = SimConfig(accounts=3_000)
    rng = np.random.default_rng(0)
    gen = make_genuine(rng, 3_000, config, BEHAVIOURS["realistic"], 1e9)
    log = EdgeLog(3_000, 1e9)
    src, dst, _ = follow_edges(rng, gen, config, BEHAVIOURS["realistic"], 1e9, log)
    same = gen.community[src] == gen.community[dst]
    assert same.mean() > 0.6
    in_deg = np.bincount(dst, minlength=3_000)
    followers = gen.profiles.followers
    assert in_deg[gen.influencer].mean() > 5 * in_deg[~gen.influencer].mean()
    assert np.corrcoef(np.log1p(followers), np.log1p(in_deg))[0, 1] > 0.3


def test_influencers_have_large_audiences(realistic):
    followers = realistic.accounts.counts["followers_count"]
    genuine = realistic.accounts.label == GENUINE
    assert np.nanmax(followers[genuine]) > 10_000
    assert np.nanmean(followers[genuine] > 10_000) < 0.02


def test_interactions_mostly_follow_follows(realistic):
    e = realistic.edges
    n = realistic.num_accounts
    interact = np.isin(e.type, INTERACTIONS)
    follow = e.type == EDGE_CODE["follow"]
    genuine = interact & (realistic.accounts.label[e.src] == GENUINE)
    along = np.isin(e.src[genuine] * n + e.dst[genuine], e.src[follow] * n + e.dst[follow])
    assert along.mean() > 0.99
    assert (e.weight[interact] >= 1).all() and e.weight[interact].max() > 1
    assert (e.weight[~interact] == 1).all()


def test_newcomers_are_young_people_with_a_newcomers_counts():
    # A share of people (2% at `realistic`, a log-normal factor per world; 10% here)
    # joined within 60 days: about 40 following, 8 followers, few posts. They are drawn
    # last, so the same world without them differs in them only.
    now = 1e9
    config = SimConfig(accounts=20_000)

    def world(share: float):
        behaviour = replace(BEHAVIOURS["realistic"], newcomer_share=share)
        return make_genuine(np.random.default_rng(1), 20_000, config, behaviour, now)

    gen, before = world(0.1), world(0.0).profiles
    p = gen.profiles
    new = p.created_at != before.created_at
    assert 0.03 < new.mean() < 0.25
    assert not (new & (gen.lurker | gen.influencer)).any()
    age = (now - p.created_at[new]) / DAY
    assert age.min() >= 1.0 and age.max() <= NEWCOMER_DAYS
    assert 25 < np.median(p.following[new]) < 60 and 4 < np.median(p.followers[new]) < 14
    assert np.median(p.posts[new]) < 10 and (p.listed[new] == 0).all()
    assert np.array_equal(p.followers[~new], before.followers[~new])
    assert np.array_equal(p.posts[~new], before.posts[~new])
