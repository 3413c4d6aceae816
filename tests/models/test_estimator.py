"""Train tiny models for real (seconds), then check what the estimator promises."""

import json

import numpy as np
import pytest
from sklearn.exceptions import NotFittedError

from detector.errors import DetectorError
from detector.features import compute_features
from models.config import ModelConfig
from models.estimator import FollowerClassifier

from .tiny_graphs import make_graph


def _fit(graph, model="rgcn", **kwargs):
    config = ModelConfig(model=model, hidden=16, epochs=40, patience=40, **kwargs)
    return FollowerClassifier(config).fit(graph, progress=False, log=lambda line: None)


@pytest.mark.parametrize("model", ["rgcn", "sage", "mlp"])
def test_each_model_learns_the_tiny_graph_and_scores_an_unseen_one(graph, model):
    clf = _fit(graph, model)
    assert clf.classes_ == ("genuine", "bought", "mass_follow")
    unseen = make_graph(60, seed=7)
    proba = clf.predict_proba(unseen)
    assert proba.shape == (60, 3)
    assert np.allclose(proba.sum(axis=1), 1.0)
    predicted = clf.predict(unseen)
    truth = np.array(unseen.label_names(), dtype=object)
    assert (predicted == truth).mean() > 0.9
    metrics = clf.metadata_["metrics"]
    assert metrics["val"]["macro_f1"] > 0.8
    assert set(metrics["test"]["per_class"]) == set(clf.classes_)
    assert 0.0 <= metrics["test"]["ece_after"] <= 1.0


def test_precomputed_features_give_the_same_answer(graph):
    clf = _fit(graph, "sage")
    given = clf.predict_proba(graph, compute_features(graph))
    assert np.array_equal(clf.predict_proba(graph), given)
    with pytest.raises(ValueError, match="features must have shape"):
        clf.predict_proba(graph, compute_features(graph)[:5])


def test_the_costly_columns_a_model_does_not_read_are_skipped_with_equal_scores(graph):
    from detector.features import SKIPPABLE

    reads_all = _fit(graph, "sage")
    assert reads_all.unread_features() == frozenset()
    lean = _fit(graph, "sage", drop_features=("lockstep_excess", "like_sync_mean"))
    assert lean.unread_features() == {"lockstep_excess", "like_sync_mean"} < SKIPPABLE
    skipped = compute_features(graph, skip=lean.unread_features())
    assert np.array_equal(lean.predict_proba(graph, skipped),
                          lean.predict_proba(graph, compute_features(graph)))


def test_a_two_class_data_set_trains_a_two_class_model():
    graph = make_graph(60, classes=("genuine", "bought"))
    clf = _fit(graph, "mlp")
    assert clf.classes_ == ("genuine", "bought")
    assert clf.predict_proba(graph).shape == (60, 2)
    assert set(clf.predict(graph)) <= {"genuine", "bought"}


def test_the_split_carried_by_the_data_is_used():
    graph = make_graph(80, split=True)
    clf = _fit(graph, "mlp")
    metrics = clf.metadata_["metrics"]
    assert metrics["split_source"] == "data"
    assert metrics["split"] == {
        "train": int((graph.accounts.split == 0).sum()),
        "val": int((graph.accounts.split == 1).sum()),
        "test": int((graph.accounts.split == 2).sum()),
    }


def test_same_seed_same_model(graph):
    a, b = _fit(graph, "rgcn", seed=3), _fit(graph, "rgcn", seed=3)
    assert np.allclose(a.predict_proba(graph), b.predict_proba(graph))


def test_training_leaves_the_global_random_state_alone(graph):
    import torch

    torch.manual_seed(123)
    expected = torch.rand(1)
    torch.manual_seed(123)
    _fit(graph, "mlp")
    assert torch.equal(torch.rand(1), expected)


