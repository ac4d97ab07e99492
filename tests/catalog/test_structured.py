"""Structured panel rows (database fields) read as the parser reads the printed row."""

from __future__ import annotations

import math

import pytest

from bench.shared_data import dsld_row_text, dsld_rows
from catalog.models import Ingredient, Panel, Quality, ScanResult
from catalog.rows import parse_row
from catalog.structured import (
    PanelRow,
    RowError,
    ingredient_from_row,
    label_from_rows,
    read_rows,
    read_unit,
)


def _panel_row(row: dict[str, str]) -> PanelRow:
    return PanelRow(
        name=row["ingredient"],
        forms=tuple(row["forms"].split(";")),
        amount=float(row["amount"]) if row["amount"] else None,
        unit=row["unit"],
        dv_percent=float(row["dv_percent"]) if row["dv_percent"] else None,
        operator=row["operator"],
        blend=row["parent_blend"] or None,
    )


def test_real_dsld_rows_match_the_parsed_printed_row() -> None:
    """Every DSLD row with an amount: the same nutrient, forms, basis and elemental mg as the
    text parser gives for the line the row stands for."""
    compared = 0
    for row in dsld_rows():
        text = dsld_row_text(row)
        parsed = parse_row(text) if text else []
        if not parsed or row["unit"] == "ng":
            continue
        printed, structured = parsed[0], ingredient_from_row(_panel_row(row))
        assert structured.nutrient == printed.nutrient, text
        assert structured.forms == printed.forms, text
        assert structured.basis == printed.basis, text
        assert structured.elemental_mg == printed.elemental_mg, text
        assert structured.unit == printed.unit, text
        assert structured.amount is not None and printed.amount is not None
        assert math.isclose(structured.amount, printed.amount), text
        compared += 1
    assert compared > 400


def test_salt_named_row_is_compound_with_estimated_elemental() -> None:
    ing = ingredient_from_row(PanelRow(name="Magnesium Glycinate", amount=500.0, unit="mg"))
    assert ing.forms == ["magnesium_glycinate"]
    assert ing.basis == "compound" and ing.compound_mg == 500.0
    assert ing.elemental_mg is not None and 0 < ing.elemental_mg < 500
    assert "elemental_estimated" in ing.flags


def test_amounts_differ_per_row_even_when_the_name_repeats() -> None:
    a = ingredient_from_row(PanelRow("Magnesium", ("magnesium oxide",), 200.0, "mg", 48.0))
    b = ingredient_from_row(PanelRow("Magnesium", ("magnesium oxide",), 300.0, "mg", 71.0))
    assert (a.elemental_mg, b.elemental_mg) == (200.0, 300.0)
    a.forms.append("changed")  # the cached resolution is not shared between rows
    assert b.forms == ["magnesium_oxide"]


@pytest.mark.parametrize(
    ("unit", "expected"),
    [
        ("mg", ("mg", 1.0, None)),
        ("Gram(s)", ("g", 1.0, None)),
        ("{Calories}", ("kcal", 1.0, None)),
        ("mcg DFE", ("mcg", 1.0, "DFE")),
        ("ng", ("mcg", 0.001, None)),
        ("mg alpha-tocopherol", ("mg", 1.0, "alpha-tocopherol")),
        ("mcg RAE", ("mcg", 1.0, "RAE")),
        ("Billion CFU", ("CFU", 1e9, None)),
        ("Million Colony Forming Units", ("CFU", 1e6, None)),
        ("NP", (None, 1.0, None)),
        ("", (None, 1.0, None)),
    ],
)
def test_read_unit(unit: str, expected: tuple[str | None, float, str | None]) -> None:
    assert read_unit(unit) == expected


def test_unknown_unit_and_operator_are_row_errors() -> None:
    with pytest.raises(RowError, match="furlongs"):
        ingredient_from_row(PanelRow(name="Magnesium", amount=1.0, unit="furlongs"))
    with pytest.raises(RowError, match="billion mg"):
        read_unit("billion mg")
    with pytest.raises(RowError, match="operator"):
        ingredient_from_row(PanelRow(name="Magnesium", amount=1.0, unit="mg", operator="!!"))
    with pytest.raises(RowError, match="row 2"):
        read_rows([PanelRow("Zinc", (), 1.0, "mg"), PanelRow("Magnesium", (), 1.0, "kg?")])


