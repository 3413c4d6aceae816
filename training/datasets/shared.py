"""Where the shared real data sets live: ``../shared/data`` or ``$FFD_DATA_DIR``."""

from __future__ import annotations

import os
from pathlib import Path

#: Environment variable naming the directory that holds the data sets (``cresci-2015/``
#: and friends). ``FFD_SHARED_DATA`` is accepted as an alias.
DATA_ENV = "FFD_DATA_DIR"
DATA_ENV_ALIASES = ("FFD_SHARED_DATA",)

_PROJECT_ROOT = Path(__file__).resolve().parents[2]


def data_root() -> Path:
    """The directory holding the shared data sets.

    ``$FFD_DATA_DIR`` (or ``$FFD_SHARED_DATA``) when set, else ``../shared/data`` beside
    the project root. The directory may not exist; callers check and skip with a reason.
    """
    for name in (DATA_ENV, *DATA_ENV_ALIASES):
        value = os.environ.get(name)
        if value:
            return Path(value).expanduser()
    return _PROJECT_ROOT.parent / "shared" / "data"
