"""Retraining from labels, measured (docs/monitoring.md), on SQLite in a temporary file.

    .venv/bin/python -m benchmarks.labels [--model var/models/default] [--out FILE]

1. **Kept snapshot graphs**: ``POST /v1/targets/{t}/snapshots`` of 10,000 followers with
   and without ``KEEP_SNAPSHOT_GRAPHS`` (median of 5, the app in-process), and the bytes a
   kept graph takes for 10,000 and 100,000 followers (``benchmarks.store.star_graph``).
2. **Fine-tuning** (``ffd train --labels`` with its defaults): a brand observed on 5 days,
   each day 400 ordinary followers and a batch of 60 accounts created within an hour
   that follow within an hour (no posts, no avatar, following ~700). The analysts label
   every batch account and 40 ordinary followers a day (genuine); the batches either as
   mass followers (``batches_mass_follow``: the model calls them bought) or as bought
   (``batches_bought``: as the model does). Held-out metrics of the live model and the
   candidate, both on the simulated validation world, and the time taken.
3. **What a candidate forgot**, beside the retraining's own check (one simulated world
   of about 300 accounts, whose view is one draw): both models on ``UNSEEN_WORLDS``,
   simulated worlds that neither the default model's training nor the retraining drew.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np
import orjson

from benchmarks.store import DAY, T0, iso, star_graph


def audience(day: int, ordinary: int = 400, batch: int = 60, seed: int = 0) -> dict:
    """The brand's followers on ``day``: ``d<day>u<i>`` ordinary people (years old, with
    posts, an avatar and a few hundred follows, following over two years), ``d<day>b<i>``
    a batch."""
    rng = np.random.default_rng(seed + day)
    accounts = [{"id": "brand", "followers_count": 50_000, "following_count": 300,
                 "posts_count": 2000, "created_at": iso(T0 - 3000 * DAY), "has_avatar": True}]
    edges = []
    for i in range(ordinary):
        accounts.append({"id": f"d{day}u{i}", "followers_count": int(rng.integers(40, 2000)),
                         "following_count": int(rng.integers(80, 900)),
                         "posts_count": int(rng.integers(30, 3000)), "has_avatar": True,
                         "created_at": iso(T0 - int(rng.integers(400, 4000)) * DAY)})
        edges.append({"source": f"d{day}u{i}", "target": "brand", "type": "follow",
                      "at": iso(T0 - int(rng.integers(1, 700 * DAY)))})
    born, arrived = T0 + (day - 30) * DAY, T0 + (day - 2) * DAY
    for i in range(batch):
        accounts.append({"id": f"d{day}b{i}", "followers_count": int(rng.integers(0, 4)),
                         "following_count": int(rng.integers(650, 750)), "posts_count": 0,
                         "has_avatar": False, "created_at": iso(born + 50 * i)})
        edges.append({"source": f"d{day}b{i}", "target": "brand", "type": "follow",
                      "at": iso(arrived + 40 * i)})
    return {"format": "account-graph/1", "target": "brand",
            "observed_at": iso(T0 + day * DAY), "accounts": accounts, "edges": edges}


def time_keeping(model: str, directory: Path) -> dict:
    """Median post time of a 10,000-follower snapshot with and without its graph kept."""
    from api import create_app

    out = {}
    for keep in (True, False):
        url = f"sqlite:///{directory / f'keep-{keep}.sqlite3'}"
        client = create_app({"MODEL_DIR": model, "DATABASE_URL": url,
                             "KEEP_SNAPSHOT_GRAPHS": keep}).test_client()
        times = []
        for day in range(6):
            body = star_graph(10_000, day)
            start = time.perf_counter()
            response = client.post("/v1/targets/brand/snapshots", data=body,
                                   content_type="application/json")
            assert response.status_code == 201, response.get_json()
            if day:  # the first warms the model up
                times.append(time.perf_counter() - start)
        out[f"post_10k_ms_keep_{str(keep).lower()}"] = round(1e3 * statistics.median(times), 1)
    return out


def graph_bytes() -> dict:
    from detector.io import graph_to_document
    from detector.validate import parse_graph
    from store.graphs import encode_document

    out = {}
    for n in (10_000, 100_000):
        graph = parse_graph(orjson.loads(star_graph(n, 0)))
        start = time.perf_counter()
        blob = encode_document(graph_to_document(graph))
        out[f"graph_bytes_{n}"] = len(blob)
        out[f"graph_encode_seconds_{n}"] = round(time.perf_counter() - start, 2)
    return out


#: Simulated worlds no step saw, neither of the default model nor of a retraining (their
#: seeds are ``DEFAULT_DATA``'s and ``training.retrain.SIM_SEED``).
UNSEEN_WORLDS = {"graphs": 6, "accounts": 1_000, "val_graphs": 1, "seed": 777}


def unseen_worlds() -> list:
    from training.simulator.mixture import TrainingMix, training_graphs

    return training_graphs(TrainingMix(**UNSEEN_WORLDS))


def on_worlds(model, graphs: list) -> dict:
    """``training.retrain.on_worlds`` over every labelled account of ``graphs``, whatever
    its split, and ``flag_balanced_accuracy``: genuine against anything else, as the
    transfer benchmark counts (a bought account called a mass follower is flagged all
    the same), from its confusion."""
    from training.retrain import on_worlds as metrics

    m = metrics(model, graphs, model.classes_)
    confusion = m["confusion"]
    fakes = [c for c in confusion if c != "genuine"]
    caught = sum(n for c in fakes for p, n in confusion[c].items() if p != "genuine")
    passed = confusion.get("genuine", {}).get("genuine", 0)
    fake_n = sum(m["counts"].get(c, 0) for c in fakes)
    genuine_n = m["counts"].get("genuine", 0)
    flag_ba = 0.5 * (caught / fake_n + passed / genuine_n)
    return {**m, "flag_balanced_accuracy": round(flag_ba, 4)}


def fine_tuning(model: str, directory: Path, batch_label: str, worlds: list) -> dict:
    from api import create_app
    from training.retrain import RetrainConfig, report, retrain_from_labels

    url = f"sqlite:///{directory / f'{batch_label}.sqlite3'}"
    client = create_app({"MODEL_DIR": model, "DATABASE_URL": url}).test_client()
    labels = []
    for day in range(5):
        response = client.post("/v1/targets/brand/snapshots", json=audience(day))
        assert response.status_code == 201, response.get_json()
        labels += [{"account": f"d{day}u{i}", "label": "genuine"} for i in range(40)]
        labels += [{"account": f"d{day}b{i}", "label": batch_label} for i in range(60)]
    assert client.post("/v1/labels", json=labels).status_code == 201
    start = time.perf_counter()
    outcome = retrain_from_labels(RetrainConfig(database=url, out=str(directory / batch_label)),
                                  log=lambda line: None)
    seconds = time.perf_counter() - start
    from models.estimator import FollowerClassifier

    unseen = {"live": on_worlds(FollowerClassifier.load(model), worlds),
              "candidate": on_worlds(outcome.candidate, worlds)}
    print(report(outcome.comparison), f"\n({seconds:.1f} s)", flush=True)
    live, cand = unseen["live"], unseen["candidate"]
    print(f"{len(worlds)} unseen simulated worlds ({live['accounts']:,} labelled accounts): "
          f"balanced accuracy live {live['balanced_accuracy']:.4f}, candidate "
          f"{cand['balanced_accuracy']:.4f}; genuine against the rest live "
          f"{live['flag_balanced_accuracy']:.4f}, candidate {cand['flag_balanced_accuracy']:.4f}",
          flush=True)
    return {"seconds": round(seconds, 1), "unseen_worlds": unseen,
            **{k: outcome.comparison[k] for k in
               ("labels", "live", "candidate", "better", "simulated")}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="var/models/default")
    parser.add_argument("--out", default="benchmarks/results/labels.json")
    args = parser.parse_args()
    import torch

    torch.set_num_threads(1)
    results: dict = {"model": args.model, "unseen_worlds": UNSEEN_WORLDS}
    worlds = unseen_worlds()
    with tempfile.TemporaryDirectory(prefix="ffd-labels-") as tmp:
        for label in ("mass_follow", "bought"):
            print(f"-- the analysts label the batches {label}", flush=True)
            results[f"batches_{label}"] = fine_tuning(args.model, Path(tmp), label, worlds)
        results.update(graph_bytes())
        results.update(time_keeping(args.model, Path(tmp)))
    print({k: v for k, v in results.items() if k.startswith(("graph", "post"))})
    Path(args.out).write_bytes(orjson.dumps(results, option=orjson.OPT_INDENT_2))


if __name__ == "__main__":
    main()
