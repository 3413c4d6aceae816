"""api.worker: gunicorn's own refusals written as problem details."""

from __future__ import annotations

import socket

import pytest

from api.worker import write_problem
from tests.api.raw_http import read_answer


def _written(status: int, reason: str, mesg: str) -> tuple[str, dict, dict]:
    a, b = socket.socketpair()
    with a, b:
        write_problem(a, status, reason, mesg)
        a.shutdown(socket.SHUT_WR)
        return read_answer(b)


@pytest.mark.parametrize("status, reason", [(400, "Bad Request"), (414, "URI Too Long"),
                                            (431, "Request Header Fields Too Large")])
def test_a_refused_request_is_a_bad_request_problem_with_gunicorns_status(status, reason):
    line, headers, body = _written(status, reason, "Invalid Content-Length 'ten'")
    assert line == f"HTTP/1.1 {status} {reason}"
    assert headers["content-type"] == "application/problem+json"
    assert headers["connection"] == "close"
    assert body == {"type": "/docs#problem-bad-request", "title": reason.lower(),
                    "status": status, "detail": "Invalid Content-Length 'ten'",
                    "instance": None, "errors": []}


def test_an_error_on_our_side_is_an_internal_error_problem():
    line, _, body = _written(500, "Internal Server Error", "")
    assert line == "HTTP/1.1 500 Internal Server Error"
    assert body["type"] == "/docs#problem-internal-error" and body["status"] == 500
    assert body["detail"] == "the server failed to answer this request"
