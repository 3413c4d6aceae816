from pathlib import Path

from models.paths import MODEL_DIR_ENV, default_model_dir


def test_default_is_var_models_default(monkeypatch):
    monkeypatch.delenv(MODEL_DIR_ENV, raising=False)
    assert default_model_dir() == Path("var/models/default")


def test_environment_variable_overrides(monkeypatch, tmp_path):
    monkeypatch.setenv(MODEL_DIR_ENV, str(tmp_path / "m"))
    assert default_model_dir() == tmp_path / "m"
