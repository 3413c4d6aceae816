"""``models.fitting``: "binary" balance inside each graph, and what training prints."""

import numpy as np
import pytest

from models.config import ModelConfig
from models.estimator import FollowerClassifier
from models.fitting import graph_balanced_weights

from .tiny_graphs import make_graph


def test_inside_every_graph_genuine_rows_weigh_as_much_as_the_others():
    # graph 0: 6 genuine, 2 fakes (bought 1, mass 2); graph 1: 1 genuine, 3 fakes
    y = np.array([0, 0, 0, 0, 0, 0, 1, 2, 0, 1, 1, 2])
    groups = np.array([0] * 8 + [1] * 4)
    w = graph_balanced_weights(y, groups).numpy()
    assert w.mean() == pytest.approx(1.0)
    for g in (0, 1):
        inside = groups == g
        assert w[inside & (y == 0)].sum() == pytest.approx(w[inside & (y != 0)].sum())
        assert len(set(w[inside & (y != 0)].round(6))) == 1  # fakes of a graph alike
    # each graph keeps its size as its weight
    assert w[groups == 0].sum() / w[groups == 1].sum() == pytest.approx(8 / 4)


def test_a_graph_with_one_class_only_keeps_its_weight():
    y, groups = np.array([0, 0, 1, 0, 0, 0]), np.array([0, 0, 0, 1, 1, 1])
    w = graph_balanced_weights(y, groups).numpy()
    assert w[groups == 0].sum() == pytest.approx(w[groups == 1].sum())
    assert np.allclose(w[3:], w[3])


def test_per_graph_weights_train_a_model_on_several_graphs():
    graphs = [make_graph(60, seed=s) for s in (1, 2, 3)]
    config = ModelConfig(model="evidence", hidden=16, epochs=30, patience=30,
                         class_weights="per_graph", members=2)
    clf = FollowerClassifier(config).fit(graphs, progress=False, log=lambda line: None)
    unseen = make_graph(60, seed=9)
    truth = np.array(unseen.label_names(), dtype=object)
    assert (clf.predict(unseen) == truth).mean() > 0.8
    assert clf.config.class_weights == "per_graph"


def test_a_log_file_gets_the_epoch_lines_and_no_progress_bar(capsys):
    # Under pytest stderr is no terminal, as when `make serve` is piped to a file.
    lines: list[str] = []
    config = ModelConfig(model="evidence", hidden=8, epochs=5, patience=5)
    FollowerClassifier(config).fit([make_graph(40, seed=1)], progress=True, log=lines.append)
    err = capsys.readouterr().err
    assert "epoch/s" not in err and "\r" not in err
    assert sum(line.startswith("epoch ") for line in lines) == 5
