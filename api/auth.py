"""Optional API key for the scoring endpoints.

When ``API_KEY`` is configured (``FFD_API_KEY``), requests must carry it in
``X-API-Key`` or as ``Authorization: Bearer <key>``. The comparison is
``hmac.compare_digest`` of the two keys' SHA-256 digests: constant time, so response
timing leaks nothing about the key, not even its length. Without a configured key the
endpoints are open.
"""

from __future__ import annotations

import hashlib
import hmac

from flask import Blueprint, current_app, request

from api.problems import Problem


def presented_key() -> str | None:
    """The key the client sent, if any."""
    key = request.headers.get("X-API-Key")
    if key is None:
        scheme, _, value = request.headers.get("Authorization", "").partition(" ")
        key = value.strip() if scheme.lower() == "bearer" and value.strip() else None
    return key


def keys_match(given: str, expected: str) -> bool:
    """Constant-time comparison of two keys (of any lengths)."""
    return hmac.compare_digest(hashlib.sha256(given.encode()).digest(),
                               hashlib.sha256(expected.encode()).digest())


def check_api_key() -> None:
    """Raise a 401 problem unless the configured key (if any) was presented."""
    expected = current_app.config.get("API_KEY")
    if not expected:
        return
    given = presented_key()
    if given is None or not keys_match(given, str(expected)):
        raise Problem("unauthorized",
                      "no API key given" if given is None else "the API key is not valid",
                      headers={"WWW-Authenticate": 'Bearer realm="ffd"'})


def protect(blueprint: Blueprint) -> Blueprint:
    """Require the API key on every route of ``blueprint``."""
    blueprint.before_request(check_api_key)
    return blueprint
