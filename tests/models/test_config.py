import pytest

from models.config import ModelConfig


def test_round_trip_through_a_dict():
    config = ModelConfig(model="sage", hidden=8, seed=3)
    assert ModelConfig.from_dict(config.to_dict()) == config


def test_unknown_keys_are_refused_by_name():
    with pytest.raises(ValueError, match="hiden"):
        ModelConfig.from_dict({"hiden": 8})


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [("model", "gat", "model must be one of"), ("hidden", 0, "hidden must be at least 1"),
     ("dropout", 1.0, "dropout"), ("val_fraction", 0.9, "val_fraction"), ("lr", 0.0, "lr")],
)
def test_bad_values_are_refused(field, value, message):
    with pytest.raises(ValueError, match=message):
        ModelConfig(**{field: value})
