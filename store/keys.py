"""API keys with roles: created by ``ffd keys create``, kept hashed, checked per request.

A key reads ``ffd_<key id>_<secret>``: the key id (8 random bytes, hex) finds the row,
the secret (32 random bytes, URL-safe base64) is checked against its stored SHA-256 with
``hmac.compare_digest`` (constant time). Only the key id and the hash are stored; the
key is printed once. A fast hash is the right one here: the secret is 256 random bits,
not a password, so no guessing can succeed however fast each guess is, and a slow hash
(scrypt, bcrypt) would cost every request tens of milliseconds for nothing.

Roles, weakest first: ``read`` (audits, predictions, history), ``label`` (also labels),
``admin`` (also reload and roll back the model). Revoked keys stay listed.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import time
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from store.schema import ROLES, ApiKey

PREFIX = "ffd"
_SHAPE = re.compile(r"^ffd_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$")
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$")


@dataclass(frozen=True)
class KeyInfo:
    """Who holds a valid key, and what it may do."""

    name: str
    role: str

    def allows(self, role: str) -> bool:
        """Whether this key's role includes ``role``."""
        return ROLES.index(self.role) >= ROLES.index(role)


def _digest(secret: str) -> bytes:
    return hashlib.sha256(secret.encode()).digest()


def create_key(session: Session, name: str, role: str) -> str:
    """Create a key named ``name`` with ``role``; return the key (shown only now).

    Raises:
        ValueError: a bad name or role, or a name in use (revoked keys keep theirs).
    """
    if role not in ROLES:
        raise ValueError(f"role {role!r} is not one of {', '.join(ROLES)}")
    if not _NAME.match(name):
        raise ValueError(f"key name {name!r} must be 1-64 letters, digits or ._@- "
                         "(starting with a letter or digit)")
    if session.scalar(select(ApiKey.id).where(ApiKey.name == name)) is not None:
        raise ValueError(f"a key named {name!r} exists already (names are never reused)")
    key_id, secret = secrets.token_hex(8), secrets.token_urlsafe(32)
    session.add(ApiKey(name=name, role=role, key_id=key_id, secret_sha256=_digest(secret),
                       created_at=time.time()))
    session.flush()
    return f"{PREFIX}_{key_id}_{secret}"


def verify_key(session: Session, key: str) -> KeyInfo | None:
    """The holder of ``key`` if it is a live stored key, else None."""
    shape = _SHAPE.match(key)
    if shape is None:
        return None
    row = session.execute(select(ApiKey.name, ApiKey.role, ApiKey.secret_sha256)
                          .where(ApiKey.key_id == shape[1], ApiKey.revoked_at.is_(None))).first()
    if row is None or not hmac.compare_digest(bytes(row.secret_sha256), _digest(shape[2])):
        return None
    return KeyInfo(row.name, row.role)


def any_live_key(session: Session) -> bool:
    """Whether any stored key is not revoked (then every endpoint needs a key)."""
    return session.scalar(select(ApiKey.id).where(ApiKey.revoked_at.is_(None)).limit(1)) \
        is not None


def list_keys(session: Session) -> list[dict]:
    """Every key's name, role, key id and times (never a secret)."""
    rows = session.scalars(select(ApiKey).order_by(ApiKey.id))
    return [{"name": r.name, "role": r.role, "key_id": r.key_id, "created_at": r.created_at,
             "revoked_at": r.revoked_at} for r in rows]


def revoke_key(session: Session, name: str) -> bool:
    """Revoke the key ``name``; False when there is no such live key."""
    row = session.scalars(select(ApiKey).where(ApiKey.name == name,
                                               ApiKey.revoked_at.is_(None))).first()
    if row is None:
        return False
    row.revoked_at = time.time()
    return True
