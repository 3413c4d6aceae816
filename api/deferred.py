"""Freeing a request's large temporaries after its response has been sent.

The decoded document of a 1,000-account audit is about 12,000 records holding some
37,000 strings; freeing them takes 0.7 to 1.1 ms, work the client need not wait for.
``release_later(obj)`` keeps a reference until the WSGI server closes the response,
which it does after the last byte is written, so the memory is freed then, still before
the worker takes its next request. This moves the work, it does not remove it: a
worker's throughput is the same.

Nothing is held past the response: a request that fails still gets a response (an
error's problem details), whose closing releases what was kept; and if a response is
never closed, the references go with the response object.
"""

from __future__ import annotations

from flask import Flask, Response, g


def release_later(*objects: object) -> None:
    """Keep ``objects`` alive until the current response has been sent."""
    g.setdefault("release_later", []).extend(objects)


def _hand_over(response: Response) -> Response:
    kept = g.pop("release_later", None)
    if kept:
        response.call_on_close(kept.clear)
    return response


def init_app(app: Flask) -> None:
    app.after_request(_hand_over)
