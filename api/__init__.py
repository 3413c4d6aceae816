"""The HTTP API: ``create_app`` builds the Flask app (see api/app.py and docs/api.md).

The re-export is lazy so that ``ffd`` (which registers ``ffd serve`` from ``api.serve``)
does not import Flask, numpy and pandas until a command needs them.
"""

from __future__ import annotations

from typing import Any

__all__ = ["DEFAULTS", "create_app"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from api import app

        return getattr(app, name)
    raise AttributeError(f"module 'api' has no attribute {name!r}")
