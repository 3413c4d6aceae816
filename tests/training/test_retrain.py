"""Retraining from labels (``ffd train --labels``), on SQLite and PostgreSQL: labels that
contradict the live model on a pattern are learned, the candidate is compared with the
live model on held-out labels, ``--promote`` makes it live only when it is better, and
the server then serves it (rollback is one call)."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from api import create_app
from models.estimator import FollowerClassifier
from models.finetune import FineTuneConfig
from tests.training.labelled_store import ADMIN, fill
from training.cli import main
from training.retrain import (
    SIM_SEED,
    NotPromoted,
    RetrainConfig,
    promote,
    retrain_from_labels,
)
from training.simulator.mixture import TrainingMix, training_graphs

#: Small and quick: two simulated worlds of 100 accounts, 40 steps.
TUNE = FineTuneConfig(epochs=40, lr=0.01)
QUICK = ["--sim-graphs", "2", "--sim-accounts", "100", "--tune-epochs", "40",
         "--tune-lr", "0.01", "--no-progress"]


@pytest.fixture
def app(model_dir, database_url, tmp_path):
    return create_app({"MODEL_DIR": str(model_dir), "DATABASE_URL": database_url,
                       "ADMIN_KEY": ADMIN, "RELOAD_FILE": str(tmp_path / "reload.json")})


@pytest.fixture
def client(app):
    return app.test_client()


def retrain(database_url: str, tmp_path, **changes):
    config = RetrainConfig(database=database_url, out=str(tmp_path / "candidate"),
                           sim_graphs=2, sim_accounts=100, tune=TUNE, **changes)
    return retrain_from_labels(config, log=lambda _: None)


def reload_through(client):
    """``POST /v1/admin/reload`` on the test app, as ``ffd`` does over HTTP."""
    def reload(directory: str) -> dict:
        response = client.post("/v1/admin/reload", json={"model_dir": directory},
                               headers={"X-API-Key": ADMIN})
        assert response.status_code == 200, response.get_json()
        return response.get_json()
    return reload


def test_labels_that_contradict_the_live_model_are_learned(client, database_url, tmp_path,
                                                          model_dir):
    # The analysts call the batches mass followers; the live model calls them bought.
    labels = fill(client, batch_label="mass_follow")
    outcome = retrain(database_url, tmp_path)
    live, candidate = outcome.comparison["live"], outcome.comparison["candidate"]
    assert outcome.comparison["labels"] == {"total": len(labels), "usable": len(labels),
                                            "train": 50, "held_out": 22, "without_graph": 0,
                                            "foreign_class": 0}
    assert live["counts"] == candidate["counts"] == {"genuine": 11, "mass_follow": 11}
    assert live["per_class"]["mass_follow"]["recall"] == 0.0
    assert live["balanced_accuracy"] == 0.5
    assert candidate["per_class"]["mass_follow"]["recall"] >= 0.9
    assert candidate["per_class"]["genuine"]["recall"] >= 0.9  # not forgotten
    assert outcome.better and candidate["balanced_accuracy"] > live["balanced_accuracy"]
    forgetting = outcome.comparison["simulated"]  # reported beside, on an unseen world
    # Its 100 validation accounts, less the look-alike fakes it shows without an edge,
    # which the mix leaves unlabelled (``training.simulator.mixture.traceless``).
    world = training_graphs(TrainingMix(graphs=2, accounts=100, val_graphs=1,
                                        seed=SIM_SEED))[0]
    labelled = int((world.accounts.label >= 0).sum())
    assert 80 <= labelled < 100
    assert forgetting["live"]["accounts"] == forgetting["candidate"]["accounts"] == labelled
    saved = FollowerClassifier.load(outcome.directory)
    assert saved.metadata_["metrics"]["labels"] == outcome.comparison
    base = FollowerClassifier.load(model_dir)
    assert saved.metadata_["parent"]["id"] == base.metadata_["id"] != saved.metadata_["id"]
    assert outcome.base_directory == model_dir  # the store's live version


def test_promote_makes_a_better_candidate_live_and_rollback_undoes_it(client, database_url,
                                                                     tmp_path, model_dir):
    fill(client, batch_label="mass_follow")
    outcome = retrain(database_url, tmp_path)
    before = client.get("/v1/model").get_json()["id"]
    answer = promote(outcome, reload_through(client))
    served = client.get("/v1/model").get_json()["id"]
    assert answer["model"]["id"] == served == outcome.candidate.metadata_["id"] != before
    versions = client.get("/v1/models").get_json()["versions"]
    live = [v for v in versions if v["live"]]
    assert [v["id"] for v in live] == [served] and len(versions) == 2
    assert live[0]["metrics"]["labels"]["better"] is True
    assert live[0]["metrics"]["labels"]["candidate"]["balanced_accuracy"] > 0.5
    # What the server serves now scores a new batch as the analysts taught it.
    from tests.training.labelled_store import snapshot_document

    audit = client.post("/v1/audit?limit=50", json=snapshot_document(9, 5, 5)).get_json()
    assert {s["label"] for s in audit["suspicious_followers"] if s["id"].startswith("d9b")} \
        == {"mass_follow"}
    back = client.post("/v1/admin/rollback", headers={"X-API-Key": ADMIN})
    assert back.status_code == 200
    assert client.get("/v1/model").get_json()["id"] == before


def test_promote_refuses_a_candidate_that_is_not_better(client, database_url, tmp_path):
    # The analysts agree with the live model: it is perfect on the held-out labels, so
    # the candidate can at best tie, and a tie keeps the live model.
    fill(client, batch_label="bought")
    outcome = retrain(database_url, tmp_path)
    assert outcome.comparison["live"]["balanced_accuracy"] == 1.0 and not outcome.better
    before = client.get("/v1/model").get_json()["id"]
    with pytest.raises(NotPromoted, match=r"not promoted: the candidate's balanced accuracy "
                                          r"on the 22 held-out labels is 1\.0000, the live "
                                          r"model's 1\.0000 .*the live model keeps serving"):
        promote(outcome, reload_through(client))
    assert client.get("/v1/model").get_json()["id"] == before
    assert len(client.get("/v1/models").get_json()["versions"]) == 1


def test_the_command_says_when_there_are_too_few_labels(client, database_url, tmp_path):
    runner = CliRunner()
    result = runner.invoke(main, ["train", "--labels", "--database", database_url, *QUICK])
    assert result.exit_code == 2 and "holds no labels" in result.output
    fill(client, days=1, genuine=6, batch=6)
    result = runner.invoke(main, ["train", "--labels", "--database", database_url,
                                  "--out", str(tmp_path / "c"), *QUICK])
    assert result.exit_code == 2, result.output
    assert "too few labels to hold any meaningful part out: 12 usable labels (6 genuine, 6 " \
           "mass_follow) leave 4 held out" in result.output
    assert not (tmp_path / "c").exists()


def test_the_command_reports_and_refuses_to_promote_what_is_not_better(client, database_url,
                                                                       tmp_path):
    fill(client, batch_label="bought")
    result = CliRunner().invoke(main, ["train", "--labels", "--database", database_url,
                                       "--out", str(tmp_path / "c"), "--promote",
                                       "--server", "http://127.0.0.1:9", *QUICK])
    assert result.exit_code == 1, result.output
    assert "live      balanced accuracy 1.0000" in result.output
    assert "not promoted" in result.output and (tmp_path / "c" / "model.json").exists()


def test_the_command_s_defaults_are_the_config_s():
    from training.train import train_command

    defaults = {p.name: p.default for p in train_command.params}
    config = RetrainConfig()
    assert (defaults["sim_graphs"], defaults["sim_accounts"]) == (config.sim_graphs,
                                                                  config.sim_accounts)
    assert (defaults["tune_epochs"], defaults["tune_lr"]) == (config.tune.epochs, config.tune.lr)


@pytest.mark.parametrize(("graphs", "held_out"), [(2, 1), (15, 1), (16, 2), (24, 3)])
def test_an_eighth_of_the_simulated_worlds_at_least_one_is_held_out(graphs, held_out):
    assert RetrainConfig(sim_graphs=graphs).sim_val_graphs == held_out
