"""The ``platform`` field: what the contract accepts, and the model's three input columns."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from detector.errors import GraphValidationError
from detector.features import FEATURE_INDEX, compute_features
from detector.frames import graph_from_frames
from detector.schema import PLATFORM_CODE, PLATFORMS
from detector.validate import parse_graph

COLUMNS = [f"platform_{name}" for name in PLATFORMS]


def test_each_platform_is_read_and_omitted_means_unknown():
    doc = {"accounts": [{"id": name, "platform": name} for name in PLATFORMS]
           + [{"id": "none", "platform": None}, {"id": "absent"}]}
    graph = parse_graph(doc)
    assert graph.accounts.platform.tolist() == [PLATFORM_CODE[n] for n in PLATFORMS] + [-1, -1]


def test_the_features_say_the_platform_once_and_nothing_when_unknown():
    doc = {"accounts": [{"id": name, "platform": name} for name in PLATFORMS] + [{"id": "x"}]}
    x = compute_features(parse_graph(doc))[:, [FEATURE_INDEX[c] for c in COLUMNS]]
    np.testing.assert_array_equal(x, np.vstack([np.eye(len(PLATFORMS)),
                                                np.zeros((1, len(PLATFORMS)))]))


@pytest.mark.parametrize("value", ["myspace", "Twitter", 3, True])
def test_an_unknown_platform_is_refused_with_the_choices(value):
    with pytest.raises(GraphValidationError) as info:
        parse_graph({"accounts": [{"id": "a", "platform": value}]})
    message = str(info.value)
    assert "accounts[0].platform" in message and "twitter, instagram, tiktok" in message


def test_tables_carry_the_platform_as_documents_do():
    frame = pd.DataFrame({"id": ["a", "b", "c"], "platform": ["tiktok", None, "twitter"]})
    graph = graph_from_frames(frame, None)
    assert graph.accounts.platform.tolist() == [PLATFORM_CODE["tiktok"], -1,
                                                PLATFORM_CODE["twitter"]]
    with pytest.raises(GraphValidationError, match="platform"):
        graph_from_frames(pd.DataFrame({"id": ["a"], "platform": ["vine"]}), None)
