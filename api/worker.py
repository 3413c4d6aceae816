"""The gunicorn worker ``ffd serve`` runs: gunicorn's sync worker, whose own refusals
come in the API's one error shape.

gunicorn answers some requests before the app sees them: a request line it cannot read,
a ``Content-Length`` that is not a number, headers past its limits, an unknown transfer
coding. It words and logs each (``Worker.handle_error``) and writes it as an HTML page
through ``gunicorn.util.write_error``. In this worker that writer is
``write_problem``: the same status and wording, as ``application/problem+json``
(``api.problems``), so a client parses every error the same way.
"""

from __future__ import annotations

import orjson
from gunicorn import util
from gunicorn.workers.sync import SyncWorker

from api.problems import PROBLEM_JSON, Problem


def write_problem(sock, status_int: int, reason: str, mesg: str) -> None:
    """gunicorn's ``util.write_error``, answering with problem details."""
    if status_int == 500:  # an error on our side, whatever gunicorn caught
        problem = Problem("internal-error", mesg or "the server failed to answer this request")
    else:
        problem = Problem("bad-request", mesg, status=status_int, title=reason.lower())
    body = orjson.dumps(problem.to_dict())
    head = (f"HTTP/1.1 {status_int} {reason}\r\nConnection: close\r\n"
            f"Content-Type: {PROBLEM_JSON}\r\nContent-Length: {len(body)}\r\n\r\n")
    util.write_nonblock(sock, head.encode("latin-1") + body)


class ProblemWorker(SyncWorker):
    """``SyncWorker`` with ``write_problem`` as the error writer of its process."""

    def init_process(self) -> None:
        # gunicorn's handle_error looks the writer up on ``gunicorn.util`` at each call;
        # this runs in the worker after the fork, so only this worker's process changes.
        util.write_error = write_problem
        super().init_process()
