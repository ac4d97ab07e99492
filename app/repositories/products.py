"""Products: lookup by id and UPC, paged search over name, brand and UPC."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, or_
from sqlmodel import Session, col, select

from app.db.models import Product


def add(session: Session, product: Product) -> Product:
    session.add(product)
    session.flush()
    return product


def get(session: Session, product_id: int) -> Product | None:
    return session.get(Product, product_id)


def by_upc(session: Session, upc: str) -> Product | None:
    return session.exec(
        select(Product).where(col(Product.upc) == upc).order_by(col(Product.id))
    ).first()


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def search(
    session: Session, *, q: str | None, upc: str | None, limit: int, offset: int
) -> tuple[Sequence[Product], int]:
    """Newest first. `q` matches a substring of name, brand or UPC, case-insensitively."""
    conditions = []
    if upc:
        conditions.append(col(Product.upc) == upc)
    if q:
        pattern = f"%{_escape_like(q.lower())}%"
        conditions.append(
            or_(
                func.lower(col(Product.name)).like(pattern, escape="\\"),
                func.lower(col(Product.brand)).like(pattern, escape="\\"),
                col(Product.upc).like(pattern, escape="\\"),
            )
        )
    total = session.exec(select(func.count()).select_from(Product).where(*conditions)).one()
    items = session.exec(
        select(Product)
        .where(*conditions)
        .order_by(col(Product.id).desc())
        .limit(limit)
        .offset(offset)
    ).all()
    return items, int(total)
