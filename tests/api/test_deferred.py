"""api.deferred: what a request keeps with ``release_later`` lives until its response
has been sent (closed), and no longer."""

from __future__ import annotations

import gc
import weakref

import pytest
from flask import Flask

from api import deferred, problems
from api.deferred import release_later
from api.problems import Problem


class Held:
    """Something weakly referenceable to watch."""


@pytest.fixture
def app():
    app = Flask(__name__)
    app.config["TESTING"] = True
    deferred.init_app(app)
    refs: list[weakref.ref] = []

    @app.get("/keep")
    def keep():
        obj = Held()
        refs.append(weakref.ref(obj))
        release_later(obj)
        return "ok"

    @app.get("/fail")
    def fail():
        obj = Held()
        refs.append(weakref.ref(obj))
        release_later(obj)
        raise Problem("bad-request", "refused")

    app.refs = refs
    problems.init_app(app)
    return app


def test_kept_until_the_response_is_closed(app):
    gc.disable()  # only reference counts may free it
    try:
        response = app.test_client().get("/keep", buffered=False)
        assert response.status_code == 200
        assert app.refs[0]() is not None  # the response is not closed yet
        response.close()
        assert app.refs[0]() is None
    finally:
        gc.enable()


def test_released_after_an_error_response(app):
    gc.disable()
    try:
        response = app.test_client().get("/fail", buffered=False)
        assert response.status_code == 400
        assert app.refs[0]() is not None
        response.close()
        assert app.refs[0]() is None
    finally:
        gc.enable()


def test_buffered_response_releases_at_once(app):
    app.test_client().get("/keep")  # the test client reads and closes the response
    assert app.refs[0]() is None
