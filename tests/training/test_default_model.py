"""``ffd default-model``: keeps a usable model, replaces an unusable one."""

from click.testing import CliRunner

from models.config import ModelConfig
from training import default_model
from training.cli import main
from training.train import train_model


def small_default(monkeypatch, graphs: int, epochs: int, members: int) -> None:
    """A small default (the real one takes a few minutes) through the same code path."""
    monkeypatch.setattr(default_model, "DEFAULT_DATA",
                        {"graphs": graphs, "accounts": 200, "val_graphs": 1, "seed": 1})
    monkeypatch.setattr(default_model, "DEFAULT_MODEL",
                        {**default_model.DEFAULT_MODEL, "hidden": 8, "epochs": epochs,
                         "patience": epochs, "members": members})


def test_a_usable_model_is_kept(graph_file, tmp_path):
    out = tmp_path / "model"
    train_model(graph_file, ModelConfig(model="mlp", hidden=8, epochs=3), out,
                progress=False, log=lambda line: None)
    before = (out / "model.json").read_bytes()
    result = CliRunner().invoke(main, ["default-model", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "model ready" in result.output
    assert (out / "model.json").read_bytes() == before


def test_an_unusable_model_is_replaced_by_the_default_one(tmp_path, monkeypatch):
    small_default(monkeypatch, graphs=4, epochs=3, members=3)
    out = tmp_path / "model"
    out.mkdir()
    (out / "model.json").write_text("{not json")
    monkeypatch.setenv("FFD_MODEL_DIR", str(out))
    result = CliRunner().invoke(main, ["default-model", "--no-progress"])
    assert result.exit_code == 0, result.output
    assert "holds no usable model" in result.output
    from models.estimator import FollowerClassifier

    clf = FollowerClassifier.load(out)
    assert clf.metadata_["data"]["accounts"] == 800
    assert clf.metadata_["data"]["source"]["simulator_mix"]["graphs"] == 4
    assert clf.metadata_["model"]["arguments"]["members"] == 3


def test_another_world_seed_trains_the_same_design_on_other_worlds(tmp_path, monkeypatch):
    small_default(monkeypatch, graphs=3, epochs=2, members=2)
    from models.estimator import FollowerClassifier

    mixes = {}
    for seed in (None, 7):
        out = default_model.ensure_default_model(tmp_path / str(seed), progress=False,
                                                 log=lambda line: None, seed=seed)
        meta = FollowerClassifier.load(out).metadata_
        mixes[seed] = meta["data"]["source"]["simulator_mix"]
        assert meta["model"]["arguments"]["members"] == 2
    assert mixes[None]["seed"] == 1 and mixes[7]["seed"] == 7
    assert {k: v for k, v in mixes[7].items() if k != "seed"} == \
        {k: v for k, v in mixes[None].items() if k != "seed"}
