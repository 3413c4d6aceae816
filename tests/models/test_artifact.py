"""The saved model: exact round trip, and refusal of anything it cannot verify."""

import json

import numpy as np
import pytest

from detector.errors import ModelFileError
from models import artifact, files
from models.config import ModelConfig
from models.estimator import FollowerClassifier


@pytest.fixture
def saved(graph, tmp_path):
    clf = FollowerClassifier(ModelConfig(model="rgcn", hidden=8, epochs=5)).fit(
        graph, progress=False, log=lambda line: None)
    return clf, clf.save(tmp_path / "model")


def test_round_trip_gives_identical_probabilities(graph, saved):
    clf, path = saved
    again = FollowerClassifier.load(path)
    assert again.classes_ == clf.classes_
    assert np.array_equal(again.predict_proba(graph), clf.predict_proba(graph))
    assert again.metadata_["id"] == clf.metadata_["id"]


def test_saving_over_a_model_replaces_it_and_leaves_no_temporary_files(graph, saved, tmp_path):
    clf, path = saved
    clf.metadata_["id"] = "second"
    clf.save(path)
    assert FollowerClassifier.load(path).metadata_["id"] == "second"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model"]
    assert sorted(p.name for p in path.iterdir()) == [artifact.METADATA, artifact.WEIGHTS]


def test_a_different_feature_schema_is_refused(saved, monkeypatch):
    _, path = saved
    trained_on = files.FEATURE_SCHEMA_VERSION
    monkeypatch.setattr(files, "FEATURE_SCHEMA_VERSION", 99)
    with pytest.raises(ModelFileError,
                       match=f"feature schema version {trained_on}.*version 99"):
        FollowerClassifier.load(path)


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda p: (p / artifact.WEIGHTS).unlink(), "weights.safetensors: missing"),
        (lambda p: (p / artifact.METADATA).unlink(), "model.json: missing"),
        (lambda p: _truncate(p / artifact.WEIGHTS), "weights.safetensors: .* bytes, expected"),
        (lambda p: _flip_byte(p / artifact.WEIGHTS), "weights.safetensors: SHA-256"),
        (lambda p: _truncate(p / artifact.METADATA), "model.json: not readable JSON"),
        (lambda p: _edit_json(p, temperature=0.5), "model.json: content does not match"),
    ],
    ids=["no-weights", "no-metadata", "truncated-weights", "corrupt-weights",
         "truncated-metadata", "edited-metadata"],
)
def test_damaged_files_are_refused_naming_the_file(saved, damage, message):
    _, path = saved
    damage(path)
    with pytest.raises(ModelFileError, match=message):
        FollowerClassifier.load(path)


def test_a_missing_directory_is_refused(tmp_path):
    with pytest.raises(ModelFileError, match="no model directory"):
        FollowerClassifier.load(tmp_path / "nothing")


def _truncate(path):
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def _flip_byte(path):
    data = bytearray(path.read_bytes())
    data[-1] ^= 0xFF
    path.write_bytes(bytes(data))


def _edit_json(directory, **changes):
    path = directory / artifact.METADATA
    meta = json.loads(path.read_text())
    meta.update(changes)
    path.write_text(json.dumps(meta))


def test_a_saved_model_can_be_read_by_whoever_the_umask_lets(umask_022, graph, tmp_path):
    clf = FollowerClassifier(ModelConfig(model="rgcn", hidden=8, epochs=2)).fit(
        graph, progress=False, log=lambda line: None)
    path = clf.save(tmp_path / "model")
    assert path.stat().st_mode & 0o777 == 0o755
    assert {p.name: p.stat().st_mode & 0o777 for p in path.iterdir()} == {
        artifact.METADATA: 0o644, artifact.WEIGHTS: 0o644}
