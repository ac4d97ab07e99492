"""Photos, content-addressed: the key is the SHA-256 of the bytes, so a photo is stored once
however many scans send it."""

from __future__ import annotations

import hashlib

from sqlalchemy import delete, func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from app.db.models import Blob, ScanImage


def put(session: Session, data: bytes, media_type: str) -> str:
    """Stores the bytes unless a blob with the same hash exists; returns the hash."""
    digest = hashlib.sha256(data).hexdigest()
    if session.exec(select(col(Blob.sha256)).where(col(Blob.sha256) == digest)).first():
        return digest
    try:
        # A savepoint: two requests racing to store the same photo must not fail either.
        with session.begin_nested():
            session.add(Blob(sha256=digest, size=len(data), media_type=media_type, data=data))
    except IntegrityError:
        pass
    return digest


def get(session: Session, digest: str) -> Blob | None:
    return session.get(Blob, digest)


def info(session: Session, digest: str) -> tuple[str, int] | None:
    """(media type, size) without loading the bytes."""
    row = session.exec(
        select(col(Blob.media_type), col(Blob.size)).where(col(Blob.sha256) == digest)
    ).first()
    return None if row is None else (row[0], row[1])


def count(session: Session) -> int:
    return int(session.exec(select(func.count()).select_from(Blob)).one())


def delete_unreferenced(session: Session) -> int:
    """Deletes photos no scan shows any more."""
    used = select(col(ScanImage.blob_sha256))
    result = session.execute(delete(Blob).where(col(Blob.sha256).not_in(used)))
    return int(getattr(result, "rowcount", 0) or 0)
