"""How a model judges each platform's simulated accounts from their profiles alone.

    .venv/bin/python -m benchmarks.platform_counts --model var/models/default [--worlds 6]

The sets the project is also judged on and does not hold (Instagram fakes bought from
vendors, TikTok accounts) come as profile counts only (issue "Trust on real data"). This
draws held-out simulated worlds of each platform (``training.simulator.randomise``, the
training mix's own world draws, from a seed the default data does not use), shows their
accounts without any edge, and prints, per platform and view, the share of each role the
model calls anything but genuine (its verdict, as ``benchmarks.transfer`` counts it) and
the balanced accuracy; then which of the ordinary people it flags, by region of their
two counts (``benchmarks.count_regions``). Two views:

- ``counts``: followers, following and posts, nothing else (``view.counts_only``);
- ``profile``: the whole profile, no edge (``View(edges="profiles")``).

Every figure is measured by the run; docs/transfer-protocol.md (sessions 20, 23 and 24)
quotes runs of it.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass

import numpy as np

from benchmarks.count_regions import regions
from detector.graph import AccountGraph
from detector.schema import LABEL_CODE
from models.estimator import FollowerClassifier
from training.simulator.core import ROLES, simulate_roles
from training.simulator.randomise import sample_config
from training.simulator.view import View, counts_only, observe
from training.simulator.world import PLATFORMS

VIEWS = ("counts", "profile")


@dataclass(frozen=True)
class World:
    """One drawn world, seen without edges: its roles, true labels and two counts."""

    platform: str
    roles: np.ndarray
    label: np.ndarray
    followers: np.ndarray
    following: np.ndarray
    views: dict[str, AccountGraph]


def draw(worlds: int, accounts: int, seed: int) -> list[World]:
    """``worlds`` worlds of each platform, drawn in turn from one generator (a draw of
    a platform already complete is skipped, so every platform's worlds are draws of the
    training mix's own distribution)."""
    rng = np.random.default_rng(seed)
    out: list[World] = []
    count = dict.fromkeys(PLATFORMS, 0)
    while min(count.values()) < worlds:
        config = sample_config(rng, accounts, audit=False)
        name = config.world.platform.name
        if count[name] >= worlds:
            continue
        count[name] += 1
        graph, roles = simulate_roles(config)
        profile = observe(graph, View(edges="profiles"), np.random.default_rng(config.seed))
        counts = graph.accounts.counts
        out.append(World(name, roles, graph.accounts.label.copy(),
                         counts["followers_count"], counts["following_count"],
                         {"counts": counts_only(graph), "profile": profile}))
    return out


@dataclass(frozen=True)
class Row:
    """One platform in one view: the share of each role flagged, and balanced accuracy."""

    platform: str
    view: str
    worlds: int
    accounts: int
    flagged: dict[str, float]  # role -> share called anything but genuine (NaN: none)
    role_counts: dict[str, int]
    balanced_accuracy: float


def flags(model: FollowerClassifier, worlds: list[World], view: str) -> list[np.ndarray]:
    """Per world, whether the model's verdict on each account is anything but genuine."""
    return [model.predict(w.views[view]) != "genuine" for w in worlds]


def _row(platform: str, view: str, worlds: list[World], flagged: list[np.ndarray]) -> Row:
    roles = np.concatenate([w.roles for w in worlds])
    fake = np.concatenate([w.label for w in worlds]) != LABEL_CODE["genuine"]
    hit = np.concatenate(flagged)
    shares = {r: float(hit[roles == r].mean()) if (roles == r).any() else float("nan")
              for r in ROLES}
    ba = 0.5 * (float(hit[fake].mean()) + float((~hit[~fake]).mean()))
    return Row(platform, view, len(worlds), len(roles), shares,
               {r: int((roles == r).sum()) for r in ROLES}, ba)


def measure(model: FollowerClassifier, worlds: list[World]
            ) -> tuple[list[Row], dict[str, dict[str, tuple[int, int]]]]:
    """The rows per platform and view, and per view the ordinary people flagged by
    region of their true counts: ``{view: {region: (people, flagged)}}``."""
    rows: list[Row] = []
    people: dict[str, dict[str, tuple[int, int]]] = {}
    for view in VIEWS:
        flagged = flags(model, worlds, view)
        for name in PLATFORMS:
            mine = [i for i, w in enumerate(worlds) if w.platform == name]
            if mine:
                rows.append(_row(name, view, [worlds[i] for i in mine],
                                 [flagged[i] for i in mine]))
        person = np.concatenate([w.roles == "person" for w in worlds])
        hit = np.concatenate(flagged)
        masks = regions(np.concatenate([w.followers for w in worlds]),
                        np.concatenate([w.following for w in worlds]))
        people[view] = {region: (int((person & m).sum()), int((person & m & hit).sum()))
                        for region, m in masks.items()}
    return rows, people


def render(rows: list[Row], people: dict[str, dict[str, tuple[int, int]]]) -> str:
    lines = ["| view | platform | worlds | accounts | "
             + " | ".join(f"{r} flagged" for r in ROLES) + " | balanced accuracy |",
             "|---|---|---:|---:|" + "---:|" * len(ROLES) + "---:|"]
    for row in rows:
        shares = " | ".join("–" if np.isnan(row.flagged[r])
                            else f"{row.flagged[r]:.3f} ({row.role_counts[r]:,})"
                            for r in ROLES)
        lines.append(f"| {row.view} | {row.platform} | {row.worlds} | {row.accounts:,} | "
                     f"{shares} | {row.balanced_accuracy:.3f} |")
    lines += ["", "Ordinary people (role `person`) flagged, every platform, by region of "
                  "their true counts:", "",
              "| region | " + " | ".join(VIEWS) + " |", "|---|" + "---:|" * len(VIEWS)]
    for region in next(iter(people.values())):
        cells = []
        for view in VIEWS:
            n, hit = people[view][region]
            cells.append(f"{hit:,} of {n:,} ({hit / n:.3f})" if n else "–")
        lines.append(f"| {region} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", default="var/models/default", help="a saved model directory")
    parser.add_argument("--worlds", type=int, default=6, help="worlds per platform")
    parser.add_argument("--accounts", type=int, default=3_000, help="accounts per world")
    parser.add_argument("--seed", type=int, default=2024,
                        help="the world draws' seed (the default mix uses others)")
    args = parser.parse_args(argv)
    if args.worlds < 1 or args.accounts < 10:
        parser.error("--worlds must be at least 1 and --accounts at least 10")
    model = FollowerClassifier.load(args.model)
    worlds = draw(args.worlds, args.accounts, args.seed)
    print(render(*measure(model, worlds)))


if __name__ == "__main__":
    main()
