"""Stored products: list and search, detail with history, reviewers' corrections."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Path, Query

from app.api.deps import CurrentUser, Reviewer, SessionDep
from app.db.models import MAX_ID
from app.schemas.problems import problem_responses
from app.schemas.products import ProductDetail, ProductPage, ProductPatch
from app.services import products as service

router = APIRouter(prefix="/v1/products", tags=["products"])

ProductId = Annotated[int, Path(ge=1, le=MAX_ID, description="Product id", examples=[12])]


@router.get(
    "",
    response_model=ProductPage,
    summary="List stored products, newest first",
    responses=problem_responses(401, 422, 429, 503),
)
def list_products(
    session: SessionDep,
    _who: CurrentUser,
    q: Annotated[
        str | None,
        Query(max_length=200, description="Substring of name, brand or UPC", examples=["glycin"]),
    ] = None,
    upc: Annotated[
        str | None,
        Query(pattern=r"^\d{6,14}$", description="Exact UPC/EAN", examples=["0123456789012"]),
    ] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    offset: Annotated[int, Query(ge=0, le=MAX_ID)] = 0,
) -> ProductPage:
    return service.list_products(session, q=q, upc=upc, limit=limit, offset=offset)


@router.get(
    "/{product_id}",
    response_model=ProductDetail,
    summary="A product: current result, original result, corrections and scans",
    responses=problem_responses(401, 404, 429, 503),
)
def get_product(product_id: ProductId, session: SessionDep, _who: CurrentUser) -> ProductDetail:
    return service.detail(session, product_id)


_PATCH_EXAMPLES = {
    "amount_and_form": {
        "summary": "Fix a misread amount and form",
        "value": {
            "ingredients": {"0": {"amount": 250, "forms": ["magnesium_citrate"]}},
            "note": "OCR read 25 mg; the label says 250 mg of citrate.",
        },
    },
    "name_and_rows": {
        "summary": "Name the product, drop a misread row, add a missed one",
        "value": {
            "name": "Magnesium Glycinate 200",
            "brand": "Example Labs",
            "ingredients": {"3": None},
            "add_ingredients": [{"name": "Zinc", "amount": 5, "unit": "mg", "dv_percent": 45}],
        },
    },
}


@router.patch(
    "/{product_id}",
    response_model=ProductDetail,
    summary="Correct a product (reviewer role): JSON merge patch, re-scored, kept in history",
    description="Send `application/json` or `application/merge-patch+json`. The original "
    "result is never changed; each patch is kept with who sent it, what changed and when.",
    responses=problem_responses(400, 401, 403, 404, 413, 422, 429, 503),
)
def patch_product(
    product_id: ProductId,
    patch: Annotated[ProductPatch, Body(openapi_examples=_PATCH_EXAMPLES)],
    session: SessionDep,
    who: Reviewer,
) -> ProductDetail:
    return service.correct(session, product_id, patch, who)
