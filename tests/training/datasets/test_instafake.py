"""InstaFake conversion: field mapping (the name's published length and digit count
included), labels, and a clear error for a file that is not InstaFake's."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from detector.errors import DetectorError
from detector.features import FEATURE_INDEX, compute_features
from detector.schema import LABEL_CODE
from training.datasets.instafake import instafake_accounts, instafake_dir, load_instafake
from training.datasets.shared import DATA_ENV

RECORD = {"userMediaCount": 0, "userFollowerCount": 25, "userFollowingCount": 1937,
          "userHasProfilPic": 1, "userIsPrivate": 0, "userBiographyLength": 0,
          "usernameLength": 12, "usernameDigitCount": 4, "isFake": 1}


def test_records_map_to_contract_columns():
    out = instafake_accounts(pd.DataFrame([RECORD]), "bought", "fake")
    row = out.iloc[0]
    assert row["id"] == "fake-0" and row["label"] == "bought"
    assert (row["posts_count"], row["followers_count"], row["following_count"]) == (0, 25, 1937)
    assert (row["username_length"], row["username_digits"]) == (12, 4)
    assert bool(row["has_avatar"]) and not bool(row["private"]) and row["bio"] == ""
    assert row["platform"] == "instagram"


def test_the_published_digit_count_reaches_the_features(tmp_path):
    real = {**RECORD, "usernameDigitCount": 0, "userBiographyLength": 7, "isFake": 0}
    (tmp_path / "fakeAccountData.json").write_text(json.dumps([RECORD]))
    (tmp_path / "realAccountData.json").write_text(json.dumps([real]))
    graph = load_instafake(tmp_path)
    assert graph.accounts.label.tolist() == [LABEL_CODE["bought"], LABEL_CODE["genuine"]]
    x = compute_features(graph)
    column = lambda name: x[:, FEATURE_INDEX[name]].tolist()  # noqa: E731
    assert column("name_digits") == [4, 0]
    assert column("name_digit_share") == pytest.approx([4 / 12, 0])
    assert column("name_digits_missing") == [0, 0]
    assert column("name_text_missing") == [1, 1]  # so the trailing run stays unknown
    assert column("log_bio_length") == pytest.approx([0, np.log1p(7)])


def test_a_file_that_is_not_instafake_is_refused(tmp_path):
    (tmp_path / "fakeAccountData.json").write_text(json.dumps([{"nope": 1}]))
    (tmp_path / "realAccountData.json").write_text(json.dumps([RECORD]))
    with pytest.raises(DetectorError, match="not InstaFake's list of profile records"):
        load_instafake(tmp_path)


@pytest.mark.realdata
def test_the_shared_copy_loads_with_its_digit_counts():
    if not (instafake_dir() / "fakeAccountData.json").is_file():
        pytest.skip(f"InstaFake not found at {instafake_dir()} (set {DATA_ENV} to its parent)")
    graph = load_instafake()
    assert graph.num_accounts == 1_194 and graph.num_edges == 0
    x = compute_features(graph)
    assert (x[:, FEATURE_INDEX["name_digits_missing"]] == 0).all()
    assert (x[:, FEATURE_INDEX["name_digits"]] > 0).any()
