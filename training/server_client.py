"""The one place where ``ffd`` talks to a running server over HTTP (standard library
only): asking it to load a model through its checked, atomic reload."""

from __future__ import annotations

import os
import urllib.error
import urllib.request

import orjson

from detector.errors import DetectorError

#: Environment variable holding the admin key the CLI presents (as the server's own).
ADMIN_KEY_ENV = "FFD_ADMIN_KEY"
DEFAULT_SERVER = "http://127.0.0.1:8000"


class ServerError(DetectorError):
    """The server did not answer, or refused."""


def reload_model(server: str, directory: str | os.PathLike, key: str | None,
                 timeout: float = 120.0) -> dict:
    """``POST {server}/v1/admin/reload`` with ``{"model_dir": directory}``; the server's
    answer (``status``, ``model``, ``previous``, ...).

    Raises:
        ServerError: no answer, or an error answer (its problem ``detail`` is quoted).
    """
    url = server.rstrip("/") + "/v1/admin/reload"
    headers = {"Content-Type": "application/json"}
    if key:
        headers["X-API-Key"] = key
    body = orjson.dumps({"model_dir": os.fspath(directory)})
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return orjson.loads(response.read())
    except urllib.error.HTTPError as exc:
        try:
            detail = orjson.loads(exc.read()).get("detail", "")
        except (ValueError, AttributeError):
            detail = ""
        hint = " (give the admin key: --admin-key or $FFD_ADMIN_KEY)" \
            if exc.code in (401, 403, 404) else ""
        raise ServerError(f"{url} answered {exc.code}: {detail or exc.reason}{hint}") from None
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise ServerError(f"no answer from {url}: {reason}") from None
