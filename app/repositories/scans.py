"""Scans and the photos they read."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete as sa_delete
from sqlmodel import Session, col, select

from app.db.models import Scan, ScanImage


def add(session: Session, scan: Scan, image_hashes: Sequence[str]) -> Scan:
    session.add(scan)
    session.flush()
    assert scan.id is not None
    for position, digest in enumerate(image_hashes):
        session.add(ScanImage(scan_id=scan.id, position=position, blob_sha256=digest))
    session.flush()
    return scan


def get(session: Session, scan_id: int) -> Scan | None:
    return session.get(Scan, scan_id)


def images(session: Session, scan_id: int) -> Sequence[ScanImage]:
    return session.exec(
        select(ScanImage).where(col(ScanImage.scan_id) == scan_id).order_by(col(ScanImage.position))
    ).all()


def of_product(session: Session, product_id: int) -> Sequence[Scan]:
    return session.exec(
        select(Scan).where(col(Scan.product_id) == product_id).order_by(col(Scan.id))
    ).all()


def ids_created_before(session: Session, cutoff: datetime) -> list[int]:
    rows = session.exec(select(col(Scan.id)).where(col(Scan.created_at) < cutoff)).all()
    return [i for i in rows if i is not None]


def delete(session: Session, scan_ids: Sequence[int]) -> int:
    """Deletes the scans and their photo rows (not the photos: other scans may share them)."""
    if not scan_ids:
        return 0
    session.execute(sa_delete(ScanImage).where(col(ScanImage.scan_id).in_(scan_ids)))
    result = session.execute(sa_delete(Scan).where(col(Scan.id).in_(scan_ids)))
    return int(getattr(result, "rowcount", 0) or 0)