def test_blend_head_takes_its_members_forms_and_is_flagged_proprietary() -> None:
    result = read_rows(
        [
            PanelRow("Magnesium Complex", (), 400.0, "mg"),
            PanelRow("Magnesium Oxide", (), None, "NP", blend="Magnesium Complex"),
            PanelRow("Magnesium Citrate", (), None, "NP", blend="Magnesium Complex"),
        ]
    )
    head = result.ingredients[0]
    assert head.is_blend
    assert head.forms[:2] == ["magnesium_oxide", "magnesium_citrate"]
    assert "proprietary_blend" in [w.id for w in result.warnings]


def test_marks_come_from_the_marks_text_only() -> None:
    rows = [PanelRow("Magnesium", ("magnesium glycinate",), 200.0, "mg", 48.0)]
    plain = read_rows(rows)
    marked = read_rows(rows, marks_text="USP Verified")
    assert plain.marks == []
    assert [m.id for m in marked.marks] == ["usp_verified"]
    assert marked.score is not None and plain.score is not None
    assert marked.score.value > plain.score.value


def test_row_ingredients_are_what_validation_gives() -> None:
    """Each row's ingredient is copied from its plan's validated template without validation:
    for every real DSLD row it equals the same values validated afresh (floats stay floats, no
    field is missing or extra) and records as set every field that differs from its default."""
    checked = 0
    for row in dsld_rows():
        try:
            ing = ingredient_from_row(_panel_row(row))
        except RowError:
            continue
        values = ing.model_dump()
        validated = Ingredient.model_validate(values)
        assert ing == validated, row
        assert [type(v) for v in ing.__dict__.values()] == [
            type(v) for v in validated.__dict__.values()
        ], row
        defaults = Ingredient(name=ing.name).model_dump()
        changed = {k for k, v in values.items() if v != defaults[k]}
        assert changed <= ing.model_fields_set, row
        checked += 1
    assert checked > 500


def test_rows_of_one_plan_share_no_list() -> None:
    rows = [PanelRow("Magnesium", ("magnesium glycinate",), a, "mg", 48.0) for a in (1.0, 2.0)]
    a, b = (ingredient_from_row(r) for r in rows)
    for name in ("forms", "forms_text", "flags", "extra_columns"):
        assert getattr(a, name) is not getattr(b, name), name
    a.flags.append("changed")
    assert "changed" not in ingredient_from_row(rows[0]).flags


def _dsld_products() -> dict[str, list[dict[str, str]]]:
    products: dict[str, list[dict[str, str]]] = {}
    for row in dsld_rows():
        products.setdefault(row["dsld_id"], []).append(row)
    return products


def test_labels_are_the_models_their_constructors_give() -> None:
    """The label's panel, quality and result are built from values known valid, without
    validation: for every real DSLD product they equal what the models' constructors give
    (values, their types, the fields recorded as set) and dump to the same JSON."""
    checked = 0
    for rows in _dsld_products().values():
        serving = rows[0]["serving_size"]
        try:
            result = label_from_rows([_panel_row(r) for r in rows], serving_size=serving)
        except RowError:
            continue
        reference = ScanResult(
            panel=Panel(
                kind="supplement_facts",
                serving_size=serving or None,
                serving_count=result.panel.serving_count,
            ),
            ingredients=result.ingredients,
            other_ingredients=result.other_ingredients,
            quality=Quality(),
        )
        assert result == reference
        assert result.model_dump_json() == reference.model_dump_json()
        for made, validated in [
            (result, reference),
            (result.panel, reference.panel),
            (result.quality, reference.quality),
        ]:
            assert made.model_fields_set == validated.model_fields_set
            assert [type(v) for v in made.__dict__.values()] == [
                type(v) for v in validated.__dict__.values()
            ]
        assert ScanResult.model_validate(result.model_dump()) == result
        checked += 1
    assert checked > 100


def test_labels_share_no_list() -> None:
    rows = [PanelRow("Magnesium", ("magnesium glycinate",), 100.0, "mg", 24.0)]
    a, b = label_from_rows(rows), label_from_rows(rows)
    for name in ("other_ingredients", "marks", "warnings", "interactions", "unparsed"):
        assert getattr(a, name) is not getattr(b, name), name
    assert a.panel.columns is not b.panel.columns
    assert a.quality.reasons is not b.quality.reasons
