"""The scan result of CONTRACT.md as typed models.

These are plain data: the parser builds them, the checks add to them, the API serialises them.
Field names and meanings follow ../shared/CONTRACT.md; fields beyond it are marked "extension".
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

PanelKind = Literal["supplement_facts", "nutrition_facts", "eu_nutrition", "unknown"]
Unit = Literal["mg", "mcg", "g", "IU", "kcal", "kJ", "CFU", "mL"]
Basis = Literal["elemental", "compound", "unknown"]
Severity = Literal["avoid", "ask_team", "info"]
BBox = tuple[int, int, int, int]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Panel(_Model):
    kind: PanelKind = "unknown"
    serving_size: str | None = None
    servings_per_container: str | None = None
    confidence: float = Field(default=1.0, ge=0, le=1)
    # extension: the serving size as a count, when it reads as one ("2 capsules" -> 2)
    serving_count: float | None = None
    # extension: the column headings when the panel prints two amount columns
    columns: list[str] = Field(default_factory=list)


class Ingredient(_Model):
    name: str
    forms: list[str] = Field(default_factory=list)
    forms_text: list[str] = Field(default_factory=list)
    flags: list[str] = Field(default_factory=list)
    amount: float | None = None
    unit: Unit | None = None
    dv_percent: float | None = None
    basis: Basis = "unknown"
    elemental_mg: float | None = None
    compound_mg: float | None = None
    blend: str | None = None
    confidence: float = Field(default=1.0, ge=0, le=1)
    bbox: BBox | None = None
    text: str = ""
    # extensions
    nutrient: str | None = None  # catalog nutrient id, when the name is a known nutrient
    amount_operator: Literal["<", ">", "~"] | None = None
    amount_max: float | None = None  # upper end of a printed range ("5-10 mg")
    unit_qualifier: str | None = None  # DFE, NE, RAE, alpha-tocopherol
    alt_amount: float | None = None  # the second amount in parentheses ("400 IU (10 mcg)")
    alt_unit: Unit | None = None
    dv_operator: Literal["<"] | None = None
    dv_note: str | None = None  # "*", "†", "‡": the footnote the %DV column points to
    extra_columns: list[dict[str, float | str | None]] = Field(
        default_factory=list
    )  # amounts of further columns
    is_blend: bool = False  # the row heads a proprietary blend
    image: int | None = None  # which photo of a multi-photo scan the row was read from


class Mark(_Model):
    id: str
    text: str
    confidence: float = Field(default=1.0, ge=0, le=1)
    # extension: content_verification | banned_substances | lifestyle
    kind: str | None = None


class Warning(_Model):
    id: str
    message: str
    ingredient: int | None = None


class Interaction(_Model):
    id: str
    ingredient: int | None
    severity: Severity
    message: str
    source: str


class Score(_Model):
    value: int = Field(ge=0, le=100)
    grade: Literal["A", "B", "C", "D", "E", "F"]
    components: dict[str, float] = {}
    explanations: list[str] = Field(default_factory=list)
    advice: list[str] = Field(default_factory=list)


class Quality(_Model):
    ok: bool = True
    retake: bool = False
    reasons: list[str] = Field(default_factory=list)


class ScanResult(_Model):
    panel: Panel = Panel()
    ingredients: list[Ingredient] = Field(default_factory=list)
    other_ingredients: list[str] = Field(default_factory=list)
    marks: list[Mark] = Field(default_factory=list)
    warnings: list[Warning] = Field(default_factory=list)
    interactions: list[Interaction] = Field(default_factory=list)
    score: Score | None = None
    quality: Quality = Quality()
    # extensions
    unparsed: list[str] = Field(
        default_factory=list
    )  # lines that could not be read as a row: kept, never dropped
    lookalikes: list[str] = Field(
        default_factory=list
    )  # certification look-alike phrases found (they earn nothing)
    upc: str | None = None
