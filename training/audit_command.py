"""``ffd audit GRAPH``: the audit of a graph file's target on the command line.

The answer is the one ``POST /v1/audit`` sends, computed by the same code
(``models.auditing.audit_answer``): as JSON (``--json``, to stdout or ``--out FILE``) or
as a readable summary (the default): quality score, shares, bursts, campaigns, the most
suspicious followers with their reasons, and the warnings.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import click

from detector.audit import AuditConfig
from detector.errors import DetectorError
from detector.io import atomic_write

#: Most suspicious followers listed at most (as ``POST /v1/audit?limit=``).
MAX_LIMIT = 1_000


def run_audit(graph_path: str | os.PathLike, model_dir: str | os.PathLike | None = None,
              limit: int = AuditConfig.top) -> dict[str, Any]:
    """The audit answer of the graph file's target.

    Args:
        graph_path: any graph file or directory, or a data-set name
            (``training.datasets.load_any``).
        model_dir: the model; ``models.paths.default_model_dir()`` when omitted.
        limit: most suspicious followers listed.

    Raises:
        DetectorError: no usable model there (the message says how to get one), or the
            graph is invalid or cannot be audited.
    """
    from models.auditing import audit_answer
    from models.estimator import FollowerClassifier
    from models.paths import default_model_dir
    from training.datasets import load_any

    directory = Path(model_dir) if model_dir is not None else default_model_dir()
    if not directory.exists():
        raise DetectorError(f"no model at {directory}: run `ffd default-model` to train the "
                            "default one, or pass --model DIR")
    classifier = FollowerClassifier.load(directory)
    if "genuine" not in classifier.classes_:
        raise DetectorError(f"the model at {directory} has classes {classifier.classes_}, "
                            "no 'genuine' class, so it cannot audit an audience")
    return audit_answer(load_any(graph_path), classifier, AuditConfig(top=limit))


def summary(answer: dict[str, Any]) -> str:
    """The answer as text, one section per part."""
    q, shares = answer["quality"], answer["shares"]
    lines = [f"Audit of {answer['target']}: {answer['followers_analysed']:,} followers "
             f"analysed, {answer['former_followers']:,} former followers; model "
             f"{answer['model']['id']} ({answer['model']['version']})",
             f"Audience quality: {q['score']:.1f} / 100 ({q['confidence']:.0%} interval "
             f"{q['low']:.1f}-{q['high']:.1f}; {q['definition']})",
             "Shares: " + ", ".join(f"{_name(c)} {_pct(s['share'])} ({_pct(s['low'])}-"
                                    f"{_pct(s['high'])})" for c, s in shares.items())]
    lines.append(f"Follow bursts: {len(answer['bursts'])}")
    for b in answer["bursts"]:
        lines.append(f"  {_when(b['start'])} to {_when(b['end'])} UTC: {b['follows']:,} follows "
                     f"where {b['expected']} were expected; {_mix(b['shares'])}"
                     + ("; times estimated" if b["estimated"] else ""))
    lines.append(f"Campaigns: {len(answer['campaigns'])}")
    for c in answer["campaigns"]:
        arrived = ("" if c["arrived_from"] is None else
                   f", arrived {c['arrived_from'][:10]} to {c['arrived_to'][:10]}"
                   + (" (estimated)" if c["estimated"] else ""))
        lines.append(f"  ranks {c['rank_from']:,}-{c['rank_to']:,}: {c['size']:,} followers "
                     f"created {c['created_from'][:10]} to {c['created_to'][:10]}{arrived}; "
                     f"model calls {_pct(c['bought_share'])} bought; false-alarm rate "
                     f"{c['false_alarm_rate']:.2g}")
    top = answer["suspicious_followers"]
    lines.append(f"Most suspicious followers: {len(top)}")
    for f in top:
        lines.append(f"  {f['id']}  {_name(f['label'])}  suspicion {f['suspicion']:.3f}: "
                     + "; ".join(f["reasons"]))
    lines.append(f"Warnings: {len(answer['warnings'])}")
    lines += [f"  {w['path']}: {w['message']}" for w in answer["warnings"]]
    return "\n".join(lines)


def _name(cls: str) -> str:
    return {"mass_follow": "mass follower"}.get(cls, cls)


def _pct(share: float) -> str:
    return f"{share * 100:.1f}%"


def _when(iso: str) -> str:
    return iso.replace("T", " ")[:16]


def _mix(shares: dict[str, float]) -> str:
    return ", ".join(f"{_name(c)} {_pct(v)}" for c, v in shares.items())





@click.command("audit")
@click.argument("graph")
@click.option("--model", "model_dir", type=click.Path(file_okay=False), default=None,
              help="Model directory [default: $FFD_MODEL_DIR or var/models/default].")
@click.option("--limit", type=click.IntRange(0, MAX_LIMIT), default=AuditConfig.top,
              show_default=True, help="Most suspicious followers to list.")
@click.option("--json", "as_json", is_flag=True, help="Print the API's JSON answer.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write the output to this file instead of stdout (atomically).")
def audit_command(graph: str, model_dir: str | None, limit: int, as_json: bool,
                  out: Path | None) -> None:
    """Audit the audience of GRAPH's target (the answer of POST /v1/audit)."""
    import orjson

    answer = run_audit(graph, model_dir, limit)
    data = (orjson.dumps(answer, option=orjson.OPT_SERIALIZE_NUMPY) if as_json
            else summary(answer).encode())
    if out is None:
        click.echo(data.decode())
    else:
        atomic_write(Path(out), data + b"\n")
        click.echo(f"wrote {out}", err=True)
