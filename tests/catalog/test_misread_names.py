"""Row names the camera misread, given back their nutrient (OCR output only)."""

from __future__ import annotations

import pytest

from catalog.lexicon import lexicon


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
