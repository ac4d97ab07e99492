"""The catalog's entry points: label text or lines -> an annotated ScanResult."""

from __future__ import annotations

from collections.abc import Sequence

from catalog.checks import annotate
from catalog.lexicon import lexicon
from catalog.models import Ingredient, ScanResult
from catalog.parse import Line, parse_lines, parse_text
from catalog.profile import Profile
from catalog.rows import parse_row
from catalog.score import score_label


def correct_misread_names(result: ScanResult) -> None:
    """OCR misreads letters ("lodine", "Magnesiurn"): a row name that is no nutrient but
    nearly spells one is given the nutrient's name, flagged `name_corrected`, and a mineral's
    row is read again under it for its forms."""
    lex = lexicon()
    for ing in result.ingredients:
        if ing.nutrient is not None or not ing.name:
            continue
        nutrient = lex.nutrient_id(ing.name, fuzzy=True)
        if nutrient is not None:
            _reread_forms(ing, lex.nutrients[nutrient].name, nutrient)
            ing.nutrient = nutrient
            ing.name = lex.nutrients[nutrient].name
            ing.flags.append("name_corrected")


def _reread_forms(ing: Ingredient, name: str, nutrient: str) -> None:
    """Reads the row again under its corrected name, for what the name decides: a mineral's
    forms and whether its amount is elemental ("Magneslum (from 750 mg magneslum
    bisglycinate chelate) 105 mg"). Left as it is when the row does not read the same."""
    if not lexicon().is_mineral(nutrient) or not ing.text.startswith(ing.name):
        return
    again = parse_row(name + ing.text[len(ing.name) :])
    if len(again) != 1 or again[0].nutrient != nutrient:
        return
    row = again[0]
    if (row.amount, row.unit, row.dv_percent) != (ing.amount, ing.unit, ing.dv_percent):
        return
    ing.forms, ing.forms_text, ing.basis = row.forms, row.forms_text, row.basis
    ing.elemental_mg, ing.compound_mg = row.elemental_mg, row.compound_mg
    ing.flags += [f for f in row.flags if f not in ing.flags]


def read_text(text: str, profile: Profile | None = None) -> ScanResult:
    """Label text (one panel line per line) -> parsed, checked, scored result."""
    return score_label(annotate(parse_text(text)), profile)


def read_lines(
    lines: Sequence[Line], extra_text: Sequence[str] = (), profile: Profile | None = None
) -> ScanResult:
    """Lines with layout (from OCR) -> parsed, checked result. `extra_text` is other text
    seen on the photo (seals read as stacked blocks), searched for marks only."""
    result = parse_lines(lines)
    correct_misread_names(result)
    return score_label(annotate(result, extra_text), profile)
