"""Where the default model lives: ``$FFD_MODEL_DIR``, else ``var/models/default``
relative to the working directory (where ``make serve`` runs)."""

from __future__ import annotations

import os
from pathlib import Path

#: Environment variable that points the CLI and the API at another model directory.
MODEL_DIR_ENV = "FFD_MODEL_DIR"
DEFAULT_MODEL_DIR = Path("var") / "models" / "default"


def default_model_dir() -> Path:
    """The model directory the CLI and the API use when none is given."""
    value = os.environ.get(MODEL_DIR_ENV, "").strip()
    return Path(value) if value else DEFAULT_MODEL_DIR
