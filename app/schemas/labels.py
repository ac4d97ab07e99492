"""POST /v1/labels/score: label text or a structured label, and who it is for."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, model_validator

from app.schemas import examples
from catalog.models import Basis, PanelKind, ScanResult, Unit
from catalog.profile import Profile

_FORBID = ConfigDict(extra="forbid")
# Names are one line of printable text. PostgreSQL cannot store a NUL in a text column at all
# (it was a 500), and no other control character belongs in a product's name either.
ONE_LINE = r"^[^\x00-\x1f\x7f]*$"


class IngredientIn(BaseModel):
    """A facts-table row as a structured source (DSLD, a retailer feed) gives it. Fields the
    service derives (warnings, score, confidence) cannot be sent."""

    model_config = _FORBID

    name: str = Field(min_length=1, max_length=200)
    forms: list[str] = Field(default_factory=list, description="Form ids of FORMS.md")
    forms_text: list[str] = Field(default_factory=list)
    amount: float | None = Field(default=None, ge=0)
    unit: Unit | None = None
    dv_percent: float | None = Field(default=None, ge=0)
    basis: Basis | None = Field(default=None, description="Derived when left out")
    elemental_mg: float | None = Field(default=None, ge=0)
    compound_mg: float | None = Field(default=None, ge=0)
    blend: str | None = None


class PanelIn(BaseModel):
    model_config = _FORBID

    kind: PanelKind = "supplement_facts"
    serving_size: str | None = Field(default=None, max_length=100)
    servings_per_container: str | None = Field(default=None, max_length=50)


class LabelIn(BaseModel):
    model_config = _FORBID

    panel: PanelIn = Field(default_factory=PanelIn)
    ingredients: list[IngredientIn] = Field(max_length=200)
    other_ingredients: list[str] = Field(default_factory=list, max_length=200)
    marks: list[str] = Field(
        default_factory=list,
        max_length=50,
        description="Seal and claim texts as printed; the catalog decides which are marks.",
    )
    upc: str | None = Field(default=None, pattern=r"^\d{6,14}$")


class ProductFields(BaseModel):
    model_config = _FORBID

    name: str | None = Field(default=None, max_length=300, pattern=ONE_LINE)
    brand: str | None = Field(default=None, max_length=200, pattern=ONE_LINE)
    upc: str | None = Field(default=None, pattern=r"^\d{6,14}$")


class ScoreRequest(BaseModel):
    """Exactly one of `text` and `label`."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"text": examples.LABEL_TEXT, "profile": examples.PROFILE},
            ]
        },
    )

    text: str | None = Field(
        default=None, min_length=1, max_length=50_000, description="Panel lines, one per line"
    )
    label: LabelIn | None = None
    profile: Profile | None = None
    store: bool = Field(default=False, description="Also store the label as a product")
    product: ProductFields | None = Field(
        default=None, description="Name, brand and UPC of the stored product (with store)"
    )

    @model_validator(mode="after")
    def _one_source(self) -> ScoreRequest:
        if (self.text is None) == (self.label is None):
            raise ValueError("send exactly one of `text` and `label`")
        return self


class ScoredLabel(ScanResult):
    """The scan result of the contract (image fields empty); `product_id` when stored."""

    model_config = ConfigDict(
        json_schema_extra={"examples": [{**examples.RESULT, "product_id": None}]}
    )

    product_id: int | None = None
