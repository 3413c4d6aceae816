"""``ffd score --engine ray`` on a local Ray instance: the partitioned, layer-wise engine
gives the single-process scores (tests/training/test_partwise.py checks its stages
without Ray)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from detector.errors import DetectorError
from detector.io import load_graph, save_graph
from models.config import ModelConfig
from models.estimator import FollowerClassifier
from training.ray_score import ROOT, RayConfig, score_shards_ray
from training.simulator import SimConfig, simulate

from ..models.tiny_graphs import make_graph


def test_workers_import_this_checkout(local_ray):
    @local_ray.remote
    def where() -> str:
        import training

        return training.__file__

    assert Path(local_ray.get(where.remote())).resolve().is_relative_to(ROOT)


@pytest.mark.slow
@pytest.mark.parametrize("parts, dataset, parked", [(1, False, False), (3, False, False),
                                                    (3, True, False), (5, False, True)])
def test_ray_scores_equal_single_process_scores(local_ray, evidence_dir, tmp_path, parts,
                                                dataset, parked):
    graph = simulate(SimConfig(accounts=1_200, seed=5))
    data = save_graph(graph, tmp_path / "graph", shards=4)
    expected = FollowerClassifier.load(evidence_dir).predict_proba(load_graph(data))
    out = tmp_path / "scores"
    result = score_shards_ray(evidence_dir, data, out, RayConfig(partitions=parts,
                                                                 dataset=dataset, parked=parked))
    assert result["accounts"] == graph.num_accounts and result["partitions"] == parts
    pids = {p["pid"] for p in result["parts"]}
    if parked:  # tasks on the 2 CPUs' worker processes, not one process per part
        assert len(pids) <= 2 < parts
    else:
        assert len(pids) == parts  # one actor process per part
    files = sorted(out.glob("*.parquet"))
    assert len(files) == parts
    assert sorted(out.iterdir()) == files  # the exchange directory is gone
    table = pd.concat([pd.read_parquet(f) for f in files]).sort_values("pos")
    assert table["id"].tolist() == graph.ids.astype(str).tolist()
    assert np.abs(table.filter(like="p_").to_numpy() - expected).max() <= 1e-5


@pytest.mark.slow
@pytest.mark.parametrize("out_name, options", [("ray.parquet", []), ("ray-dir", []),
                                               ("ray-dir", ["--parked"])])
def test_ffd_score_engine_ray_writes_the_same_scores(local_ray, evidence_dir, tmp_path,
                                                     out_name, options):
    from training.cli import main

    data = save_graph(make_graph(80, seed=11), tmp_path / "g.json")
    local, ray_out = tmp_path / "local.parquet", tmp_path / out_name
    for engine, out in (("local", local), ("ray", ray_out)):
        parts = ["--partitions", "2", *options] if engine == "ray" else []
        result = CliRunner().invoke(main, ["score", "--model", str(evidence_dir), "--data",
                                           str(data), "--out", str(out), "--engine", engine,
                                           *parts])
        assert result.exit_code == 0, result.output
    expected = pd.read_parquet(local)
    if ray_out.is_dir():
        got = pd.concat([pd.read_parquet(f) for f in sorted(ray_out.glob("*.parquet"))])
        got = got.sort_values("pos").drop(columns="pos").reset_index(drop=True)
    else:
        got = pd.read_parquet(ray_out)
    assert got["id"].tolist() == expected["id"].tolist()
    assert got["label"].astype(str).tolist() == expected["label"].astype(str).tolist()
    np.testing.assert_allclose(got.filter(like="p_").to_numpy(),
                               expected.filter(like="p_").to_numpy(), atol=1e-5)


def test_a_model_without_layers_to_split_is_refused(tmp_path):
    pytest.importorskip("ray")
    config = ModelConfig(model="rgcn", hidden=8, layers=2, epochs=2, patience=2)
    model = FollowerClassifier(config).fit(make_graph(60, seed=0), progress=False,
                                           log=lambda _m: None).save(tmp_path / "rgcn")
    data = save_graph(make_graph(30, seed=1), tmp_path / "g", shards=2)
    with pytest.raises(DetectorError, match="needs an evidence model"):
        score_shards_ray(model, data, tmp_path / "out")


def test_a_damaged_model_is_refused_before_any_part_starts(evidence_dir, tmp_path):
    # The driver never imports torch, but it checks the model's files itself: a flipped
    # byte in the weights fails at once, not in every part after the shuffles.
    pytest.importorskip("ray")
    import shutil

    import ray

    from detector.errors import ModelFileError
    from models.files import WEIGHTS

    damaged = tmp_path / "model"
    shutil.copytree(evidence_dir, damaged)
    weights = bytearray((damaged / WEIGHTS).read_bytes())
    weights[-1] ^= 0xFF
    (damaged / WEIGHTS).write_bytes(bytes(weights))
    data = save_graph(make_graph(30, seed=1), tmp_path / "g", shards=2)
    was_running = ray.is_initialized()
    with pytest.raises(ModelFileError, match="weights.safetensors: SHA-256 does not match"):
        score_shards_ray(damaged, data, tmp_path / "out")
    assert ray.is_initialized() == was_running  # refused before Ray was started


def test_a_bad_partition_count_is_refused():
    with pytest.raises(ValueError, match="partitions must be at least 1"):
        RayConfig(partitions=0)


def test_a_local_instance_gets_a_bounded_object_store_a_cluster_its_own():
    from training.partwise.memory import WORKER_ENV
    from training.ray_score import init_args

    local = init_args(RayConfig(num_cpus=2))
    assert local["object_store_memory"] == 2**30 and local["num_cpus"] == 2
    assert local["runtime_env"]["env_vars"] == {"PYTHONPATH": str(ROOT), **WORKER_ENV}
    assert init_args(RayConfig(object_store_memory=None))["object_store_memory"] is None
    cluster = init_args(RayConfig(address="auto", num_cpus=2, object_store_memory=2**29))
    assert cluster == {"address": "auto", "include_dashboard": False, "log_to_driver": False}
    with pytest.raises(ValueError, match="object_store_memory must be positive, got 0"):
        RayConfig(object_store_memory=0)


@pytest.mark.parametrize("option", [["--partitions", "2"], ["--ray-data"], ["--parked"]])
def test_ray_options_without_the_ray_engine_are_refused(tmp_path, option):
    from training.cli import main

    data = save_graph(make_graph(20, seed=1), tmp_path / "g.json")
    result = CliRunner().invoke(main, ["score", "--model", str(tmp_path), "--data", str(data),
                                       "--out", str(tmp_path / "s.csv"), *option])
    assert result.exit_code == 2
    assert f"{option[0]} only apply with --engine ray" in result.output
    assert not (tmp_path / "s.csv").exists()
