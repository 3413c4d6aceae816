import numpy as np
import pytest

from models.calibration import expected_calibration_error, fit_temperature, softmax


def test_fit_temperature_recovers_the_temperature_that_generated_the_labels():
    rng = np.random.default_rng(0)
    logits = rng.normal(size=(20_000, 3)) * 3.0
    true_t = 2.0
    labels = np.array([rng.choice(3, p=p) for p in softmax(logits, true_t)])
    assert fit_temperature(logits, labels) == pytest.approx(true_t, rel=0.05)


def test_softmax_rows_sum_to_one_and_keep_the_argmax():
    logits = np.array([[1000.0, 0.0, -5.0], [0.1, 0.2, 0.3]])
    for t in (0.1, 1.0, 7.0):
        p = softmax(logits, t)
        assert np.allclose(p.sum(1), 1.0)
        assert (p.argmax(1) == logits.argmax(1)).all()


def test_ece_is_zero_when_confidence_matches_accuracy_and_large_when_not():
    # 80% confident on every row, right on exactly 80% of rows.
    proba = np.tile([0.8, 0.2], (10, 1))
    labels = np.array([0] * 8 + [1] * 2)
    assert expected_calibration_error(proba, labels) == pytest.approx(0.0)
    wrong = np.tile([0.99, 0.01], (10, 1))
    assert expected_calibration_error(wrong, np.ones(10, int)) == pytest.approx(0.99)


def test_temperature_scaling_lowers_ece_of_an_overconfident_model():
    rng = np.random.default_rng(1)
    logits = rng.normal(size=(5_000, 3)) * 2.0
    labels = np.array([rng.choice(3, p=p) for p in softmax(logits)])
    overconfident = logits * 4.0
    t = fit_temperature(overconfident, labels)
    before = expected_calibration_error(softmax(overconfident), labels)
    after = expected_calibration_error(softmax(overconfident, t), labels)
    assert after < before / 3
