"""The file exchange of the partitioned engine: tables round-trip through Arrow files,
every file goes once read, and a run leaves only its part files behind."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from training.partwise import spill
from training.partwise.exchange import pieces_by, split_by

from ..models.tiny_graphs import make_graph


def _frame():
    return pd.DataFrame({
        "id": [f"u{i}" for i in range(40)], "pos": np.arange(40, dtype=np.int64),
        "at": np.where(np.arange(40) % 7 == 0, np.nan, np.arange(40) * 1.5),
        "type": np.arange(40, dtype=np.int8) % 3, "key": np.arange(40, dtype=np.int32),
        "label": pd.Categorical(["genuine", "bought"] * 20)})


def test_sent_tables_come_back_equal_and_their_files_go(tmp_path):
    frame = _frame()
    directory = spill.exchange_dir(tmp_path)
    paths = spill.send(directory, "edges", "00003", pieces_by(frame, "id", 4))
    assert len(paths) == 4 and all(p is not None for p in paths)
    for expected, path in zip(split_by(frame, "id", 4), paths, strict=True):
        pd.testing.assert_frame_equal(spill.receive([path]), expected)
    assert not any(directory.rglob("*.arrow"))


def test_received_tables_are_one_in_path_order_tagged_by_sender(tmp_path):
    frame = _frame()
    first = spill.send(tmp_path, "edges", "0", [frame.iloc[:10]])
    second = spill.send(tmp_path, "edges", "1", [frame.iloc[10:]])
    got = spill.receive([second[0], None, first[0]], tag="sender")
    expected = pd.concat([frame.iloc[10:], frame.iloc[:10]], ignore_index=True)
    pd.testing.assert_frame_equal(got.drop(columns="sender"), expected)
    assert got["sender"].tolist() == [0] * 30 + [2] * 10
    assert got["sender"].dtype == np.int32


def test_nothing_is_written_for_an_empty_piece(tmp_path):
    frame = _frame().iloc[:0]
    paths = spill.send(tmp_path / "x", "accounts", "0", [frame, None])
    assert paths == [None, None]
    assert spill.receive(paths) is None
    assert not (tmp_path / "x").exists()


def test_the_exchange_directory_starts_empty_and_is_removed(tmp_path):
    (tmp_path / spill.EXCHANGE / "old").mkdir(parents=True)  # a failed run's leftovers
    directory = spill.exchange_dir(tmp_path)
    assert list(directory.iterdir()) == []
    spill.send(directory, "edges", "0", [_frame()])
    spill.remove(directory)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("fail", [False, True])
def test_a_run_leaves_only_its_part_files(evidence_dir, tmp_path, fail):
    from detector.errors import GraphValidationError
    from detector.io import save_graph
    from training.partwise.run import LocalBackend, plan_for, run
    from training.partwise.worker import PartWorker

    data = save_graph(make_graph(60, seed=3), tmp_path / "graph", shards=3)
    if fail:  # a target no part owns: refused after the first exchange
        (data / "graph.json").write_bytes(b'{"format": "account-graph/1", "target": "nobody"}')
    workers = [PartWorker(str(evidence_dir), p, 3) for p in range(3)]
    out = tmp_path / "out"
    if fail:
        with pytest.raises(GraphValidationError):
            run(LocalBackend(workers), plan_for(data, 2), 3, str(out))
        assert list(out.iterdir()) == []
    else:
        run(LocalBackend(workers), plan_for(data, 2), 3, str(out))
        assert sorted(p.name for p in out.iterdir()) == [f"{p:05d}.parquet" for p in range(3)]
