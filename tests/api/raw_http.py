"""Read a raw HTTP/1.1 answer off a socket, for the tests that send bytes no client
library would send (gunicorn's own refusals, ``api.worker``)."""

from __future__ import annotations

import json
import socket


def read_answer(sock: socket.socket) -> tuple[str, dict[str, str], dict]:
    """The status line, the headers (names in lower case) and the JSON body, read until
    the other side closes; the body must be as long as its ``Content-Length`` says."""
    data = b""
    while chunk := sock.recv(65_536):
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {k.lower(): v for k, v in (line.split(": ", 1) for line in lines[1:])}
    assert int(headers["content-length"]) == len(body), (headers, body)
    return lines[0], headers, json.loads(body)
