"""One product of a batch -> one output row. The catalog reads and scores; this module only
chooses the entry point for the layout and flattens the result into the output columns."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from app.batch.reader import ProductInput
from catalog.label import read_text
from catalog.lexicon import lexicon
from catalog.models import ScanResult
from catalog.profile import Profile
from catalog.score import intake, magnesium_rows
from catalog.structured import RowError, read_rows


@dataclass(frozen=True, slots=True)
class OutputRow:
    """One product's result; fields are `output.OUTPUT_COLUMNS` (plus where it came from)."""

    seq: int
    line: int
    product_id: str | None
    product_name: str | None
    brand: str | None
    upc: str | None
    score: int | None = None
    grade: str | None = None
    magnesium_forms: tuple[str, ...] = ()
    elemental_mg_per_serving: float | None = None
    elemental_mg_per_day: float | None = None
    warnings: tuple[str, ...] = ()
    interactions: tuple[tuple[str, str], ...] = ()  # (id, severity)
    marks: tuple[str, ...] = ()
    error: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "product_id": self.product_id,
            "product_name": self.product_name,
            "brand": self.brand,
            "upc": self.upc,
            "score": self.score,
            "grade": self.grade,
            "magnesium_forms": list(self.magnesium_forms),
            "elemental_mg_per_serving": self.elemental_mg_per_serving,
            "elemental_mg_per_day": self.elemental_mg_per_day,
            "warnings": list(self.warnings),
            "interactions": [{"id": i, "severity": s} for i, s in self.interactions],
            "marks": list(self.marks),
            "error": self.error,
        }

    def to_cells(self) -> dict[str, str]:
        """Text cells: lists joined with "; ", an interaction as "id (severity)"."""
        return {
            "product_id": self.product_id or "",
            "product_name": self.product_name or "",
            "brand": self.brand or "",
            "upc": self.upc or "",
            "score": "" if self.score is None else str(self.score),
            "grade": self.grade or "",
            "magnesium_forms": "; ".join(self.magnesium_forms),
            "elemental_mg_per_serving": _mg(self.elemental_mg_per_serving),
            "elemental_mg_per_day": _mg(self.elemental_mg_per_day),
            "warnings": "; ".join(self.warnings),
            "interactions": "; ".join(f"{i} ({s})" for i, s in self.interactions),
            "marks": "; ".join(self.marks),
            "error": self.error or "",
        }


def _mg(value: float | None) -> str:
    return "" if value is None else f"{value:g}"


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def read_product(item: ProductInput, profile: Profile | None = None) -> ScanResult:
    """The scored label of a product (raises RowError for an unreadable long-layout row)."""
    if item.label_text is not None:
        text = item.label_text
        if item.other_ingredients:
            text += f"\nOther ingredients: {item.other_ingredients}"
        if item.marks:
            text += f"\n{item.marks}"
        return read_text(text, profile)
    return read_rows(
        item.ingredients,
        other_ingredients=item.other_ingredients or "",
        marks_text=item.marks or "",
        serving_size=item.serving_size,
        profile=profile,
    )


def _profile_for(item: ProductInput, profile: Profile | None) -> Profile | None:
    """The caller's profile, with the product's own servings a day when the profile has none."""
    if item.servings_per_day is None or (profile and profile.servings_per_day is not None):
        return profile
    return (profile or Profile()).model_copy(update={"servings_per_day": item.servings_per_day})


def score_product(item: ProductInput, profile: Profile | None = None) -> OutputRow:
    """Exactly one output row for one product; a broken product gives a row with its error."""
    if item.error is not None:
        return _error_row(item, item.error)
    profile = _profile_for(item, profile)
    try:
        result = read_product(item, profile)
    except RowError as exc:
        return _error_row(item, str(exc))
    lex = lexicon()
    rows = magnesium_rows(lex, result)
    amounts = intake(result, profile or Profile(), rows) if rows else None
    score = result.score
    return OutputRow(
        seq=item.seq,
        line=item.line,
        product_id=item.product_id,
        product_name=item.name,
        brand=item.brand,
        upc=item.upc or result.upc,
        score=score.value if score else None,
        grade=score.grade if score else None,
        magnesium_forms=tuple(dict.fromkeys(f for r in rows for f in r.forms)),
        elemental_mg_per_serving=_round(amounts.per_serving) if amounts else None,
        elemental_mg_per_day=_round(amounts.daily) if amounts else None,
        warnings=tuple(dict.fromkeys(w.id for w in result.warnings)),
        interactions=tuple((x.id, x.severity) for x in result.interactions),
        marks=tuple(m.id for m in result.marks),
    )


def _error_row(item: ProductInput, error: str) -> OutputRow:
    return OutputRow(
        seq=item.seq, line=item.line, product_id=item.product_id, product_name=item.name,
        brand=item.brand, upc=item.upc, error=error,
    )  # fmt: skip
