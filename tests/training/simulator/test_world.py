"""Platform anchors and randomised worlds: genuine people rarely follow far beyond their
audience, on every platform and in every drawn world (the real sets' marginals)."""

import numpy as np

from training.simulator import SimConfig
from training.simulator.config import BEHAVIOURS
from training.simulator.genuine import make_genuine
from training.simulator.randomise import sample_platform
from training.simulator.world import PLATFORMS, World


def _share_beyond_five(platform, n=20_000, seed=0):
    config = SimConfig(accounts=n, world=World(platform=platform))
    gen = make_genuine(np.random.default_rng(seed), n, config, BEHAVIOURS["realistic"], 1e9)
    p = gen.profiles
    people = ~gen.lurker & ~gen.influencer
    return float((p.following[people] > 5 * p.followers[people]).mean())


def test_twitter_people_follow_beyond_five_times_their_audience_as_cresci_genuine_do():
    # Cresci-2015's genuine accounts: 12.4% (log ratio median 0.78, sd 0.90).
    assert 0.08 < _share_beyond_five(PLATFORMS["twitter"]) < 0.17


def test_instagram_people_rarely_follow_beyond_five_times_their_audience():
    # InstaFake's real accounts: 2.9%.
    assert _share_beyond_five(PLATFORMS["instagram"]) < 0.06


def test_drawn_worlds_move_audience_and_following_together():
    rng = np.random.default_rng(3)
    base = PLATFORMS["twitter"].people
    ratios, sizes = [], []
    for _ in range(400):
        platform = sample_platform(rng)
        if platform.name != "twitter":
            continue
        ratios.append(np.log(platform.people.following / platform.people.followers))
        sizes.append(np.log(platform.people.followers / base.followers))
    # The audience is scaled broadly, the ratio to it only a little.
    assert np.std(sizes) > 0.25
    assert np.std(ratios) < 0.2
    assert abs(np.mean(ratios) - np.log(base.following / base.followers)) < 0.05
