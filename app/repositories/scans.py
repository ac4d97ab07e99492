"""Scans and the photos they read."""

from __future__ import annotations

from collections.abc import Sequence

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
