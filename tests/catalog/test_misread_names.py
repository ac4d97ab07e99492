"""Row names the camera misread, given back their nutrient (OCR output only)."""

from __future__ import annotations

import pytest

from catalog.label import read_lines
from catalog.lexicon import lexicon
from catalog.parse import Line


@pytest.mark.parametrize(
    ("printed", "nutrient"),
    [
        ("Sodlum", "sodium"),  # i read as l
        ("Calclum", "calcium"),
        ("lron", "iron"),  # short: no edit-distance cutoff would take it safely
        ("lodine", "iodine"),
        ("Magnesiurn", "magnesium"),  # m read as rn
        ("Vitamin Bl2", "vitamin_b12"),
        ("Vitarnin C", "vitamin_c"),
    ],
)
def test_confusable_glyphs_name_the_nutrient(printed: str, nutrient: str) -> None:
    assert lexicon().nutrient_id(printed, fuzzy=True) == nutrient


@pytest.mark.parametrize("printed", ["Znc", "Sodkumn", "Lemon Balm", "Melatonin", "Fish"])
def test_other_names_are_not_forced_onto_a_nutrient(printed: str) -> None:
    assert lexicon().nutrient_id(printed, fuzzy=True) is None


def test_misread_names_need_the_ocr_flag() -> None:
    # Label text typed by a person is taken as written.
    assert lexicon().nutrient_id("Sodlum") is None


def test_a_corrected_mineral_row_is_read_again_for_its_forms() -> None:
    # The form's weight wrapped under the row, the mineral misread in both places (synthetic
    # photo, RapidOCR): once "Magneslum" is magnesium, its form and elemental amount follow.
    lines = [
        "Supplement Facts",
        "Amount Per Serving % Daily Value",
        "Magneslum 105 mg 25%",
        "(from 750 mg",
        "magneslum",
        "bisglycinate",
        "chelate)",
    ]
    result = read_lines([Line(text, indent=1) for text in lines])
    row = result.ingredients[0]
    assert (row.name, row.nutrient, row.forms) == (
        "Magnesium",
        "magnesium",
        ["magnesium_glycinate"],
    )
    assert (row.amount, row.compound_mg, row.elemental_mg) == (105.0, 750.0, 105.0)
    assert "name_corrected" in row.flags
