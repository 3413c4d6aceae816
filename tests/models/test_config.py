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


def test_drop_features_are_checked_by_name():
    with pytest.raises(ValueError, match="log_folowing"):
        ModelConfig(drop_features=("log_folowing",))
    with pytest.raises(ValueError, match="leaves no feature"):
        ModelConfig(feature_groups=("flags",), drop_features=(
            "has_avatar", "verified", "private", "followers_missing", "following_missing",
            "posts_missing", "likes_missing", "listed_missing", "age_missing",
            "avatar_missing", "bio_missing", "name_missing", "verified_missing",
            "private_missing", "name_digits_missing", "name_text_missing",
            "platform_twitter", "platform_instagram", "platform_tiktok"))
    assert ModelConfig.from_dict({"drop_features": ["log_following"]}).drop_features == (
        "log_following",)


def test_blind_features_must_be_selected_missing_flags():
    assert ModelConfig(blind_features=["bio_missing"]).blind_features == ("bio_missing",)
    with pytest.raises(ValueError, match="log_following"):
        ModelConfig(blind_features=("log_following",))  # not a flag
    with pytest.raises(ValueError, match="bio_missing"):
        ModelConfig(blind_features=("bio_missing",), drop_features=("bio_missing",))
    with pytest.raises(ValueError, match="posts_missing"):
        ModelConfig(blind_features=("posts_missing",), feature_groups=("profile", "graph"))
