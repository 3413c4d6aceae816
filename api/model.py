"""The loaded model, held once per process and handed to requests.

``ModelStore.init_app`` loads ``MODEL_DIR`` when the app is created (in each gunicorn
worker, after the fork: torch misbehaves when a loaded model crosses a fork). A missing
or refused directory does not stop the app: it starts, ``/readyz`` answers 503 and the
scoring endpoints answer 503 problem details saying why.

The current model is one immutable ``LoadedModel`` behind one attribute, so replacing it
(``ModelStore.load``, which a reload endpoint can call) is a single reference swap: a
request takes the reference once and finishes on that model.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Flask, current_app

from api.problems import Problem
from detector.errors import DetectorError

log = logging.getLogger(__name__)
EXTENSION = "ffd_model"


@dataclass(frozen=True)
class LoadedModel:
    """A classifier and where it came from."""

    classifier: Any  # models.estimator.FollowerClassifier (imported lazily: torch)
    directory: str
    loaded_at: str

    @property
    def classes(self) -> tuple[str, ...]:
        return tuple(self.classifier.classes_)

    @property
    def info(self) -> dict[str, str]:
        """``{id, version}`` as every scoring response names the model."""
        from models.auditing import model_ref

        return model_ref(self.classifier)


class ModelStore:
    """Loads the model once and serves the current one to requests."""

    def __init__(self, app: Flask | None = None) -> None:
        self.current: LoadedModel | None = None
        self.error: str | None = None
        self._lock = threading.Lock()  # serialises loads, never reads
        if app is not None:
            self.init_app(app)

    def init_app(self, app: Flask) -> None:
        app.extensions[EXTENSION] = self
        directory = app.config.get("MODEL_DIR")
        if directory is None:
            from models.paths import default_model_dir

            directory = default_model_dir()
        try:
            self.load(directory)
        except DetectorError as exc:
            self.error = str(exc)
            log.warning("no model loaded: %s", exc)

    def load(self, directory: str | os.PathLike,
             check: Callable[[LoadedModel], None] | None = None) -> LoadedModel:
        """Load ``directory`` fully, then make it current; on failure keep the old one.

        Args:
            directory: the model directory.
            check: called with the loaded model before the swap; raising refuses it.

        Raises:
            ModelFileError: the directory is missing or refused (the reason names the file).
        """
        from models.estimator import FollowerClassifier

        with self._lock:
            classifier = FollowerClassifier.load(directory)
            loaded = LoadedModel(classifier, os.fspath(directory),
                                 time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()))
            if check is not None:
                check(loaded)
            self.current, self.error = loaded, None
            log.info("model %s loaded from %s", loaded.info["id"], directory)
            return loaded

    def get(self) -> LoadedModel:
        """The current model, or a 503 problem when there is none."""
        loaded = self.current
        if loaded is None:
            raise Problem("model-unavailable", self.error or "no model has been loaded")
        return loaded


def current_model() -> LoadedModel:
    """The model of the app handling this request (503 problem when none)."""
    return current_app.extensions[EXTENSION].get()
