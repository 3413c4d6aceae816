"""Fixtures shared by every test folder: one torch thread, and one tiny trained model of
the default kind per session (the API, page and browser tests all score with it)."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def one_thread():
    """Tiny graphs gain nothing from threads, and on a busy 2-core machine OpenMP
    spinning makes them many times slower; restore the setting afterwards."""
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


@pytest.fixture(scope="session", autouse=True)
def no_shared_database(tmp_path_factory: pytest.TempPathFactory):
    """An app built from the environment (and every ``ffd serve`` a test starts) opens
    ``FFD_DATABASE_URL``, by default var/ffd.sqlite3 in the working directory: point it
    at a file of the session instead, so tests never touch a developer's database."""
    import os

    before = os.environ.get("FFD_DATABASE_URL")
    url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'session.sqlite3'}"
    os.environ["FFD_DATABASE_URL"] = url
    yield url
    if before is None:
        os.environ.pop("FFD_DATABASE_URL", None)
    else:
        os.environ["FFD_DATABASE_URL"] = before


@pytest.fixture(scope="session")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny model of the default kind (an ensemble of two evidence models, the default
    model's features) trained for a few epochs on four small simulated worlds."""
    from models.config import ModelConfig
    from models.estimator import FollowerClassifier
    from training.default_model import DEFAULT_MODEL
    from training.simulator.mixture import TrainingMix, training_graphs

    graphs = training_graphs(TrainingMix(graphs=4, accounts=200, val_graphs=1, seed=3))
    config = ModelConfig(**{**DEFAULT_MODEL, "hidden": 16, "epochs": 8, "patience": 8,
                            "members": 2})
    classifier = FollowerClassifier(config).fit(graphs, progress=False, log=lambda _: None)
    return classifier.save(tmp_path_factory.mktemp("model") / "tiny")


@pytest.fixture(scope="session")
def postgres_server():
    """A throwaway PostgreSQL server for the session (``benchmarks/postgres.py``); the tests
    that need it skip, saying why, only when PostgreSQL is not installed."""
    from benchmarks.postgres import PostgresServer, find_bin

    bin_dir = find_bin()
    if bin_dir is None:
        pytest.skip("PostgreSQL is not installed (no initdb/pg_ctl): run `make pg-deps` as "
                    "root, or `apt-get install postgresql`")
    with PostgresServer(bin_dir) as server:
        yield server


_databases = iter(range(1, 1_000_000))


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request, tmp_path: Path) -> str:
    """An empty database, once SQLite (a file in ``tmp_path``), once PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'ffd.sqlite3'}"
    return request.getfixturevalue("postgres_server").create_database(f"t{next(_databases)}")


@pytest.fixture
def umask_022():
    """The umask most users have (group and others may read), restored afterwards."""
    import os

    old = os.umask(0o022)
    yield
    os.umask(old)
