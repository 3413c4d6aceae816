"""Markdown pieces the performance report is written with (``benchmarks.perf.report``
and ``benchmarks.perf.report_ray``)."""

from __future__ import annotations

from typing import Any


def table(header: list[str], rows: list[list[Any]]) -> list[str]:
    out = ["| " + " | ".join(header) + " |", "|" + "|".join("---:" for _ in header) + "|"]
    out += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return out


def n(value: float) -> str:
    return f"{value:,.0f}"


def gb(mb: float) -> str:
    return f"{mb / 1024:.2f}"


def met(ok: bool) -> str:
    return "met" if ok else "**missed**"
