"""API keys: generated here, shown once, stored as a SHA-256 hash.

A key is `lsk_` + 43 URL-safe characters (32 random bytes). Its first 12 characters are kept in
clear as the lookup prefix; the rest is only ever compared as a hash, in constant time. A plain
hash is enough (no salt or slow KDF) because the secret is 256 random bits, not a password.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal, get_args

from cachetools import TTLCache
from sqlmodel import Session

from app.repositories import keys as key_repo

Role = Literal["app", "reviewer"]
ROLES: tuple[Role, ...] = get_args(Role)
KEY_PREFIX = "lsk_"
_PREFIX_LEN = 12


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is calling: the key's name (recorded on what they write) and role."""

    name: str
    role: Role

    def can(self, role: Role) -> bool:
        # A reviewer can do everything the app can.
        return self.role == "reviewer" or role == self.role


LOCAL = Principal(name="local", role="reviewer")


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def create_key(session: Session, *, name: str, role: Role) -> str:
    """Stores a new key and returns it in clear: the only time it can be seen."""
    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}")
    if key_repo.by_name(session, name) is not None:
        raise ValueError(f"a key named {name!r} exists")
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    key_repo.add(session, name=name, role=role, prefix=key[:_PREFIX_LEN], key_hash=hash_key(key))
    session.commit()
    return key


def authenticate(session: Session, key: str) -> Principal | None:
    if not key.startswith(KEY_PREFIX) or len(key) < _PREFIX_LEN + 8:
        return None
    try:
        row = key_repo.by_prefix(session, key[:_PREFIX_LEN])
        if row is None or not hmac.compare_digest(row.key_hash, hash_key(key)):
            return None
        role: Role = "reviewer" if row.role == "reviewer" else "app"
        return Principal(name=row.name, role=role)
    finally:
        # A read-only look-up: end its transaction so the connection goes back to the pool
        # now, not when a scan's OCR (seconds) is over; under load, held connections starved
        # other requests into pool timeouts.
        session.rollback()


class VerifiedKeys:
    """Keys that passed `authenticate` in the last `ttl_s` seconds, so that most requests skip
    the database (a lookup costs more than the rest of a text-scoring request). Keyed by the
    key's hash: the clear key is not kept. Used from the event loop only (not thread-safe)."""

    def __init__(self, ttl_s: float, maxsize: int = 10_000) -> None:
        self._cache: TTLCache[str, Principal] | None = (
            TTLCache(maxsize=maxsize, ttl=ttl_s) if ttl_s > 0 else None
        )

    def get(self, key: str) -> Principal | None:
        return None if self._cache is None else self._cache.get(hash_key(key))

    def put(self, key: str, who: Principal) -> None:
        if self._cache is not None:
            self._cache[hash_key(key)] = who


def revoke_key(session: Session, name: str) -> bool:
    """Marks the named key revoked (kept, so what its holder wrote stays attributed); False
    when there is no such key or it was revoked already."""
    row = key_repo.by_name(session, name)
    if row is None or row.revoked_at is not None:
        return False
    row.revoked_at = datetime.now(UTC)
    session.add(row)
    session.commit()
    return True
