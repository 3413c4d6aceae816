import numpy as np
import pytest

from detector.errors import DetectorError
from models.prep import Normaliser, data_fingerprint, split_indices

from .tiny_graphs import make_graph


def test_stratified_split_is_disjoint_covers_labelled_and_keeps_class_shares():
    graph = make_graph(300)
    split = split_indices(graph, 0.2, 0.2, seed=0)
    parts = [split.train, split.val, split.test]
    assert sum(map(len, parts)) == 300
    assert len(np.unique(np.concatenate(parts))) == 300
    for part in parts:
        shares = np.bincount(graph.accounts.label[part], minlength=3) / len(part)
        assert np.allclose(shares, 1 / 3, atol=0.03)
    assert split.source == "stratified"


def test_too_few_labelled_accounts_is_an_error():
    with pytest.raises(DetectorError, match="at least 10 labelled"):
        split_indices(make_graph(6), 0.2, 0.2, seed=0)


def test_normaliser_standardises_on_train_and_clips():
    x = np.array([[0.0, 5.0], [2.0, 5.0], [4.0, 5.0]], np.float32)
    norm = Normaliser.fit(x, clip=2.0)
    z = norm.transform(np.array([[2.0, 5.0], [100.0, 7.0]], np.float32))
    assert z[0].tolist() == [0.0, 0.0]
    assert z[1, 0] == 2.0  # clipped
    assert z[1, 1] == 2.0  # constant feature: std taken as 1, then clipped
    again = Normaliser.from_dict(norm.to_dict())
    assert np.array_equal(again.transform(x), norm.transform(x))


def test_normaliser_blocks_of_rows_give_the_values_of_one_pass(monkeypatch):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(50, 4)).astype(np.float32) * 3
    x[:, 3] = rng.random(50) < 0.3  # the first column's missing flag
    norm = Normaliser.fit(x, clip=1.5, unknown=((0, (3,)),), blind=(3,))
    whole = norm.transform(x)
    monkeypatch.setattr(Normaliser, "BLOCK", 7)  # 50 rows: 7 full blocks and one of 1
    blocks = norm.transform(x)
    assert blocks.dtype == whole.dtype == np.float32
    assert np.array_equal(blocks, whole)
    assert (whole[x[:, 3] > 0.5, 0] == 0).all() and (whole[:, 3] == 0).all()


def test_fingerprint_changes_with_the_labels():
    a, b = make_graph(30), make_graph(30)
    assert data_fingerprint(a) == data_fingerprint(b)
    b.accounts.label[0] = 2
    assert data_fingerprint(a)["sha256"] != data_fingerprint(b)["sha256"]


def test_macro_f1_matches_sklearn():
    from sklearn.metrics import f1_score

    from models.fitting import macro_f1

    rng = np.random.default_rng(0)
    y, p = rng.integers(0, 3, 200), rng.integers(0, 3, 200)
    p[p == 2] = 1  # class 2 never predicted
    assert macro_f1(y, p, 3) == pytest.approx(
        f1_score(y, p, labels=[0, 1, 2], average="macro", zero_division=0))


def test_a_blind_flag_still_marks_its_value_unknown_but_reaches_the_network_as_zero():
    # column 0: a count, column 1: its *_missing flag (blind), column 2: another flag
    x = np.array([[10.0, 0, 1], [20.0, 0, 0], [0.0, 1, 1], [30.0, 0, 0]])
    norm = Normaliser.fit(x, clip=8.0, unknown=((0, (1,)),), blind=(1,))
    z = norm.transform(x)
    assert norm.mean[0] == 20.0  # statistics from the rows where the count is known
    assert z[2, 0] == 0.0  # the unknown count is imputed at the mean, not read as 0
    assert np.all(z[:, 1] == 0.0)  # the blind flag itself is not passed on
    assert len(set(z[:, 2].tolist())) == 2  # a flag that is not blind still is
    again = Normaliser.from_dict(norm.to_dict())
    assert again.blind == (1,)
    assert np.array_equal(again.transform(x), z)
    assert Normaliser.from_dict({**norm.to_dict(), "blind": []}).blind == ()
