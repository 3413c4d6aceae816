"""Metamorphic properties of the default kind of model (issue "Trust on real data"):
what must hold whatever the data, tested on a model trained the way the default is
(``DEFAULT_MODEL`` on a smaller simulated mix, three members instead of five).

- raising only the following count never makes an account look more genuine, raising
  only the follower count never less (by construction; checked on random accounts);
- a blatant fake profile stays non-genuine in every view a user may have of it;
- removing edges or timestamps never turns a confident fake into a confident genuine;
- a lurker (quiet, few followers) arriving at an ordinary time is not called bought;
- a bare list of counts does not make an account with next to none a fake;
- a newcomer with ordinary counts, seen alone, is at worst uncertain;
- an ordinary mid-size account on a bare list of counts is not called a fake;
- people of every age arriving at once (a starter pack, a viral post) are not bought;
- the reasons of a non-genuine verdict are inputs that pushed the score that way;
- a private profile with a fake's counts is not cleared by being private;
- saying the platform (or not) clears no blatant fake and accuses no ordinary person.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch

from detector.features import FEATURE_INDEX, compute_features
from detector.graph import AccountGraph, Edges
from detector.reasons import explain
from detector.schema import PLATFORMS
from detector.validate import parse_graph
from models.config import ModelConfig
from models.estimator import FollowerClassifier
from training.default_model import DEFAULT_MODEL
from training.simulator import SimConfig, simulate
from training.simulator.mixture import TrainingMix, training_graphs
from training.simulator.view import View, observe

NOW = "2025-06-01T00:00:00Z"
T0 = 1_748_736_000.0  # NOW in epoch seconds
DAY = 86_400.0


@pytest.fixture(scope="module")
def model() -> FollowerClassifier:
    # The default recipe at about half its size (48 worlds, 3 members instead of 100 and
    # 5): about a minute on 2 cores.
    graphs = training_graphs(TrainingMix(graphs=48, accounts=1_500, val_graphs=8, seed=11))
    config = ModelConfig(**{**DEFAULT_MODEL, "members": 3})
    return FollowerClassifier(config).fit(graphs, progress=False, log=lambda _: None)


def iso(seconds: float) -> str:
    return np.datetime_as_string(np.datetime64(int(seconds), "s")) + "Z"


def genuine_p(model: FollowerClassifier, graph: AccountGraph) -> np.ndarray:
    return model.predict_proba(graph)[:, model.classes_.index("genuine")]


def random_accounts(n: int, seed: int) -> list[dict]:
    rng = np.random.default_rng(seed)
    out = []
    for i in range(n):
        record = {"id": f"a{i}", "followers_count": int(rng.lognormal(4, 2)),
                  "following_count": int(rng.lognormal(5, 1.2)),
                  "created_at": iso(T0 - rng.uniform(1, 3_000) * DAY)}
        for key, value in (("posts_count", int(rng.lognormal(3, 2))),
                           ("has_avatar", bool(rng.random() < 0.7)),
                           ("bio", "" if rng.random() < 0.4 else "hello there"),
                           ("username", f"user{int(rng.integers(0, 10**rng.integers(1, 7)))}"),
                           ("listed_count", int(rng.poisson(1)))):
            if rng.random() < 0.8:  # every field is missing now and then
                record[key] = value
        out.append(record)
    return out


@pytest.mark.parametrize("field, factor, direction", [
    ("following_count", 3, -1), ("following_count", 30, -1),
    ("followers_count", 3, 1), ("followers_count", 30, 1),
])
def test_one_count_moves_p_genuine_one_way_only(model, field, factor, direction):
    accounts = random_accounts(300, seed=factor)
    edges = [{"source": f"a{i}", "target": f"a{(i * 7 + 1) % 300}", "type": "follow",
              "at": iso(T0 - i * 3_600)} for i in range(0, 300, 3)]
    before = genuine_p(model, parse_graph({"observed_at": NOW, "accounts": accounts,
                                           "edges": edges}))
    for record in accounts:  # only where the count is known: unknown stays unknown
        if field in record:
            record[field] = record[field] * factor + 1
    after = genuine_p(model, parse_graph({"observed_at": NOW, "accounts": accounts,
                                          "edges": edges}))
    assert (direction * (after - before) >= -1e-6).all()


BLATANT = {"followers_count": 3, "following_count": 1_804, "posts_count": 0,
           "has_avatar": False, "bio": "", "username": "anna48213"}


def _ordinary(i: int) -> dict:
    j = i % 100  # ordinary counts: following 180-675, never near the mass-follow line
    return {"id": f"g{i}", "followers_count": 150 + 7 * j, "following_count": 180 + 5 * j,
            "posts_count": 300 + 11 * j, "has_avatar": True, "bio": "coffee, books, hiking",
            "username": f"maria_{chr(97 + i % 26)}{i}", "created_at": iso(T0 - (400 + 9 * j) * DAY)}


@pytest.mark.parametrize("view", ["profiles", "timed burst", "untimed", "follower list",
                                  "no creation date", "no posts", "no avatar or bio",
                                  "name statistics only", "no name"])
def test_a_blatant_fake_stays_non_genuine_in_every_view(model, view):
    fake = {"id": "fake", **BLATANT, "created_at": iso(T0 - 3 * DAY)}
    if view in ("name statistics only", "no name"):  # InstaFake publishes only counts
        name = fake.pop("username")
        if view == "name statistics only":
            fake["username_length"] = len(name)
            fake["username_digits"] = sum(c.isdigit() for c in name)
    if view == "no creation date":
        del fake["created_at"]
    if view == "no posts":
        del fake["posts_count"]
    if view == "no avatar or bio":
        del fake["has_avatar"], fake["bio"]
    accounts = [{"id": "star", "followers_count": 80_000, "following_count": 300,
                 "posts_count": 2_000, "has_avatar": True}, fake] + [_ordinary(i)
                                                                     for i in range(40)]
    edges = []
    if view not in ("profiles",):
        for rank, i in enumerate(range(40)):
            edge = {"source": f"g{i}", "target": "star", "type": "follow"}
            if view == "follower list":
                edge["rank"] = rank
            elif view != "untimed":
                edge["at"] = iso(T0 - (300 - 7 * i) * DAY)
            edges.append(edge)
        last = {"source": "fake", "target": "star", "type": "follow"}
        if view == "follower list":
            last["rank"] = 40
        elif view != "untimed":
            last["at"] = iso(T0 - DAY)
        edges.append(last)
    graph = parse_graph({"observed_at": NOW, "target": "star", "accounts": accounts,
                         "edges": edges})
    proba = model.predict_proba(graph)
    assert model.classes_[int(proba[1].argmax())] != "genuine"
    assert proba[1, model.classes_.index("genuine")] < 0.2


@pytest.fixture(scope="module")
def audience() -> AccountGraph:
    return simulate(SimConfig(accounts=2_000, seed=31, audit_of="star", bought_share=0.25,
                              mass_share=0.05))


@pytest.mark.parametrize("view", ["untimed", "profiles"])
def test_losing_edges_or_times_never_makes_a_confident_fake_confidently_genuine(
        model, audience, view):
    full = genuine_p(model, audience)
    seen = observe(audience, View(view), np.random.default_rng(0))
    after = genuine_p(model, seen)
    # "Confident" is 95%: premium fakes copy real profiles, so on its profile alone a
    # fake caught by its timing may look genuine, but never that surely.
    confident_fake = full <= 0.05
    assert confident_fake.sum() > 100
    assert (after[confident_fake] < 0.95).all()


def _audience_labels(model, followers: list[dict], arrivals: list[float]) -> np.ndarray:
    """The labels of ``followers`` (records with ids and ``created_at`` in seconds) of a
    target they follow at ``arrivals``."""
    accounts = [{"id": "star", "followers_count": 50_000, "following_count": 400,
                 "posts_count": 3_000, "has_avatar": True,
                 "created_at": iso(T0 - 3_000 * DAY)}]
    accounts += [{**f, "created_at": iso(f["created_at"])} for f in followers]
    edges = [{"source": f["id"], "target": "star", "type": "follow", "at": iso(at)}
             for f, at in zip(followers, arrivals, strict=True)]
    graph = parse_graph({"observed_at": NOW, "target": "star", "accounts": accounts,
                         "edges": edges})
    return np.asarray(model.classes_)[model.predict_proba(graph)[1:].argmax(axis=1)]


def _ordinary_arrival(rng: np.random.Generator, created: float) -> float:
    """A follow some time in the last two years, after the account was made."""
    return max(created + DAY, T0 - rng.uniform(1, 730) * DAY)


def test_a_lurker_arriving_at_an_ordinary_time_is_not_called_bought(model):
    # An influencer's audience arriving steadily over two years; every fifth follower is
    # a lurker: a few posts or none, a handful of followers, a modest following, half
    # without an avatar or bio, created at any time.
    rng = np.random.default_rng(5)
    followers, arrivals = [], []
    for i in range(600):
        created = T0 - rng.uniform(30, 3_000) * DAY
        if i % 5 == 0:
            followers.append({"id": f"l{i}", "followers_count": int(rng.integers(0, 25)),
                              "following_count": int(rng.integers(5, 60)),
                              "posts_count": int(rng.integers(0, 4)),
                              "has_avatar": bool(rng.random() < 0.5),
                              "bio": "" if rng.random() < 0.6 else "hi", "created_at": created})
        else:
            followers.append({**_ordinary(i), "created_at": created})
        arrivals.append(_ordinary_arrival(rng, created))
    labels = _audience_labels(model, followers, arrivals)
    assert (labels[::5] == "genuine").mean() >= 0.95


def test_an_account_with_next_to_no_counts_is_not_called_a_fake_from_them(model):
    # A bare list of counts (no edge, nothing else known) where an account has almost no
    # follower and follows up to twenty, about what a platform suggests at sign-up: a
    # new person looks the same as a vendor's fresh stock, so the counts alone must not
    # flag it (docs/transfer-protocol.md, session 21: design 31 flagged this corner).
    accounts = [{"id": f"n{a}-{b}", "followers_count": a, "following_count": b}
                for a in (0, 1, 2, 3) for b in (5, 10, 20)]
    p = genuine_p(model, parse_graph({"accounts": accounts, "edges": []}))
    assert (p > 0.5).all(), dict(zip([r["id"] for r in accounts], p.round(2), strict=True))


def test_a_newcomer_with_ordinary_counts_is_at_worst_uncertain(model):
    # An account seen alone (no edge, no other account to share a creation day with),
    # created days before observation, with an avatar, a few followers, about what a
    # platform suggests at sign-up followed and a few posts: only its age speaks against
    # it, and a new person looks like that (issue point 2; design 36 in
    # docs/transfer-protocol.md). At worst uncertain: p(not genuine) below 0.65.
    fake = {}
    for age in (2, 7, 30):
        for followers, following in ((2, 20), (8, 40), (30, 60)):
            for posts in (0, 10):
                record = {"id": "new", "created_at": iso(T0 - age * DAY), "has_avatar": True,
                          "followers_count": followers, "following_count": following,
                          "posts_count": posts}
                graph = parse_graph({"accounts": [record], "edges": [], "observed_at": NOW})
                fake[(age, followers, following, posts)] = 1.0 - genuine_p(model, graph)[0]
    assert max(fake.values()) < 0.65, {k: round(float(v), 2) for k, v in fake.items()}


def test_an_ordinary_person_on_a_list_of_counts_is_not_called_a_fake(model):
    # A mid-size account known only by its two counts, following one to three times as
    # many as follow it and under the mass-following line: the shape of most people on
    # every platform. Look-alike fakes exist, but only the graph tells them apart (design
    # 37 in docs/transfer-protocol.md); design 36's shipped model called 300 followers
    # with 800 following 0.57 "not genuine". On this smaller recipe both designs pass:
    # here it guards against a regression.
    pairs = [(followers, min(round(followers * ratio), 1_500))
             for followers in (100, 300, 1_000) for ratio in (1.0, 2.0, 2.7)]
    accounts = [{"id": f"p{i}", "followers_count": a, "following_count": b}
                for i, (a, b) in enumerate(pairs)]
    fake = 1.0 - genuine_p(model, parse_graph({"accounts": accounts, "edges": []}))
    assert fake.max() < 0.5, dict(zip(pairs, fake.round(2).tolist(), strict=True))


def test_a_starter_pack_or_viral_burst_of_real_people_is_not_called_bought(model):
    # 200 ordinary people, created at all different times, follow within 40 minutes
    # (a Bluesky starter pack, a viral post) among 600 who came over two years.
    rng = np.random.default_rng(7)
    followers, arrivals = [], []
    for i in range(800):
        created = T0 - rng.uniform(30, 3_000) * DAY
        followers.append({**_ordinary(i), "created_at": created})
        arrivals.append(T0 - 10 * DAY + rng.uniform(0, 2_400) if i < 200
                        else _ordinary_arrival(rng, created))
    labels = _audience_labels(model, followers, arrivals)
    assert (labels[:200] == "genuine").mean() >= 0.95


def test_reasons_are_inputs_that_pushed_towards_the_verdict(model, audience):
    features = compute_features(audience)
    proba = model.predict_proba(audience, features)
    labels = np.asarray(model.classes_)[proba.argmax(axis=1)]
    rows = np.flatnonzero(labels != "genuine")[:200]
    attribute = model.score(audience, features).attribute
    reasons = explain(audience, labels[rows].tolist(), rows, features=features,
                      attribute=attribute)
    assert all(reasons) and all("no single" not in r[0] for r in reasons)
    # The top drivers carry the verdict: pushing their columns back to the baseline (the
    # training mean) lowers "not genuine" for every one of these accounts.
    drive = attribute(rows).inputs
    x = model.normaliser_.transform(features[:, model.columns_])
    position = {int(c): k for k, c in enumerate(model.columns_)}
    moved = x[rows].copy()
    for r in range(len(rows)):
        top = [position[c] for c in np.argsort(-drive[r])[:3] if c in position]
        moved[r, top] = 0.0
    with torch.inference_mode():
        p, c = model.model_.evidence(torch.from_numpy(x[rows]))
        p2, c2 = model.model_.evidence(torch.from_numpy(moved))
    assert ((p2 + c2) < (p + c)).all()


def test_thin_data_is_flagged_uncertain(model):
    graph = parse_graph({"observed_at": NOW, "accounts": [
        {"id": "nothing"}, {"id": "one", "followers_count": 12},
        {"id": "rich", **BLATANT, "created_at": iso(T0 - 3 * DAY)}]})
    features = compute_features(graph)
    uncertain = model.uncertain(features, model.predict_proba(graph, features))
    assert uncertain.tolist()[:2] == [True, True] and not uncertain[2]
    assert features[0, FEATURE_INDEX["isolated"]] == 1


def test_profiles_only_graph_has_no_context_evidence(model):
    graph = AccountGraph(parse_graph({"accounts": random_accounts(50, 3)}).accounts,
                         Edges.empty(), None, T0)
    x = model.normaliser_.transform(compute_features(graph)[:, model.columns_])
    with torch.inference_mode():
        _, context = model.model_.evidence(torch.from_numpy(x))
    assert torch.allclose(context, torch.zeros_like(context), atol=1e-6)


@pytest.mark.parametrize("following", [800, 1_500])
def test_a_closed_profile_does_not_clear_a_fake(model, following):
    # Bulk stock as a follower export shows it: a small audience, following dozens of
    # times as many, no posts, an avatar, a bio. Being private hides the empty feed; it
    # must not turn the verdict (the simulator's shops sell private stock too).
    fake = {"followers_count": 30, "following_count": following, "posts_count": 0,
            "has_avatar": True, "bio": "dm for collabs"}
    graph = parse_graph({"accounts": [{"id": "public", **fake, "private": False},
                                      {"id": "closed", **fake, "private": True}]})
    public, closed = genuine_p(model, graph)
    assert public < 0.5 and closed < 0.5, (public, closed)


@pytest.mark.parametrize("platform", [None, *PLATFORMS])
def test_the_platform_clears_no_blatant_fake_and_accuses_no_ordinary_person(model, platform):
    accounts = [{"id": "fake", **BLATANT, "created_at": iso(T0 - 3 * DAY)}]
    accounts += [_ordinary(i) for i in range(40)]
    unsaid = genuine_p(model, parse_graph({"observed_at": NOW, "accounts": accounts}))
    for record in accounts:
        record["platform"] = platform
    p = genuine_p(model, parse_graph({"observed_at": NOW, "accounts": accounts}))
    assert p[0] < 0.2
    assert np.median(p[1:]) > 0.5
    # The default model leaves the platform columns out (docs/transfer-protocol.md,
    # session 16): saying the platform changes no score.
    np.testing.assert_array_equal(p, unsaid)
