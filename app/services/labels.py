"""Scoring label text or a structured label, optionally stored as a product."""

from __future__ import annotations

from sqlmodel import Session

from app.db.models import Product
from app.problems import InvalidRequestError
from app.repositories import products as product_repo
from app.schemas.labels import LabelIn, ScoreRequest
from app.services.auth import Principal
from app.services.ingredients import derive, unknown_forms
from app.services.scoring import DEFAULT_PROFILE, score, scored_copy
from catalog.checks import annotate
from catalog.label import read_text
from catalog.models import Ingredient, Panel, ScanResult


def read_structured(label: LabelIn) -> ScanResult:
    ingredients = []
    for n, row in enumerate(label.ingredients):
        if bad := unknown_forms(row.forms):
            raise InvalidRequestError(f"label.ingredients.{n}.forms: unknown form ids {bad}")
        ing = Ingredient(**row.model_dump(exclude_unset=True, exclude={"basis"}))
        if row.basis is not None:
            ing.basis = row.basis
        ingredients.append(derive(ing, set(row.model_fields_set)))
    result = ScanResult(
        panel=Panel(**label.panel.model_dump()),
        ingredients=ingredients,
        other_ingredients=list(label.other_ingredients),
        upc=label.upc,
    )
    # Seal texts go in as extra text: the catalog decides what is a mark and what a look-alike.
    return annotate(result, label.marks)


def score_request(
    session: Session, request: ScoreRequest, who: Principal
) -> tuple[ScanResult, int | None]:
    # Scored once for the caller's profile; a stored product is scored for the default one.
    profile = request.profile or DEFAULT_PROFILE
    if request.text is not None:
        returned = read_text(request.text, profile)
    else:
        assert request.label is not None
        returned = score(read_structured(request.label), profile)
    if not request.store:
        return returned, None
    fields = request.product
    result = returned if profile == DEFAULT_PROFILE else scored_copy(returned, DEFAULT_PROFILE)
    stored = result.model_dump(mode="json")
    product = product_repo.add(
        session,
        Product(
            name=fields.name if fields else None,
            brand=fields.brand if fields else None,
            upc=(fields.upc if fields else None) or result.upc,
            source="label",
            original_result=stored,
            current_result=stored,
            created_by=who.name,
        ),
    )
    session.commit()
    return returned, product.id
