"""API keys and their roles.

Keys are sent in ``X-API-Key`` or as ``Authorization: Bearer <key>``. Roles, weakest
first: ``read`` (predict, audit, snapshots, history, listing labels), ``label`` (also
posting labels), ``admin`` (also reload and rollback); each role may do what the weaker
ones may. Where a key comes from:

- stored keys (``ffd keys create NAME --role ROLE``), checked by ``store.keys``;
- ``API_KEY`` (``FFD_API_KEY``), the original single key: an admin key when it is the
  only key configured in the environment; when ``ADMIN_KEY`` is set too, it has the
  ``label`` role and only ``ADMIN_KEY`` administers (as before: whoever may score may not
  replace the model);
- ``ADMIN_KEY`` (``FFD_ADMIN_KEY``): an admin key.

Without ``API_KEY`` and without live stored keys the server is open for reading and
labelling (the caller is ``anonymous``), as it was without ``FFD_API_KEY``; the admin
endpoints then need ``ADMIN_KEY`` and are disabled (404) without it. Environment keys are
compared as ``hmac.compare_digest`` of SHA-256 digests: constant time, no length leak.
A key that is valid but lacks the role gets 403; a missing or unknown key 401.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass

from flask import Blueprint, current_app, g, request

from api.problems import Problem
from api.store import optional_store

ROLES = ("read", "label", "admin")
_ENV_KEYS = (("ADMIN_KEY", "FFD_ADMIN_KEY"), ("API_KEY", "FFD_API_KEY"))


@dataclass(frozen=True)
class Caller:
    """Who sent the request (a key's name) and its role."""

    name: str
    role: str

    def allows(self, role: str) -> bool:
        return ROLES.index(self.role) >= ROLES.index(role)


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


def _env_callers() -> list[tuple[str, Caller]]:
    config = current_app.config
    admin, single = config.get("ADMIN_KEY"), config.get("API_KEY")
    out = []
    if admin:
        out.append((str(admin), Caller("FFD_ADMIN_KEY", "admin")))
    if single:
        out.append((str(single), Caller("FFD_API_KEY", "label" if admin else "admin")))
    return out


def _stored(given: str | None) -> tuple[bool, Caller | None]:
    """``(any live stored key, the stored key matching given)``."""
    store = optional_store()
    if store is None:
        return False, None
    from store.keys import any_live_key, verify_key

    with store.read() as session:
        holder = verify_key(session, given) if given else None
        if holder is not None:
            return True, Caller(holder.name, holder.role)
        return any_live_key(session), None


def caller() -> Caller | None:
    """Who sent this request (cached per request): a valid key's holder; ``anonymous``
    (role ``label``) on a server open for reading, which ignores unknown keys; None when
    the server wants a key and no valid one was sent."""
    if "ffd_caller" in g:
        return g.ffd_caller
    given = presented_key()
    found = next((who for key, who in _env_callers()
                  if given is not None and keys_match(given, key)), None)
    if found is None:
        any_stored, found = _stored(given)
        if found is None and not current_app.config.get("API_KEY") and not any_stored:
            found = Caller("anonymous", "label")
    g.ffd_caller = found
    return found


def keys_configured() -> bool:
    """Whether reading needs a key here (``FFD_API_KEY`` or a live stored key)."""
    return bool(current_app.config.get("API_KEY")) or _stored(None)[0]


def require(role: str) -> Caller:
    """The caller, if its key has ``role``; else raise 401 (no or unknown key), 403 (a
    valid key without the role) or 404 (admin, on a server without admin keys)."""
    who = caller()
    if who is not None and who.allows(role):
        return who
    given = presented_key()
    what = "admin key" if role == "admin" else "API key"
    if who is None or current_app.config.get("ADMIN_KEY") and who.name == "anonymous":
        raise Problem("unauthorized",
                      "no API key given" if given is None else f"the {what} is not valid",
                      headers={"WWW-Authenticate": 'Bearer realm="ffd"'})
    if who.name == "anonymous":
        raise Problem("not-found", "the admin endpoints are disabled on this server (no "
                                   "FFD_ADMIN_KEY configured and no admin key created with "
                                   "`ffd keys create NAME --role admin`)")
    raise Problem("forbidden", f"the key {who.name!r} has the role {who.role}; this needs "
                               f"the role {role}")


def check_api_key() -> None:
    """Raise unless the caller may read (score, audit, see history)."""
    require("read")


def protect(blueprint: Blueprint, role: str = "read") -> Blueprint:
    """Require ``role`` on every route of ``blueprint``."""
    blueprint.before_request(lambda: require(role) and None)
    return blueprint
