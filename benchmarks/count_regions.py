"""Where the default training data puts each class in the two counts, beside Cresci-2015.

    .venv/bin/python -m benchmarks.count_regions [--graphs 200]

A model that sees only an account's followers and following counts learns, at best, the
share of fakes its training loss holds at those counts. For a few regions of
(followers, following), this prints the default mix's accounts by class as their views
show them (``training.simulator.mixture``), how many of the fakes the mix leaves
unlabelled (``traceless``), the share of "not genuine" in the loss under the default
model's balanced class weights with every fake labelled and as the mix labels them, over
all accounts and over those their view shows without any edge (which the model scores
from the profile alone), and Cresci-2015's genuine accounts and fakes in the same
regions. docs/transfer-protocol.md (session 23) quotes a run of it.
"""

from __future__ import annotations

import argparse
import dataclasses
from dataclasses import dataclass

import numpy as np

from detector.feature_table import MASS_FOLLOW_THRESHOLD
from detector.graph import AccountGraph
from detector.schema import LABEL_CODE
from training.datasets.cresci import load_cresci
from training.default_model import DEFAULT_DATA
from training.simulator.mixture import TrainingMix, linked, training_graphs

GENUINE, BOUGHT, MASS = (LABEL_CODE[name] for name in ("genuine", "bought", "mass_follow"))


def regions(followers: np.ndarray, following: np.ndarray) -> dict[str, np.ndarray]:
    """Masks of the regions, by name; an unknown (NaN) count falls in none."""
    ratio = following / np.maximum(followers, 1.0)
    line = MASS_FOLLOW_THRESHOLD
    under, over = following <= line, following > line
    return {
        "following <= 1,500, at most 2 x followers": under & (ratio <= 2),
        "following <= 1,500, 2-5 x followers, followers >= 60":
            under & (ratio > 2) & (ratio <= 5) & (followers >= 60),
        "following <= 1,500, 2-5 x followers, followers < 60":
            under & (ratio > 2) & (ratio <= 5) & (followers < 60),
        "following <= 1,500, over 5 x followers": under & (ratio > 5),
        "following > 1,500, at most 2 x followers": over & (ratio <= 2),
        "following > 1,500, over 2 x followers": over & (ratio > 2),
    }


@dataclass(frozen=True)
class Region:
    """One region's accounts in the training data and in Cresci-2015."""

    name: str
    genuine: int
    bought: int
    mass: int
    unlabelled: int  # fakes the mix leaves unlabelled (``traceless``)
    fake_weight_all: float  # share of "not genuine" in the loss, every fake labelled
    fake_weight_mix: float  # the same as the mix labels them
    isolated_all: float  # the same two over the accounts seen without any edge
    isolated_mix: float
    cresci_genuine: int | None = None
    cresci_fakes: int | None = None


def _fake_weight(truth: np.ndarray, labelled: np.ndarray, mask: np.ndarray) -> float:
    """Share of "not genuine" in ``mask`` under weights that make the labelled genuine
    rows weigh as much as the labelled fakes (``class_weights="binary"``)."""
    fake, gen = labelled & (truth > GENUINE), labelled & (truth == GENUINE)
    w_fake, w_gen = 1.0 / max(int(fake.sum()), 1), 1.0 / max(int(gen.sum()), 1)
    a, b = (fake & mask).sum() * w_fake, (gen & mask).sum() * w_gen
    return float(a / (a + b)) if a + b else float("nan")


def tally(graphs: list[AccountGraph], truths: list[AccountGraph],
          cresci: AccountGraph | None = None) -> list[Region]:
    """The regions of ``graphs`` (labelled as the mix labels them), with ``truths`` the
    same graphs with every fake labelled, and of ``cresci`` when given."""
    followers = np.concatenate([g.accounts.counts["followers_count"] for g in graphs])
    following = np.concatenate([g.accounts.counts["following_count"] for g in graphs])
    label = np.concatenate([g.accounts.label for g in graphs])
    truth = np.concatenate([g.accounts.label for g in truths])
    everyone = truth >= 0
    alone = np.concatenate([~linked(g) for g in graphs])
    c_masks, c_label = {}, None
    if cresci is not None:
        c = cresci.accounts
        c_masks = regions(c.counts["followers_count"], c.counts["following_count"])
        c_label = c.label
    out = []
    for name, mask in regions(followers, following).items():
        cm = c_masks.get(name)
        out.append(Region(
            name=name, genuine=int((mask & (truth == GENUINE)).sum()),
            bought=int((mask & (truth == BOUGHT)).sum()),
            mass=int((mask & (truth == MASS)).sum()),
            unlabelled=int((mask & everyone & (label < 0)).sum()),
            fake_weight_all=_fake_weight(truth, everyone, mask),
            fake_weight_mix=_fake_weight(truth, label >= 0, mask),
            isolated_all=_fake_weight(truth, everyone, mask & alone),
            isolated_mix=_fake_weight(truth, label >= 0, mask & alone),
            cresci_genuine=None if cm is None else int((cm & (c_label == GENUINE)).sum()),
            cresci_fakes=None if cm is None else int((cm & (c_label > GENUINE)).sum())))
    return out


def render(rows: list[Region]) -> str:
    lines = ["Not genuine in the loss: with every fake labelled → as the mix labels them.",
             "", "| region | genuine | bought | mass | fakes unlabelled | not genuine in the "
             "loss | the same, accounts without edges | Cresci-2015 genuine | "
             "Cresci-2015 fakes |", "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        cresci = ("- | -" if r.cresci_genuine is None
                  else f"{r.cresci_genuine:,} | {r.cresci_fakes:,}")
        lines.append(f"| {r.name} | {r.genuine:,} | {r.bought:,} | {r.mass:,} | "
                     f"{r.unlabelled:,} | {r.fake_weight_all:.2f} → {r.fake_weight_mix:.2f} "
                     f"| {r.isolated_all:.2f} → {r.isolated_mix:.2f} | {cresci} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--graphs", type=int, default=DEFAULT_DATA["graphs"],
                        help="simulated worlds (default: the default data's)")
    args = parser.parse_args(argv)
    mix = TrainingMix(**{**DEFAULT_DATA, "graphs": args.graphs,
                         "val_graphs": min(DEFAULT_DATA["val_graphs"], args.graphs - 1)})
    graphs = training_graphs(mix)
    truths = training_graphs(dataclasses.replace(mix, unlabel_traceless=False))
    try:
        cresci = load_cresci()
    except Exception as exc:  # noqa: BLE001 (absent data is reported, not fatal)
        print(f"Cresci-2015 absent ({exc}): the training data only")
        cresci = None
    print(render(tally(graphs, truths, cresci)))


if __name__ == "__main__":
    main()
