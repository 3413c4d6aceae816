"""Partitioned scoring: every stage of one part, and the order of a run (docs/scaling.md)."""

from training.partwise.run import Plan, plan_for, run, score_locally  # noqa: F401
