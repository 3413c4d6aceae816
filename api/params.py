"""Query parameters, checked strictly: a bad value is a 400 naming the parameter."""

from __future__ import annotations

from flask import request

from api.problems import Problem
from detector.errors import Issue

_TRUE, _FALSE = ("true", "1", "yes"), ("false", "0", "no")


def _bad(name: str, message: str) -> Problem:
    return Problem("invalid-parameter", f"{name} {message}", errors=[Issue(name, message)])


def int_param(name: str, default: int, low: int, high: int) -> int:
    """Integer query parameter ``name`` in ``[low, high]``."""
    raw = request.args.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise _bad(name, f"must be an integer, got {raw[:40]!r}") from None
    if not low <= value <= high:
        raise _bad(name, f"must be between {low:,} and {high:,}, got {value:,}")
    return value


def bool_param(name: str, default: bool) -> bool:
    """Boolean query parameter ``name``: true/false, 1/0 or yes/no."""
    raw = request.args.get(name)
    if raw is None:
        return default
    if raw.lower() in _TRUE:
        return True
    if raw.lower() in _FALSE:
        return False
    raise _bad(name, f"must be true or false, got {raw[:40]!r}")
