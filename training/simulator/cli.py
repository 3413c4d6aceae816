"""``ffd generate``: write a simulated, labelled account graph to disk."""

from __future__ import annotations

import time

import click

from training.simulator.config import BEHAVIOURS, SimConfig

#: From this size on, each generation stage is reported as it finishes.
PROGRESS_FROM = 100_000
_DEFAULTS = SimConfig()


@click.command("generate")
@click.option("--accounts", type=click.IntRange(min=2), default=_DEFAULTS.accounts,
              show_default=True, help="Accounts in the graph (audit mode: target + audience).")
@click.option("--seed", type=int, default=_DEFAULTS.seed, show_default=True,
              help="Same seed and options give the same graph.")
@click.option("--difficulty", type=click.Choice(list(BEHAVIOURS)),
              default=_DEFAULTS.difficulty, show_default=True)
@click.option("--out", required=True, type=click.Path(dir_okay=True),
              help="*.json / *.json.gz for a document, anything else for a Parquet directory.")
@click.option("--audit-of", default=None, metavar="NAME",
              help="Make an audit graph: the target NAME (its id and user name) and its "
                   "audience.")
@click.option("--bought-share", type=click.FloatRange(0, 1), default=_DEFAULTS.bought_share,
              show_default=True, help="Share of bought followers (of the audience in audits).")
@click.option("--mass-share", type=click.FloatRange(0, 1), default=_DEFAULTS.mass_share,
              show_default=True, help="Share of mass followers (of the audience in audits).")
def generate_command(accounts: int, seed: int, difficulty: str, out: str, audit_of: str | None,
                     bought_share: float, mass_share: float) -> None:
    """Simulate a labelled account graph (docs/simulator.md) and write it to OUT."""
    from detector.io import save_graph
    from training.simulator.core import simulate

    try:
        config = SimConfig(accounts=accounts, seed=seed, difficulty=difficulty,
                           audit_of=audit_of, bought_share=bought_share, mass_share=mass_share)
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None
    start = time.perf_counter()
    report = (lambda msg: click.echo(f"  {msg}", err=True)) if accounts >= PROGRESS_FROM \
        else None
    graph = simulate(config, progress=report)
    if audit_of is not None and audit_of not in set(graph.accounts.ids.tolist()):
        # The simulator numbers every account (u0, u1, ...); the target answers to the
        # name given, so /v1/targets/NAME/snapshots takes the file as it is.
        graph.accounts.ids[graph.target] = audit_of
    made = time.perf_counter() - start
    path = save_graph(graph, out)
    total = time.perf_counter() - start
    target = f", target {graph.target_id}" if graph.target is not None else ""
    click.echo(f"wrote {path}: {graph.summary()}{target}; "
               f"simulated in {made:.1f}s, {total:.1f}s with writing")
