"""``ffd train --labels [--promote]``: the command-line side of ``training.retrain``.

Exit status 0 when the candidate was saved (and, with ``--promote``, is live), 1 when
``--promote`` found it not better (the live model keeps serving), 2 on errors (too few
labels, no store, the server refused or did not answer: ``training.cli``).
"""

from __future__ import annotations

import sys

import click


def run_retrain(*, out: str | None, progress: bool, seed: int, database: str | None,
                base: str | None, holdout: float, min_holdout: int, min_gain: float,
                sim_graphs: int, sim_accounts: int, tune_epochs: int, tune_lr: float,
                label_weight: float, promote: bool, server: str,
                admin_key: str | None) -> None:
    """Build the configs from the options, retrain, report and maybe promote."""
    from models.finetune import FineTuneConfig
    from training.holdout import HoldoutConfig
    from training.retrain import NotPromoted, RetrainConfig, report, retrain_from_labels
    from training.retrain import promote as promote_candidate
    from training.server_client import ServerError, reload_model

    try:
        config = RetrainConfig(
            database=database, base=base, out=out, sim_graphs=sim_graphs,
            sim_accounts=sim_accounts,
            holdout=HoldoutConfig(fraction=holdout, min_holdout=min_holdout, seed=seed,
                                  min_gain=min_gain),
            tune=FineTuneConfig(epochs=tune_epochs, lr=tune_lr, label_weight=label_weight,
                                seed=seed))
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None
    log = click.echo if progress else (lambda _: None)
    outcome = retrain_from_labels(config, log=log)
    click.echo(report(outcome.comparison))
    click.echo(f"candidate: {outcome.directory}")
    if not promote:
        return
    try:
        answer = promote_candidate(outcome, lambda d: reload_model(server, d, admin_key))
    except NotPromoted as exc:
        click.echo(str(exc), err=True)
        sys.exit(1)
    except ServerError as exc:
        raise ServerError(f"{exc}. The candidate is better but not live; it is saved in "
                          f"{outcome.directory}: promote it with POST /v1/admin/reload "
                          f'{{"model_dir": "{outcome.directory}"}}') from None
    previous = (answer.get("previous") or {}).get("id")
    click.echo(f"promoted: {server} now serves {answer['model']['id']} "
               f"({answer['model']['version']}); previous {previous}; undo with "
               f"POST /v1/admin/rollback")