def test_one_class_or_unfitted_use_is_a_clear_error(graph):
    one = make_graph(30, classes=("genuine",))
    with pytest.raises(DetectorError, match="at least two classes"):
        _fit(one)
    with pytest.raises(NotFittedError):
        FollowerClassifier().predict_proba(graph)


def test_fit_logs_one_line_per_epoch(graph):
    lines = []
    config = ModelConfig(model="mlp", hidden=8, epochs=5, patience=5)
    FollowerClassifier(config).fit(graph, progress=False, log=lines.append)
    assert sum(line.startswith("epoch ") for line in lines) == 5


def test_metadata_records_what_a_reader_needs(graph):
    meta = _fit(graph, "mlp").metadata_
    for key in ("id", "created_at", "model", "classes", "feature_schema_version",
                "normalisation", "training", "data", "metrics", "libraries"):
        assert key in meta
    assert meta["data"]["accounts"] == graph.num_accounts
    assert meta["metrics"]["val"]["ece_before"] >= 0
    assert len(meta["normalisation"]["mean"]) == len(meta["feature_names"])


@pytest.mark.parametrize("model", ["rgcn", "mlp"])
def test_a_subset_of_feature_groups_trains_and_round_trips(graph, tmp_path, model):
    from detector.features import FEATURE_GROUPS

    clf = _fit(graph, model, feature_groups=("profile", "flags"))
    width = len(FEATURE_GROUPS["profile"]) + len(FEATURE_GROUPS["flags"])
    assert clf.model_.in_channels == width
    again = FollowerClassifier.load(clf.save(tmp_path / "m"))
    assert again.config.feature_groups == ("profile", "flags")
    assert np.array_equal(again.predict_proba(graph), clf.predict_proba(graph))


@pytest.mark.parametrize("model", ["rgcn", "sage"])
def test_dropped_features_leave_the_input_and_round_trip(graph, tmp_path, model):
    from detector.features import FEATURE_NAMES, FEATURES

    time_names = tuple(f.name for f in FEATURES if f.group == "time")
    clf = _fit(graph, model, drop_features=("log_following", *time_names))
    assert clf.model_.in_channels == len(FEATURE_NAMES) - 1 - len(time_names)
    assert FEATURE_NAMES.index("log_following") not in clf.columns_.tolist()
    again = FollowerClassifier.load(clf.save(tmp_path / "m"))
    assert again.config.drop_features == ("log_following", *time_names)
    assert np.array_equal(again.predict_proba(graph), clf.predict_proba(graph))


def test_blind_flags_do_not_move_a_score_and_round_trip(graph, tmp_path):
    from detector.errors import ModelFileError
    from detector.features import FEATURE_INDEX

    clf = _fit(graph, "evidence", blind_features=("bio_missing", "avatar_missing"))
    features = compute_features(graph)
    flipped = features.copy()
    # A flag whose value column is imputed anyway moves nothing when it is blind:
    # ``log_bio_length`` is unknown under ``bio_missing``, so set it to the mean too.
    bio, flag = FEATURE_INDEX["log_bio_length"], FEATURE_INDEX["bio_missing"]
    position = clf.columns_.tolist().index(bio)
    flipped[:, flag] = 1.0
    imputed = clf.predict_proba(graph, flipped)
    flipped[:, bio] = clf.normaliser_.mean[position]
    flipped[:, flag] = 0.0
    assert np.allclose(clf.predict_proba(graph, flipped), imputed, atol=1e-6)
    again = FollowerClassifier.load(clf.save(tmp_path / "m"))
    assert again.config.blind_features == ("bio_missing", "avatar_missing")
    assert np.array_equal(again.predict_proba(graph), clf.predict_proba(graph))
    meta = tmp_path / "m" / "model.json"
    data = json.loads(meta.read_text())
    data["normalisation"]["blind"] = []
    meta.write_text(json.dumps(data))
    with pytest.raises(ModelFileError, match="blind"):
        FollowerClassifier.load(tmp_path / "m")
