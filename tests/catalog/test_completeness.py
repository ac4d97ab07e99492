"""Which unparsed lines are rows whose amount was lost (the app reads such photos again)."""

from __future__ import annotations

import pytest

from catalog.completeness import known_rows, lost_rows
from catalog.label import read_lines
from catalog.models import Ingredient, ScanResult
from catalog.parse import Line


@pytest.mark.parametrize(
    "line",
    [
        "Vitamin B6 (as 118%",  # the amount between the bracket and the %DV washed out
        "Folate (as mcg DFE 333%",  # the number lost, the unit kept
        "Boron (as boron mg",
        "Magnesium (as 369%6",
        "Vitamin D (as cholecalciferol)",  # the whole amount column lost
        "Vitamin D (as 0001U 250%",
        "Zinc: 1 mg",
        "Calcium",  # a name alone
    ],
)
def test_a_known_nutrient_that_lost_its_amount_is_a_lost_row(line: str) -> None:
    assert lost_rows(ScanResult(unparsed=[line])) == [line]


@pytest.mark.parametrize(
    "line",
    [
        "Vitamin A 2% · Vitamin C 6%",  # Nutrition Facts vitamins declare a %DV only
        "Calcium 0%·Iron 0%",
        "cholecalciferol) 50%",  # the tail of a row, no nutrient name
        "Typical per 100g**",  # a column heading
        "Made with magnesium oxide USP.",
        "Lemon Balm (Melissa officinalis)",  # a botanical: no known nutrient to hold to
        "O % Vitamin C 0%",
        "",
    ],
)
def test_other_unparsed_lines_are_not_lost_rows(line: str) -> None:
    assert lost_rows(ScanResult(unparsed=[line])) == []


def test_a_panel_read_with_a_lost_row_reports_it() -> None:
    lines = [
        "Supplement Facts",
        "Serving Size 1 Capsule",
        "Amount Per Serving % Daily Value",
        "Magnesium (as magnesium glycinate) 200 mg 48%",
        "Vitamin B6 (as 118%",
        "pyridoxine HCl)",
    ]
    result = read_lines([Line(t) for t in lines])
    assert [i.name for i in result.ingredients] == ["Magnesium"]
    assert lost_rows(result) == ["Vitamin B6 (as 118%"]
    assert known_rows(result) == 1


def test_known_rows_need_a_known_nutrient_an_amount_and_a_unit() -> None:
    result = ScanResult(
        ingredients=[
            Ingredient(name="Magnesium", nutrient="magnesium", amount=200, unit="mg"),
            Ingredient(name="Zinc", nutrient="zinc", amount=None, unit=None),
            Ingredient(name="Ashwagandha root extract", amount=600, unit="mg"),
            Ingredient(name="Vitamin D", nutrient="vitamin_d", amount=25, unit="mcg"),
        ]
    )
    assert known_rows(result) == 2
