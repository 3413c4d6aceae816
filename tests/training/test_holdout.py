"""The holdout of analysts' labels: disjoint, stratified, reproducible, stable as labels
are added, a clear error when too few; and the metrics and the rule that compare models."""

from __future__ import annotations

import pytest

from training.holdout import (
    HoldoutConfig,
    TooFewLabels,
    holdout_metrics,
    is_better,
    split_labels,
)


def labels(genuine: int = 30, bought: int = 20, mass: int = 7) -> dict[str, str]:
    out = {f"g{i}": "genuine" for i in range(genuine)}
    out.update({f"b{i}": "bought" for i in range(bought)})
    out.update({f"m{i}": "mass_follow" for i in range(mass)})
    return out


def test_the_holdout_is_disjoint_stratified_and_reproducible():
    given = labels()
    train, held = split_labels(given, HoldoutConfig(fraction=0.3, seed=1))
    assert not set(train) & set(held) and {**train, **held} == given
    counts = {c: sum(v == c for v in held.values()) for c in ("genuine", "bought", "mass_follow")}
    assert counts == {"genuine": 9, "bought": 6, "mass_follow": 2}
    assert split_labels(dict(reversed(given.items())), HoldoutConfig(fraction=0.3, seed=1)) \
        == (train, held)
    assert split_labels(given, HoldoutConfig(fraction=0.3, seed=2))[1] != held


def test_a_label_added_later_moves_few_accounts_across_the_cut():
    _, before = split_labels(labels(), HoldoutConfig(seed=0))
    _, after = split_labels({**labels(), "g_new": "genuine"}, HoldoutConfig(seed=0))
    assert len(set(before) ^ set(after)) <= 2


def test_a_class_with_one_label_trains_and_the_others_hold_out():
    train, held = split_labels(labels(20, 20, 1), HoldoutConfig())
    assert "m0" in train and "mass_follow" not in held.values()


@pytest.mark.parametrize(("given", "message"), [
    (labels(10, 10, 0), "too few labels to hold any meaningful part out: 20 usable labels "
                        "(10 genuine, 10 bought) leave 6 held out at fraction 0.3"),
    (labels(0, 0, 0), "0 usable labels (none)"),
    (labels(60, 1, 0), "the held-out labels are all 'genuine'"),
])
def test_too_few_labels_is_a_clear_error(given, message):
    with pytest.raises(TooFewLabels) as caught:
        split_labels(given, HoldoutConfig())
    assert message in str(caught.value)


def test_metrics_count_each_class_and_balance_them():
    truth = ["genuine"] * 8 + ["bought"] * 2
    predicted = ["genuine"] * 8 + ["genuine", "bought"]
    m = holdout_metrics(truth, predicted, ("genuine", "bought", "mass_follow"))
    assert m["accounts"] == 10 and m["counts"] == {"genuine": 8, "bought": 2}
    assert m["accuracy"] == 0.9 and m["balanced_accuracy"] == 0.75
    assert m["per_class"]["bought"] == {"precision": 1.0, "recall": 0.5, "f1": 0.6667,
                                        "support": 2, "predicted": 1}
    assert m["per_class"]["mass_follow"]["support"] == 0  # absent: not in the averages
    assert m["confusion"]["bought"] == {"genuine": 1, "bought": 1, "mass_follow": 0}


def test_better_means_a_higher_balanced_accuracy_and_a_tie_keeps_the_live_model():
    live = {"balanced_accuracy": 0.8}
    assert is_better({"balanced_accuracy": 0.81}, live)
    assert not is_better({"balanced_accuracy": 0.8}, live)
    assert not is_better({"balanced_accuracy": 0.81}, live, min_gain=0.05)
