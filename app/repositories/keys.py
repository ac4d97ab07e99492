"""API keys: stored by hash, found by prefix."""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import Session, col, select

from app.db.models import ApiKey


def add(session: Session, *, name: str, role: str, prefix: str, key_hash: str) -> ApiKey:
    key = ApiKey(name=name, role=role, prefix=prefix, key_hash=key_hash)
    session.add(key)
    session.flush()
    return key


def by_prefix(session: Session, prefix: str) -> ApiKey | None:
    return session.exec(
        select(ApiKey).where(col(ApiKey.prefix) == prefix, col(ApiKey.revoked_at).is_(None))
    ).first()


def by_name(session: Session, name: str) -> ApiKey | None:
    return session.exec(select(ApiKey).where(col(ApiKey.name) == name)).first()


def all_keys(session: Session) -> Sequence[ApiKey]:
    return session.exec(select(ApiKey).order_by(col(ApiKey.name))).all()
