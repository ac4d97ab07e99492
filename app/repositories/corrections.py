"""Reviewers' corrections: appended, never edited."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlmodel import Session, col, select

from app.db.models import Correction


def add(session: Session, *, product_id: int, author: str, diff: dict[str, Any]) -> Correction:
    correction = Correction(product_id=product_id, author=author, diff=diff)
    session.add(correction)
    session.flush()
    return correction


def of_product(session: Session, product_id: int) -> Sequence[Correction]:
    return session.exec(
        select(Correction)
        .where(col(Correction.product_id) == product_id)
        .order_by(col(Correction.id))
    ).all()
