import pytest

from training.simulator import BEHAVIOURS, SimConfig


def test_defaults_resolve():
    config = SimConfig()
    assert config.class_sizes() == (14_000, 4_000, 2_000)
    assert config.resolved_behaviour() == BEHAVIOURS["realistic"]
    assert config.observed_seconds() == 1_748_736_000.0  # 2025-06-01T00:00:00Z


def test_audit_shares_are_of_the_audience():
    genuine, bought, mass = SimConfig(accounts=1_001, audit_of="x").class_sizes()
    assert (bought, mass) == (200, 100)
    assert genuine == 701  # 700 fans and the target


def test_behaviour_overrides():
    config = SimConfig(difficulty="hard", behaviour={"label_noise": 0.0})
    assert config.resolved_behaviour().label_noise == 0.0
    assert config.resolved_behaviour().premium_share == BEHAVIOURS["hard"].premium_share


@pytest.mark.parametrize("kwargs, message", [
    ({"difficulty": "medium"}, "difficulty 'medium'"),
    ({"accounts": 1}, "accounts must be at least 2"),
    ({"bought_share": 1.5}, "bought_share must lie in"),
    ({"bought_share": 0.7, "mass_share": 0.4}, "exceeds 1"),
    ({"accounts": 10, "bought_share": 1.0, "mass_share": 0.0}, "no genuine account"),
    ({"behaviour": {"loudness": 1}}, "unknown behaviour override"),
])
def test_bad_settings_are_named(kwargs, message):
    with pytest.raises(ValueError, match=message):
        SimConfig(**kwargs)
