"""benchmarks.loadtest.send: a refusal the server sends before reading a large body is
read as an answer, not counted as a dropped connection; a silent close still raises."""

from __future__ import annotations

import http.client
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from benchmarks.loadtest import send

REFUSAL = (b"HTTP/1.1 413 Content Too Large\r\nContent-Type: application/json\r\n"
           b"Content-Length: 2\r\nConnection: close\r\n\r\n{}")


@contextmanager
def server_that(answer: bytes | None) -> Iterator[int]:
    """A one-request server on 127.0.0.1 that reads only the headers, sends ``answer``
    (nothing when None) and closes with the body unread: the kernel then resets the
    connection under a client still sending."""
    listener = socket.create_server(("127.0.0.1", 0))

    def serve() -> None:
        conn, _ = listener.accept()
        with conn:
            head = b""
            while b"\r\n\r\n" not in head:
                head += conn.recv(65536)
            if answer is not None:
                conn.sendall(answer)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield listener.getsockname()[1]
    finally:
        thread.join(10)
        listener.close()


def test_a_refusal_sent_before_the_body_is_read_is_the_answer() -> None:
    with server_that(REFUSAL) as port:
        status, seconds, _ = send(port, "application/json", b" " * (20 * 2**20))
    assert status == 413
    assert seconds > 0


def test_a_connection_closed_without_an_answer_still_raises() -> None:
    with server_that(None) as port, pytest.raises((OSError, http.client.HTTPException)):
        send(port, "application/json", b" " * (20 * 2**20))
