"""The default model's training data: many small graphs, each a random world seen
through a random view (``training.simulator.randomise``).

Whole graphs, not accounts, are held out for validation, so early stopping and the
temperature reward what carries over to worlds the model did not train on. Features are
computed per graph by ``FollowerClassifier.fit``, which takes the list.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace

import numpy as np

from detector.feature_table import MASS_FOLLOW_THRESHOLD
from detector.graph import AccountGraph
from detector.schema import SPLIT_CODE
from training.simulator.core import simulate_roles
from training.simulator.randomise import sample_config, sample_view
from training.simulator.view import counts_only, observe


@dataclass(frozen=True)
class TrainingMix:
    """How many worlds, how big, and how many of them are audits of one target."""

    graphs: int = 40  # simulated graphs, each its own world and view
    accounts: int = 1_500  # accounts per graph
    audit_share: float = 0.5  # graphs that are one target's audience (else a community)
    val_graphs: int = 8  # graphs held out whole for early stopping and calibration
    seed: int = 20_250_601  # same seed, same graphs
    platform_shown: float = 0.6  # graphs whose accounts say which platform they are on
    counts_only: float = 0.0  # graphs seen as a bare list of counts (``view.counts_only``)
    # Leave unlabelled the fakes whose label nothing in the view shows (``traceless``).
    unlabel_traceless: bool = True

    def __post_init__(self) -> None:
        if self.graphs < 2 or not 1 <= self.val_graphs < self.graphs:
            raise ValueError(f"need at least one training and one validation graph, got "
                             f"graphs={self.graphs}, val_graphs={self.val_graphs}")
        if self.accounts < 50:
            raise ValueError(f"accounts must be at least 50, got {self.accounts}")
        for name in ("audit_share", "platform_shown", "counts_only"):
            if not 0.0 <= getattr(self, name) <= 1.0:
                raise ValueError(f"{name} must lie in [0, 1], got {getattr(self, name)}")

    def to_dict(self) -> dict:
        return asdict(self)


def training_graphs(mix: TrainingMix,
                    progress: Callable[[str], object] | None = None) -> list[AccountGraph]:
    """The mix's graphs, labelled, the first ``val_graphs`` marked ``val`` and the rest
    ``train`` (deterministic for ``mix``)."""
    rng = np.random.default_rng(mix.seed)
    start = time.perf_counter()
    graphs = []
    for k in range(mix.graphs):
        audit = bool(rng.random() < mix.audit_share)
        config = sample_config(rng, mix.accounts, audit)
        view = sample_view(rng, audit)
        # Drawn apart from ``rng``, so that the worlds and views stay those of the same
        # seed before the platform field existed (design 27 against 26 changes one thing).
        told = np.random.default_rng((mix.seed, k)).random() < mix.platform_shown
        view = replace(view, platform=bool(told))
        truth, roles = simulate_roles(config)
        graph = observe(truth, view, rng)
        # Also from a stream of its own: the other worlds and views stay the seed's.
        if np.random.default_rng((mix.seed, k, 1)).random() < mix.counts_only:
            graph = counts_only(graph)
        if mix.unlabel_traceless:
            graph.accounts.label[traceless(graph, roles,
                                           truth.accounts.counts["following_count"])] = -1
        graph.accounts.split[:] = SPLIT_CODE["val" if k < mix.val_graphs else "train"]
        graphs.append(graph)
        if progress is not None and (k + 1) % 10 == 0:
            progress(f"simulated {k + 1}/{mix.graphs} worlds "
                     f"({time.perf_counter() - start:.1f}s)")
    return graphs


def traceless(seen: AccountGraph, roles: np.ndarray, following: np.ndarray) -> np.ndarray:
    """Fakes whose label nothing in ``seen`` shows: bought accounts that copy people
    ("premium") and mass followers that stay under the mass-following line, when the
    view gives them no edge (a bare list of profiles, or left isolated by a partial
    crawl).

    Such an account's profile is made to look like a person's; what gives it away is
    the graph (creation batches that follow together, follow-and-unfollow sessions). The
    model scores an account without edges from its profile alone, so taught to call
    these fakes it learns that ordinary people's profiles are suspect at whatever rate
    the simulated world holds such stock, and flags real people on lists of profiles.
    Left unlabelled they teach nothing; the evidence model's floor for profiles alone
    (``models.evidence.PROFILE_FLOOR``: at most 95% genuine) is what keeps room for them.

    Args:
        seen: the graph as the view shows it (rows in the simulated order).
        roles: each row's role (``training.simulator.core.ROLES``).
        following: each row's true following count (before the view hid any).
    """
    subtle = (roles == "mass") & (np.asarray(following) < MASS_FOLLOW_THRESHOLD)
    return ~linked(seen) & ((roles == "premium") | subtle)


def linked(graph: AccountGraph) -> np.ndarray:
    """Accounts with at least one edge to another account in ``graph``."""
    e = graph.edges
    other = e.src != e.dst
    out = np.zeros(graph.num_accounts, dtype=bool)
    out[e.src[other]] = True
    out[e.dst[other]] = True
    return out
