"""The campaign scan on hand-built follower lists: genuine lists with the structure real
ones have (drift, new users who follow right after signing up, creation waves), bought
blocks (fresh and aged), harmless bulk arrivals, and the null model's calibration."""

from __future__ import annotations

import numpy as np
import pytest

from detector.campaign_scan import ScanConfig, _Views, local_ranks, scan

from .follower_lists import DAY, NOW, YEAR, genuine_list, plant


def members(result, group: int) -> np.ndarray:
    return np.flatnonzero(result.group == group)


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("n", [300, 3_000, 30_000])
def test_genuine_lists_have_no_campaign(n, seed):
    result = scan(genuine_list(n, seed))
    assert result.count == 0 and (result.group == -1).all() and (result.p_value == 1).all()


@pytest.mark.parametrize("seed", range(3))
def test_shuffled_dates_have_no_campaign(seed):
    """The null model itself: dates in random order."""
    rng = np.random.default_rng(seed)
    assert scan(rng.permutation(genuine_list(20_000, seed))).count == 0


def test_a_fresh_bought_block_is_one_campaign():
    """300 accounts made within a day, delivered together in a list of 5,000."""
    created = plant(genuine_list(5_000), 2_000, 300, 30 * DAY, DAY)
    result = scan(created)
    assert result.count == 1
    found = members(result, 0)
    assert set(found) <= set(range(1_990, 2_310))
    assert len(found) >= 290
    assert result.p_value[found].max() < ScanConfig().alpha / result.tests


def test_aged_bought_accounts_are_found():
    """Accounts made in one month five years ago, sold as one block today: old, yet
    their creation dates cluster."""
    created = plant(genuine_list(5_000, seed=3), 4_200, 250, 5 * YEAR, 30 * DAY)
    result = scan(created)
    assert result.count == 1
    assert len(set(members(result, 0)) & set(range(4_200, 4_450))) >= 240


def test_a_harmless_bulk_arrival_is_no_campaign():
    """A viral post or a starter pack: 800 consecutive followers arrive together, but
    they were created at all different times."""
    rng = np.random.default_rng(5)
    created = genuine_list(6_000, seed=5)
    block = slice(3_000, 3_800)
    created[block] = created[:3_000].max() - rng.uniform(0, 8 * YEAR, 800)
    assert scan(created).count == 0


def test_two_blocks_side_by_side_stay_two():
    created = plant(genuine_list(5_000, seed=2), 1_000, 200, 3 * YEAR, 2 * DAY, seed=1)
    created = plant(created, 1_200, 200, YEAR, 2 * DAY, seed=2)
    result = scan(created)
    assert result.count == 2
    first, second = members(result, 0), members(result, 1)
    assert first.max() < 1_205 and second.min() > 1_195  # numbered in follow order
    assert len(first) >= 190 and len(second) >= 190


def test_genuine_followers_in_between_do_not_split_a_campaign():
    """A drip-fed order: 240 bought followers among 360 genuine ones arriving meanwhile."""
    rng = np.random.default_rng(7)
    created = genuine_list(6_000, seed=7)
    slots = 2_000 + np.sort(rng.choice(600, 240, replace=False))
    created[slots] = created[:2_000].max() - 2 * YEAR + rng.uniform(0, 7 * DAY, 240)
    result = scan(created)
    assert result.count == 1
    assert len(set(members(result, 0)) & set(slots.tolist())) >= 220


def test_small_blocks_and_unknown_dates():
    created = plant(genuine_list(4_000, seed=4), 500, 12, YEAR, DAY)  # too small
    created = plant(created, 2_500, 100, 2 * YEAR, DAY)
    created[2_520:2_530] = np.nan  # ten of the bought show no creation date
    result = scan(created)
    assert result.count == 1
    assert (result.group[2_520:2_530] == -1).all() and (result.group[500:512] == -1).all()
    assert len(members(result, 0)) >= 85


def test_dates_known_only_to_the_month_raise_no_false_campaign():
    """Many equal values (a platform showing "joined March 2019"): ties are ordered at
    random, so they do not line up into blocks."""
    created = genuine_list(10_000, seed=8)
    month = 30.44 * DAY
    assert scan(np.floor(created / month) * month).count == 0


def test_short_and_empty_lists():
    assert scan(np.array([])).count == 0
    assert scan(np.full(15, NOW)).count == 0  # fewer than min_size
    assert scan(np.full(500, np.nan)).count == 0


def test_local_ranks_are_uniform_under_the_null():
    rng = np.random.default_rng(0)
    values = rng.permutation(genuine_list(20_000))
    views = _Views([values, values], cut=[False, True], seed=0)
    u = local_ranks(views, np.ones(20_000, dtype=bool), views.grid(2_048, 256))
    for row, slack in zip(u, (150, 250), strict=True):
        counts = np.histogram(row, bins=10, range=(0, 1))[0]
        # Binomial sd of a tenth of 20,000 is 42; the cut view is uniform only where the
        # running maximum has settled, which a shuffled list reaches within a few blocks.
        assert np.abs(counts - 2_000).max() < slack, counts


@pytest.mark.parametrize("views", [("date",), ("lag",)])
def test_either_view_alone_would_raise_false_campaigns(views):
    """Why a block must stand out in both views: creation waves fool the lag view, new
    users and the cut at the list's start fool the date view (docs/campaigns.md)."""
    alone = sum(scan(genuine_list(30_000, seed), ScanConfig(views=views)).count
                for seed in range(2))
    both = sum(scan(genuine_list(30_000, seed)).count for seed in range(2))
    assert alone > 0 and both == 0


def test_config_is_checked():
    with pytest.raises(ValueError, match="alpha"):
        ScanConfig(alpha=0)
    with pytest.raises(ValueError, match="windows"):
        ScanConfig(windows=(2,))
    with pytest.raises(ValueError, match="views"):
        ScanConfig(views=("date", "rank"))
