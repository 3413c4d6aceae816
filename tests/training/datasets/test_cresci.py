"""Cresci-2015 conversion: counts, split, field mapping and the dropped label leak."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from detector.features import FEATURE_INDEX, compute_features
from detector.schema import FOLLOW, LABEL_CODE, SPLIT_CODE
from training.datasets.cresci import (
    COLLECTED_AT,
    REFERENCE_DATE,
    cresci_accounts,
    cresci_dir,
    cresci_edges,
    load_cresci,
)
from training.datasets.shared import DATA_ENV

DAY = 86_400.0


@pytest.fixture(scope="module")
def cresci():
    if not (cresci_dir() / "accounts.csv").is_file():
        pytest.skip(f"Cresci-2015 not found at {cresci_dir()} (set {DATA_ENV} to its parent)")
    return load_cresci()


@pytest.fixture(scope="module")
def raw_accounts():
    if not (cresci_dir() / "accounts.csv").is_file():
        pytest.skip(f"Cresci-2015 not found at {cresci_dir()} (set {DATA_ENV} to its parent)")
    return pd.read_csv(cresci_dir() / "accounts.csv")


@pytest.mark.realdata
def test_counts_labels_and_split(cresci):
    assert cresci.num_accounts == 5_301
    labels = np.bincount(cresci.accounts.label, minlength=2)
    assert labels[LABEL_CODE["genuine"]] == 1_950
    assert labels[LABEL_CODE["bought"]] == 3_351
    splits = np.bincount(cresci.accounts.split, minlength=3)
    assert [splits[SPLIT_CODE[s]] for s in ("train", "val", "test")] == [3_708, 1_058, 535]


@pytest.mark.realdata
def test_edges_are_follows_without_loops_or_repeats(cresci):
    e = cresci.edges
    assert (e.type == FOLLOW).all()
    assert not (e.src == e.dst).any()
    pairs = e.src * cresci.num_accounts + e.dst
    assert len(np.unique(pairs)) == len(pairs)
    # 9,613 distinct non-self (src, dst, type) rows; 176 describe a pair twice (once from
    # a friend list, once from a follower list).
    assert cresci.num_edges == 9_437
    assert np.isnan(e.at).all()
    assert any("710 self-loops dropped" in str(w) for w in cresci.warnings)


@pytest.mark.realdata
def test_field_mapping(cresci, raw_accounts):
    a = cresci.accounts
    row = raw_accounts.iloc[0]
    assert a.ids[0] == str(row["node"])
    assert a.counts["followers_count"][0] == row["followers_count"]
    assert a.counts["following_count"][0] == row["following_count"]
    assert a.counts["listed_count"][0] == row["listed_count"]
    assert a.counts["username_length"][0] == row["screen_name_length"]
    assert np.isnan(a.counts["posts_count"]).all()
    np.testing.assert_array_equal(a.flags["has_avatar"],
                                  1 - raw_accounts["default_profile_image"].to_numpy())
    # Observed when collected (the day after the newest account), not at the processing's
    # reference date; created_date is the calendar day, active_days counts whole days to
    # that reference.
    assert cresci.observed_at == pd.Timestamp(COLLECTED_AT).timestamp()
    assert cresci.observed_at > np.nanmax(a.created_at)
    age = (pd.Timestamp(REFERENCE_DATE).timestamp() - a.created_at) / DAY
    assert (np.abs(age - raw_accounts["active_days"].to_numpy()) <= 1).all()


@pytest.mark.realdata
def test_features_see_the_profile(cresci):
    x = compute_features(cresci)
    assert np.isfinite(x).all()
    assert (x[:, FEATURE_INDEX["name_length"]] > 0).all()
    assert not x[:, FEATURE_INDEX["name_missing"]].any()
    assert not x[:, FEATURE_INDEX["age_missing"]].any()


def test_follower_list_edges_are_reversed():
    raw = pd.DataFrame(
        {"src": [1, 1, 2, 3, 3], "dst": [2, 3, 1, 3, 1], "edge_type": [0, 1, 0, 0, 1]}
    )
    edges = cresci_edges(raw)
    # (1,2,0): 1 follows 2. (1,3,1): 3 is among 1's followers. (2,1,0): 2 follows 1.
    # (3,3,0): self-loop, dropped. (3,1,1): 1 follows 3, the same as row 2: deduplicated.
    got = set(zip(edges["source"], edges["target"], strict=True))
    assert got == {("1", "2"), ("3", "1"), ("2", "1"), ("1", "3")}
    assert (edges["type"] == "follow").all()


def test_accounts_mapping_on_a_hand_made_row():
    raw = pd.DataFrame({
        "node": [7], "label": [1], "split": ["val"], "followers_count": [3],
        "following_count": [400], "listed_count": [0], "screen_name_length": [12],
        "active_days": [10], "default_profile_image": [1], "created_date": [None],
    })
    table = cresci_accounts(raw)
    assert table.loc[0, "id"] == "7"
    assert table.loc[0, "label"] == "bought"
    assert table.loc[0, "has_avatar"] == 0
    assert table.loc[0, "username_length"] == 12
    assert table.loc[0, "platform"] == "twitter"
    # Without created_date the day is rebuilt from active_days.
    assert table.loc[0, "created_at"] == pd.Timestamp("2020-08-22", tz="UTC")
