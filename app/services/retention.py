"""Stored-scan retention: scans older than the retention period are deleted with their photo
rows, and then every photo no remaining scan shows. Products, their original and current
results and reviewers' corrections are never touched: they are the catalog, not uploads."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlmodel import Session

from app.repositories import blobs as blob_repo
from app.repositories import scans as scan_repo


@dataclass(frozen=True, slots=True)
class Pruned:
    cutoff: datetime
    scans: int
    photos: int


def cutoff_for(days: int, now: datetime | None = None) -> datetime:
    return (now or datetime.now(UTC)) - timedelta(days=days)


def prune_scans(session: Session, cutoff: datetime) -> Pruned:
    """Deletes scans created before `cutoff` and the photos left unused, in one transaction."""
    ids = scan_repo.ids_created_before(session, cutoff)
    scans = scan_repo.delete(session, ids)
    photos = blob_repo.delete_unreferenced(session)
    session.commit()
    return Pruned(cutoff=cutoff, scans=scans, photos=photos)
