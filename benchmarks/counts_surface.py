"""How a model reads a bare list of two counts (followers, following).

    .venv/bin/python -m benchmarks.counts_surface --model var/models/default

Prints two things, measured by this run:

- the model's probability of "not genuine" over a grid of followers x following, every
  other field unknown and no edge (the shape of many audits and exports);
- on Cresci-2015 seen as counts only (``benchmarks.transfer_sets``), which genuine
  accounts the model flags (probability of "not genuine" of 0.5 or more) and which
  fakes it passes, beside the one-line rule "following > 5 x followers".

docs/transfer-protocol.md (sessions 21-23) quotes runs of it on the default model and on
designs being decided.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass

import numpy as np

from benchmarks.transfer_sets import rule_ratio
from detector.features import MASS_FOLLOW_THRESHOLD
from detector.graph import AccountGraph
from detector.schema import LABEL_CODE
from detector.validate import parse_graph
from models.estimator import FollowerClassifier
from training.datasets.cresci import load_cresci
from training.simulator.view import counts_only

FOLLOWERS = (0, 3, 10, 20, 40, 100, 300, 1_000, 3_000)
FOLLOWING = (10, 30, 60, 100, 200, 400, 800, 1_500, 3_000)


def not_genuine(model: FollowerClassifier, graph: AccountGraph) -> np.ndarray:
    """The probability of "not genuine" (bought or mass follower) per account."""
    return 1.0 - model.predict_proba(graph)[:, model.classes_.index("genuine")]


def grid_graph(followers: tuple[int, ...], following: tuple[int, ...]) -> AccountGraph:
    """One account per (followers, following) pair, followers-major; nothing else known."""
    accounts = [{"id": f"f{a}-g{b}", "followers_count": a, "following_count": b}
                for a in followers for b in following]
    return parse_graph({"accounts": accounts, "edges": []})


def surface(model: FollowerClassifier, followers: tuple[int, ...] = FOLLOWERS,
            following: tuple[int, ...] = FOLLOWING) -> np.ndarray:
    """Probability of "not genuine", shape ``[len(followers), len(following)]``."""
    p = not_genuine(model, grid_graph(followers, following))
    return p.reshape(len(followers), len(following))


@dataclass(frozen=True)
class Breakdown:
    """Who a model flags on a labelled list of counts, beside the ratio rule."""

    genuine: int
    genuine_flagged: int
    genuine_flagged_mass_line: int  # following above MASS_FOLLOW_THRESHOLD
    genuine_flagged_ratio: int  # following > 5 x followers (and not above the line)
    rule_genuine_flagged: int
    fakes: int
    fakes_passed: int
    rule_fakes_passed: int
    passed_fake_followers_median: float
    passed_fake_following_median: float


def breakdown(model: FollowerClassifier, graph: AccountGraph) -> Breakdown:
    """Counts of ``graph``'s labelled accounts the model flags or passes."""
    p = not_genuine(model, graph)
    label = graph.accounts.label
    genuine, fake = label == LABEL_CODE["genuine"], label > LABEL_CODE["genuine"]
    following = graph.accounts.counts["following_count"]
    mass = following > MASS_FOLLOW_THRESHOLD  # an unknown (NaN) count compares False
    ratio = rule_ratio(graph)
    flagged = p >= 0.5
    passed_fake = fake & ~flagged

    def median(values: np.ndarray) -> float:
        return float(np.nanmedian(values[passed_fake])) if passed_fake.any() else float("nan")

    return Breakdown(
        genuine=int(genuine.sum()), genuine_flagged=int((genuine & flagged).sum()),
        genuine_flagged_mass_line=int((genuine & flagged & mass).sum()),
        genuine_flagged_ratio=int((genuine & flagged & ratio & ~mass).sum()),
        rule_genuine_flagged=int((genuine & ratio).sum()),
        fakes=int(fake.sum()), fakes_passed=int(passed_fake.sum()),
        rule_fakes_passed=int((fake & ~ratio).sum()),
        passed_fake_followers_median=median(graph.accounts.counts["followers_count"]),
        passed_fake_following_median=median(following))


def render(grid: np.ndarray, b: Breakdown | None, followers: tuple[int, ...] = FOLLOWERS,
           following: tuple[int, ...] = FOLLOWING) -> str:
    """The grid as a Markdown table, then the breakdown when there is one."""
    lines = ['Probability of "not genuine", two counts known (rows: followers; columns: '
             "following)", "",
             "| followers | " + " | ".join(f"{v:,}" for v in following) + " |",
             "|---:|" + "---:|" * len(following)]
    lines += [f"| {a:,} | " + " | ".join(f"{x:.2f}" for x in row) + " |"
              for a, row in zip(followers, grid, strict=True)]
    if b is not None:
        other = b.genuine_flagged - b.genuine_flagged_mass_line - b.genuine_flagged_ratio
        lines += ["", f"Genuine accounts flagged: {b.genuine_flagged:,} of {b.genuine:,} "
                  f"(the rule: {b.rule_genuine_flagged:,}); following above "
                  f"{MASS_FOLLOW_THRESHOLD:,}: {b.genuine_flagged_mass_line:,}; following "
                  f"> 5 x followers below that: {b.genuine_flagged_ratio:,}; others: "
                  f"{other:,}.",
                  f"Fakes passed: {b.fakes_passed:,} of {b.fakes:,} (the rule: "
                  f"{b.rule_fakes_passed:,}); their median followers "
                  f"{b.passed_fake_followers_median:,.0f}, following "
                  f"{b.passed_fake_following_median:,.0f}."]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", default="var/models/default", help="a saved model directory")
    args = parser.parse_args(argv)
    model = FollowerClassifier.load(args.model)
    try:
        cresci = counts_only(load_cresci())
    except Exception as exc:  # noqa: BLE001 (absent data is reported, not fatal)
        print(f"Cresci-2015 absent ({exc}): the grid only")
        cresci = None
    print(render(surface(model), None if cresci is None else breakdown(model, cresci)))


if __name__ == "__main__":
    main()
