"""Stored products: listing, detail, and reviewers' corrections."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlmodel import Session

from app.db.models import Product, utcnow
from app.problems import InvalidRequestError, NotFoundError
from app.repositories import corrections as correction_repo
from app.repositories import products as product_repo
from app.repositories import scans as scan_repo
from app.schemas.products import (
    CorrectionOut,
    ProductDetail,
    ProductPage,
    ProductPatch,
    ProductSummary,
    ScanRef,
)
from app.services.auth import Principal
from app.services.corrections import apply_patch, json_diff
from app.services.scoring import DEFAULT_PROFILE, recheck, score
from catalog.models import ScanResult


def aware(when: datetime) -> datetime:
    """SQLite hands back naive datetimes; everything stored is UTC."""
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def _summary(p: Product) -> ProductSummary:
    assert p.id is not None
    score_ = p.current_result.get("score") or {}
    return ProductSummary(
        id=p.id,
        name=p.name,
        brand=p.brand,
        upc=p.upc,
        source=p.source,
        score=score_.get("value"),
        grade=score_.get("grade"),
        created_at=aware(p.created_at),
        updated_at=aware(p.updated_at),
    )


def list_products(
    session: Session, *, q: str | None, upc: str | None, limit: int, offset: int
) -> ProductPage:
    items, total = product_repo.search(session, q=q, upc=upc, limit=limit, offset=offset)
    return ProductPage(items=[_summary(p) for p in items], total=total, limit=limit, offset=offset)


def _get(session: Session, product_id: int) -> Product:
    product = product_repo.get(session, product_id)
    if product is None:
        raise NotFoundError(f"no product {product_id}")
    return product


def detail(session: Session, product_id: int) -> ProductDetail:
    p = _get(session, product_id)
    assert p.id is not None
    corrections = [
        CorrectionOut(id=c.id or 0, author=c.author, created_at=aware(c.created_at), diff=c.diff)
        for c in correction_repo.of_product(session, p.id)
    ]
    scans = [
        ScanRef(
            id=s.id or 0,
            engine=s.engine,
            created_at=aware(s.created_at),
            created_by=s.created_by,
            url=f"/v1/scans/{s.id}",
        )
        for s in scan_repo.of_product(session, p.id)
    ]
    return ProductDetail(
        id=p.id,
        name=p.name,
        brand=p.brand,
        upc=p.upc,
        source=p.source,
        created_by=p.created_by,
        created_at=aware(p.created_at),
        updated_at=aware(p.updated_at),
        result=ScanResult.model_validate(p.current_result),
        original_result=ScanResult.model_validate(p.original_result),
        corrections=corrections,
        scans=scans,
    )


def correct(
    session: Session, product_id: int, patch: ProductPatch, who: Principal
) -> ProductDetail:
    """Applies a reviewer's patch to the current result, re-checks and re-scores it, and keeps
    who changed what and when. `original_result` is never touched."""
    p = _get(session, product_id)
    assert p.id is not None
    sent = patch.model_dump(mode="json", exclude_unset=True)
    if not sent or set(sent) == {"note"}:
        raise InvalidRequestError("the patch changes nothing")
    before = {"name": p.name, "brand": p.brand, "upc": p.upc, "result": p.current_result}
    result = apply_patch(ScanResult.model_validate(p.current_result), patch)
    result = score(recheck(result), DEFAULT_PROFILE)
    for field in ("name", "brand", "upc"):
        if field in patch.model_fields_set:
            setattr(p, field, getattr(patch, field))
    p.current_result = result.model_dump(mode="json")
    p.updated_at = utcnow()
    after = {"name": p.name, "brand": p.brand, "upc": p.upc, "result": p.current_result}
    diff = {"changes": json_diff(before, after), "request": sent}
    session.add(p)
    correction_repo.add(session, product_id=p.id, author=who.name, diff=diff)
    session.commit()
    return detail(session, p.id)
