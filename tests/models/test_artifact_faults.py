"""The saved model under faults and hostile files: an interrupted save (exception or
Ctrl-C at any step, through ``save``, ``train_model`` and ``ffd train``) leaves the
previous model intact and nothing half-written; a swapped, re-signed, pickled or
path-escaping file is refused naming the file, and no pickle ever runs."""

from __future__ import annotations

import os
import pickle
from pathlib import Path

import pytest
import torch
from click.testing import CliRunner
from safetensors.torch import save_file

from detector.errors import ModelFileError
from detector.io import save_graph
from models import artifact, files
from models.config import ModelConfig
from models.estimator import FollowerClassifier

TINY = {"model": "mlp", "hidden": 8, "epochs": 2}


@pytest.fixture
def fitted(graph) -> FollowerClassifier:
    return FollowerClassifier(ModelConfig(**TINY)).fit(graph, progress=False,
                                                      log=lambda _: None)


@pytest.fixture
def previous(fitted, tmp_path) -> Path:
    """A model already at the destination, with a recognisable id."""
    fitted.metadata_ = {**fitted.metadata_, "id": "previous"}
    return fitted.save(tmp_path / "model")


def assert_only_the_previous_model(path: Path) -> None:
    assert FollowerClassifier.load(path).metadata_["id"] == "previous"
    assert sorted(p.name for p in path.parent.iterdir()) == ["model"], "debris left behind"
    assert sorted(p.name for p in path.iterdir()) == [artifact.METADATA, artifact.WEIGHTS]


def _half_then(error: BaseException):
    def save_half(tensors, filename):
        save_file(tensors, filename)
        Path(filename).write_bytes(Path(filename).read_bytes()[:100])
        raise error
    return save_half


def _fail_on(error: BaseException):
    def fail(*_args, **_kwargs):
        raise error
    return fail


@pytest.mark.parametrize("error", [OSError(28, "No space left on device"), KeyboardInterrupt()],
                         ids=["disk-full", "ctrl-c"])
@pytest.mark.parametrize("step", ["weights", "metadata", "fsync", "rename"])
def test_an_interrupted_save_leaves_the_previous_model(fitted, previous, monkeypatch, step,
                                                       error):
    if step == "weights":
        monkeypatch.setattr(artifact, "save_file", _half_then(error))
    elif step == "metadata":
        monkeypatch.setattr(artifact.orjson, "dumps", _fail_on(error))
    elif step == "fsync":
        monkeypatch.setattr(artifact.os, "fsync", _fail_on(error))
    else:  # the new directory's rename onto the destination (after the old moved aside)
        real_replace = os.replace

        def replace(src, dst):
            if Path(src).name.startswith(".model.tmp-"):
                raise error
            real_replace(src, dst)
        monkeypatch.setattr(artifact.os, "replace", replace)
    fitted.metadata_ = {**fitted.metadata_, "id": "new"}
    with pytest.raises(type(error)):
        fitted.save(previous)
    monkeypatch.undo()
    assert_only_the_previous_model(previous)


def test_an_interrupted_first_save_leaves_nothing(fitted, tmp_path, monkeypatch):
    monkeypatch.setattr(artifact, "save_file", _half_then(KeyboardInterrupt()))
    with pytest.raises(KeyboardInterrupt):
        fitted.save(tmp_path / "model")
    assert list(tmp_path.iterdir()) == []


def test_train_model_interrupted_while_saving_keeps_the_previous_model(graph, previous,
                                                                       monkeypatch):
    from training.train import train_model

    monkeypatch.setattr(artifact, "save_file", _half_then(KeyboardInterrupt()))
    with pytest.raises(KeyboardInterrupt):
        train_model(graph, ModelConfig(**TINY), previous, progress=False, log=lambda _: None)
    monkeypatch.undo()
    assert_only_the_previous_model(previous)


def test_ffd_train_interrupted_by_ctrl_c_keeps_the_previous_model(graph, previous, tmp_path,
                                                                  monkeypatch):
    from training.cli import main

    data = tmp_path / "graph.json"
    save_graph(graph, data)
    monkeypatch.setattr(artifact, "save_file", _half_then(KeyboardInterrupt()))
    result = CliRunner().invoke(main, ["train", "--data", str(data), "--model", "mlp",
                                       "--epochs", "2", "--hidden", "8", "--no-progress",
                                       "--out", str(previous)])
    assert result.exit_code != 0
    monkeypatch.undo()
    data.unlink()
    assert_only_the_previous_model(previous)


def _resign(directory: Path, **changes) -> None:
    """Rewrite model.json with ``changes`` and fresh hashes, as a forger would."""
    import orjson

    path = directory / artifact.METADATA
    meta = {**orjson.loads(path.read_bytes()), **changes}
    meta["files"] = {name: {"sha256": files.sha256_file(directory / name),
                            "bytes": (directory / name).stat().st_size}
                     for name in meta["files"] if (directory / name).is_file()}
    meta["metadata_sha256"] = files.metadata_digest(meta)
    path.write_bytes(orjson.dumps(meta))


class _Payload:
    """Unpickling this would create the file ``Marker``."""

    marker: Path

    def __reduce__(self):
        return (Path.touch, (self.marker,))


def test_a_pickle_in_place_of_the_weights_is_refused_and_never_runs(previous, tmp_path):
    payload = _Payload()
    payload.marker = tmp_path / "pwned"
    (previous / artifact.WEIGHTS).write_bytes(pickle.dumps(payload))
    _resign(previous)  # even with hashes that match
    with pytest.raises(ModelFileError, match="weights.safetensors: not a readable safetensors"):
        FollowerClassifier.load(previous)
    assert not payload.marker.exists()


def test_weights_of_another_model_are_refused(graph, previous, tmp_path):
    other = FollowerClassifier(ModelConfig(**{**TINY, "seed": 5})).fit(
        graph, progress=False, log=lambda _: None).save(tmp_path / "other")
    (previous / artifact.WEIGHTS).write_bytes((other / artifact.WEIGHTS).read_bytes())
    with pytest.raises(ModelFileError, match=r"weights.safetensors: SHA-256 does not match"):
        FollowerClassifier.load(previous)


def test_re_signed_weights_that_do_not_fit_the_model_are_refused(previous):
    tensors = {"unexpected": torch.zeros(3)}
    save_file(tensors, str(previous / artifact.WEIGHTS))
    _resign(previous)
    with pytest.raises(ModelFileError, match="model.json: does not describe the saved weights"):
        FollowerClassifier.load(previous)


@pytest.mark.parametrize("name", ["../outside", "sub/weights.safetensors", "."])
def test_file_entries_cannot_leave_the_directory(previous, name):
    import orjson

    path = previous / artifact.METADATA
    meta = orjson.loads(path.read_bytes())
    meta["files"][name] = {"sha256": "0" * 64, "bytes": 1}
    meta["metadata_sha256"] = files.metadata_digest(meta)
    path.write_bytes(orjson.dumps(meta))
    with pytest.raises(ModelFileError, match="model.json: bad file entry"):
        FollowerClassifier.load(previous)
