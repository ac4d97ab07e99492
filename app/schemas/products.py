"""Products: list, detail, and a reviewer's JSON merge patch."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from app.schemas import examples
from app.schemas.labels import ONE_LINE, IngredientIn, PanelIn
from catalog.models import Basis, PanelKind, ScanResult, Unit

_FORBID = ConfigDict(extra="forbid")


class ProductSummary(BaseModel):
    id: int
    name: str | None
    brand: str | None
    upc: str | None
    source: str
    score: int | None
    grade: str | None
    created_at: datetime
    updated_at: datetime


class ProductPage(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "items": [
                        {
                            "id": 12,
                            "name": "Magnesium Glycinate 200",
                            "brand": "Example Labs",
                            "upc": "0123456789012",
                            "source": "scan",
                            "score": 74,
                            "grade": "B",
                            "created_at": "2025-06-01T12:00:00Z",
                            "updated_at": "2025-06-02T09:30:00Z",
                        }
                    ],
                    "total": 1,
                    "limit": 20,
                    "offset": 0,
                }
            ]
        }
    )

    items: list[ProductSummary]
    total: int
    limit: int
    offset: int


class CorrectionOut(BaseModel):
    id: int
    author: str
    created_at: datetime
    diff: dict[str, Any] = Field(
        description="`changes`: [{path, from, to}] as JSON pointers; `request`: the patch sent"
    )


class ScanRef(BaseModel):
    id: int
    engine: str
    created_at: datetime
    created_by: str | None
    url: str


class ProductDetail(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": 12,
                    "name": "Magnesium Glycinate 200",
                    "brand": "Example Labs",
                    "upc": "0123456789012",
                    "source": "scan",
                    "created_by": "phone-app",
                    "created_at": "2025-06-01T12:00:00Z",
                    "updated_at": "2025-06-02T09:30:00Z",
                    "result": examples.RESULT,
                    "original_result": examples.RESULT,
                    "corrections": [
                        {
                            "id": 1,
                            "author": "pharmacist-anna",
                            "created_at": "2025-06-02T09:30:00Z",
                            "diff": {
                                "changes": [
                                    {"path": "/result/ingredients/0/amount", "from": 20, "to": 200}
                                ],
                                "request": {"ingredients": {"0": {"amount": 200}}},
                            },
                        }
                    ],
                    "scans": [
                        {
                            "id": 34,
                            "engine": "rapidocr",
                            "created_at": "2025-06-01T12:00:00Z",
                            "created_by": "phone-app",
                            "url": "/v1/scans/34",
                        }
                    ],
                }
            ]
        }
    )

    id: int
    name: str | None
    brand: str | None
    upc: str | None
    source: str
    created_by: str | None
    created_at: datetime
    updated_at: datetime
    result: ScanResult = Field(description="The current result, with reviewers' corrections")
    original_result: ScanResult = Field(description="As first read; never changed")
    corrections: list[CorrectionOut]
    scans: list[ScanRef]


class IngredientCorrection(BaseModel):
    """Fields of one ingredient row; a field sent as null is cleared, a field left out kept."""

    model_config = _FORBID

    name: str | None = Field(default=None, min_length=1, max_length=200)
    forms: list[str] | None = None
    forms_text: list[str] | None = None
    amount: float | None = Field(default=None, ge=0)
    unit: Unit | None = None
    dv_percent: float | None = Field(default=None, ge=0)
    basis: Basis | None = None
    elemental_mg: float | None = Field(default=None, ge=0)
    compound_mg: float | None = Field(default=None, ge=0)
    blend: str | None = None


class PanelCorrection(BaseModel):
    model_config = _FORBID

    kind: PanelKind | None = None
    serving_size: str | None = Field(default=None, max_length=100)
    servings_per_container: str | None = Field(default=None, max_length=50)


class ProductPatch(BaseModel):
    """A JSON merge patch (RFC 7396) over the product: its name, brand and UPC, and the label's
    rows by index (`null` deletes a row). The result is re-checked and re-scored."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "name": "Magnesium Glycinate 200",
                    "ingredients": {"0": {"amount": 250, "forms": ["magnesium_citrate"]}},
                    "note": "Amount misread by OCR (250, not 25).",
                }
            ]
        },
    )

    name: str | None = Field(default=None, max_length=300, pattern=ONE_LINE)
    brand: str | None = Field(default=None, max_length=200, pattern=ONE_LINE)
    upc: str | None = Field(default=None, pattern=r"^\d{6,14}$")
    panel: PanelCorrection | None = None
    ingredients: dict[str, IngredientCorrection | None] | None = Field(
        default=None, description='Row index ("0", "1", ...) -> fields to change, or null'
    )
    add_ingredients: list[IngredientIn] | None = Field(
        default=None, max_length=50, description="Rows the reading missed, appended in order"
    )
    other_ingredients: list[str] | None = Field(default=None, max_length=200)
    note: str | None = Field(default=None, max_length=2000, description="Why; kept in history")

    @field_validator("ingredients")
    @classmethod
    def _indices(
        cls, value: dict[str, IngredientCorrection | None] | None
    ) -> dict[str, IngredientCorrection | None] | None:
        for key in value or {}:
            if not key.isdigit():
                raise ValueError(f"ingredient keys are row indices like '0', not {key!r}")
        return value


__all__ = [
    "CorrectionOut",
    "IngredientCorrection",
    "PanelCorrection",
    "PanelIn",
    "ProductDetail",
    "ProductPage",
    "ProductPatch",
    "ProductSummary",
    "ScanRef",
]
