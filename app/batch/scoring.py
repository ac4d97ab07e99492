"""One product of a batch -> one output row. The catalog reads and scores; this module only
chooses the entry point for the layout and flattens the result into the output columns."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from app.batch.output import OUTPUT_COLUMNS
from app.batch.reader import ProductInput
from catalog.checks import annotate
from catalog.models import ScanResult, Warning
from catalog.parse import parse_text
from catalog.profile import Profile
from catalog.score import assess, with_daily_warnings
from catalog.structured import RowError, check_rows


# Not frozen: a frozen dataclass's __init__ costs three times as much (once per product of a
# batch), and nothing changes a row once it is scored.
@dataclass(slots=True)
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
        return dict(zip(OUTPUT_COLUMNS, self.cells(), strict=True))

    def cells(self) -> list[str]:
        """The text cells in the order of OUTPUT_COLUMNS (what a CSV writer wants)."""
        return [
            self.product_id or "",
            self.product_name or "",
            self.brand or "",
            self.upc or "",
            "" if self.score is None else str(self.score),
            self.grade or "",
            "; ".join(self.magnesium_forms),
            _mg(self.elemental_mg_per_serving),
            _mg(self.elemental_mg_per_day),
            "; ".join(self.warnings),
            "; ".join(f"{i} ({s})" for i, s in self.interactions),
            "; ".join(self.marks),
            self.error or "",
        ]


def _mg(value: float | None) -> str:
    return "" if value is None else f"{value:g}"


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def read_product(item: ProductInput) -> ScanResult:
    """The checked label of a product, not yet scored: what `label.read_text` and
    `structured.read_rows` give before their `score_label` (raises RowError for an unreadable
    long-layout row)."""
    if item.label_text is not None:
        text = item.label_text
        if item.other_ingredients:
            text += f"\nOther ingredients: {item.other_ingredients}"
        if item.marks:
            text += f"\n{item.marks}"
        return annotate(parse_text(text))
    return check_rows(
        item.ingredients,
        other_ingredients=item.other_ingredients or "",
        marks_text=item.marks or "",
        serving_size=item.serving_size,
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
        result = read_product(item)
    except RowError as exc:
        return _error_row(item, str(exc))
    # The numbers of `score_label` without its sentences, which a batch row never shows.
    scored = assess(result, profile)
    rows, amounts = scored.rows, scored.intake
    return OutputRow(
        seq=item.seq,
        line=item.line,
        product_id=item.product_id,
        product_name=item.name,
        brand=item.brand,
        upc=item.upc or result.upc,
        score=scored.value,
        grade=scored.grade,
        magnesium_forms=tuple(dict.fromkeys(f for r in rows for f in r.forms)) if rows else (),
        elemental_mg_per_serving=_round(amounts.per_serving) if amounts else None,
        elemental_mg_per_day=_round(amounts.daily) if amounts else None,
        warnings=_warning_ids(result, scored.warnings),
        interactions=tuple([(x.id, x.severity) for x in result.interactions]),
        marks=tuple([m.id for m in result.marks]),
    )


def _warning_ids(result: ScanResult, daily: tuple[Warning, ...]) -> tuple[str, ...]:
    """The ids of the warnings `score_label` would write, each once, in order."""
    if not result.warnings and not daily:
        return ()  # most products
    return tuple(dict.fromkeys(w.id for w in with_daily_warnings(result, daily)))


def _error_row(item: ProductInput, error: str) -> OutputRow:
    return OutputRow(
        seq=item.seq, line=item.line, product_id=item.product_id, product_name=item.name,
        brand=item.brand, upc=item.upc, error=error,
    )  # fmt: skip
