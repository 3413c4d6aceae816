"""``simulate``: the whole world, from profiles to edges to an ``AccountGraph``.

Rows are laid out genuine, bought, mass while generating, then shuffled, so neither
row order nor ids (``u0``, ``u1``, ...) say anything about the class.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace

import numpy as np

from detector.graph import AccountGraph, Accounts, Edges
from detector.schema import EDGE_CODE, LABELS, PLATFORM_CODE, UNFOLLOW
from training.simulator import audit, genuine, mass, names, vendors
from training.simulator.config import Behaviour, SimConfig
from training.simulator.tables import EdgeLog, Picker, Profiles, follow_degrees
from training.simulator.view import hide

#: Independent random streams, so changing one part of the world leaves the others be.
STREAMS = ("genuine", "bought", "mass", "names", "follows", "interactions", "purchases",
           "camouflage", "likes", "campaigns", "audit", "noise", "shuffle")

Progress = Callable[[str], None]


#: What each account is in the simulated world, finer than its label (``simulate_roles``).
ROLES = ("person", "lurker", "influencer", "standard", "premium", "mass")


def simulate(config: SimConfig, progress: Progress | None = None) -> AccountGraph:
    """Simulate one labelled account graph (deterministic for ``config``).

    Args:
        config: size, seed, difficulty, class shares and audit target.
        progress: called with a short message after each stage (for long runs).

    Returns:
        The graph with ``label`` (0 genuine, 1 bought, 2 mass_follow), ``observed_at``
        and, in audit mode, ``target`` set.
    """
    return simulate_roles(config, progress)[0]


def simulate_roles(config: SimConfig,
                   progress: Progress | None = None) -> tuple[AccountGraph, np.ndarray]:
    """``simulate``, plus each account's role (one of ``ROLES``, object array in row
    order): lurkers and premium fakes are what benchmarks of the model's failure modes
    need to find."""
    say = _timed(progress)
    rng = _streams(config.seed)
    beh, now = config.resolved_behaviour(), config.observed_seconds()
    n_gen, n_bought, n_mass = config.class_sizes()
    total = config.accounts

    gen = genuine.make_genuine(rng["genuine"], n_gen, config, beh, now)
    bought = vendors.make_bought(rng["bought"], n_bought, config, beh, now)
    mass_profiles = mass.make_mass(rng["mass"], n_mass, beh, now)
    profiles = Profiles.concat([gen.profiles, bought.profiles, mass_profiles])
    profiles.username = names.make_unique(rng["names"], profiles.username)
    target = None
    if config.audit_of is not None:
        target = int(np.argmax(gen.profiles.followers))
        _free_name(profiles.username, config.audit_of)
        audit.dress_target(rng["audit"], profiles, target, config.audit_of, total - 1, now)
    label = np.repeat(np.arange(len(LABELS), dtype=np.int8), [n_gen, n_bought, n_mass])
    say(f"profiles: {n_gen:,} genuine, {n_bought:,} bought, {n_mass:,} mass")

    log = EdgeLog(total, now, profiles.created_at)
    src, dst, at = genuine.follow_edges(rng["follows"], gen, config, beh, now, log)
    genuine.interaction_edges(rng["interactions"], gen, src, dst, at, now, log)
    del src, dst, at
    say(f"genuine edges: {len(log):,}")
    active = np.flatnonzero(~gen.lurker) if not gen.lurker.all() else np.arange(n_gen)
    reach = profiles.followers[:n_gen] + 1.0
    if target is not None and n_gen > 1:  # its bought followers come from its own orders
        reach[target] = 0.0
    customers = Picker(active, np.sqrt(reach[active]))
    sales = vendors.purchase_edges(rng["purchases"], bought, n_gen, customers, config, beh,
                                   now, log, profiles.created_at)
    vendors.camouflage_edges(rng["camouflage"], bought, n_gen, Picker(np.arange(n_gen), reach),
                             beh, now, log, profiles.created_at)
    vendors.like_edges(rng["likes"], bought, n_gen, sales, customers, now, log,
                       profiles.created_at)
    say(f"bought edges: {len(log):,}")
    mass.campaign_edges(rng["campaigns"], mass_profiles, n_gen + n_bought,
                        Picker(active, np.sqrt(reach[active])), profiles.followers, config,
                        beh, now, log)
    if target is not None:
        audit.audience_edges(rng["audit"], target, profiles.created_at, n_gen, bought,
                             (n_gen + n_bought, n_mass), config, beh, now, log)
    say(f"mass and audit edges: {len(log):,}")

    edges = log.build()
    if target is not None:  # the audience is who follows the target now
        edges = edges.take(np.flatnonzero(~((edges.type == UNFOLLOW) & (edges.dst == target))))
    _match_degrees(profiles, edges)
    say(f"merged edges: {len(edges):,}")

    accounts = _accounts(profiles, label)
    accounts.platform[:] = PLATFORM_CODE.get(config.world.platform.name, -1)
    _hide(rng["noise"], accounts, edges, beh, config.world.platform.hidden)
    roles = np.concatenate([
        np.where(gen.lurker, "lurker", np.where(gen.influencer, "influencer", "person")),
        np.where(bought.premium, "premium", "standard"), np.full(n_mass, "mass"),
    ]).astype(object)
    graph, order = _shuffle(rng["shuffle"], accounts, edges, target, now)
    say("done")
    return graph, roles[order]


def _timed(progress: Progress | None) -> Progress:
    """``progress`` with the seconds since the start appended to each message."""
    clock = time.perf_counter()

    def say(message: str) -> None:
        if progress is not None:
            progress(f"{message} ({time.perf_counter() - clock:.1f}s)")

    return say


def _streams(seed: int) -> dict[str, np.random.Generator]:
    children = np.random.SeedSequence(seed).spawn(len(STREAMS))
    return {name: np.random.default_rng(child)
            for name, child in zip(STREAMS, children, strict=True)}


def _free_name(usernames: np.ndarray, name: str) -> None:
    """Rename any account already called ``name`` (names are unique on a platform)."""
    taken = np.flatnonzero(np.char.lower(usernames.astype(str)) == name.lower())
    usernames[taken] = [f"{u}_{i}"[: names.MAX_NAME] for i, u in enumerate(usernames[taken])]


def _match_degrees(profiles: Profiles, edges: Edges) -> None:
    """Platform counts cover at least what the graph shows of them."""
    out_deg, in_deg = follow_degrees(edges, len(profiles))
    profiles.followers = np.maximum(profiles.followers, in_deg)
    profiles.following = np.maximum(profiles.following, out_deg)
    liked = edges.type == EDGE_CODE["like"]
    given = np.bincount(edges.src[liked], weights=edges.weight[liked], minlength=len(profiles))
    profiles.likes = np.maximum(profiles.likes, given)


def _accounts(p: Profiles, label: np.ndarray) -> Accounts:
    accounts = Accounts.empty(np.zeros(len(p), dtype=object))
    for field, column in (("followers_count", p.followers), ("following_count", p.following),
                          ("posts_count", p.posts), ("likes_count", p.likes),
                          ("listed_count", p.listed)):
        accounts.counts[field] = column.astype(np.float64)
    for field in ("has_avatar", "verified", "private"):
        accounts.flags[field] = getattr(p, field).astype(np.float64)
    accounts.texts["username"] = p.username.astype(object)
    accounts.texts["bio"] = p.bio.astype(object)
    accounts.created_at = p.created_at.astype(np.float64)
    accounts.label = label
    return accounts


def _hide(rng: np.random.Generator, accounts: Accounts, edges: Edges, beh: Behaviour,
          hidden: tuple[str, ...] = ()) -> None:
    """Collection gaps (fields, edge times), fields the platform never shows (``hidden``)
    and, at ``hard``, a few wrong labels."""
    n = len(accounts)
    for field in hidden:
        hide(accounts, field, np.ones(n, bool))
    for field, share in beh.missing.items():
        hide(accounts, field, rng.random(n) < share)
    edges.at[rng.random(len(edges)) < beh.missing_at] = np.nan
    wrong = np.flatnonzero(rng.random(n) < beh.label_noise)
    shift = rng.integers(1, len(LABELS), len(wrong)).astype(np.int8)
    accounts.label[wrong] = (accounts.label[wrong] + shift) % len(LABELS)


def _shuffle(rng: np.random.Generator, accounts: Accounts, edges: Edges, target: int | None,
             now: float) -> tuple[AccountGraph, np.ndarray]:
    n = len(accounts)
    order = rng.permutation(n)  # new row i holds old row order[i]
    where = np.empty(n, np.int64)
    where[order] = np.arange(n)
    accounts = accounts.take(order)
    accounts.ids = np.char.add("u", np.arange(n).astype(str)).astype(object)
    edges = replace(edges, src=where[edges.src], dst=where[edges.dst])
    graph = AccountGraph(accounts, edges, None if target is None else int(where[target]), now)
    return graph, order
