"""One product -> one output row, for both layouts, broken products and profiles."""

from __future__ import annotations

import dataclasses
import io
import json
from typing import Any

import pytest

from app.batch.jobs import row_from_stored, stored_row
from app.batch.reader import ProductInput, read_products
from app.batch.scoring import OutputRow, score_product
from bench.shared_data import shared_data
from catalog.label import read_text
from catalog.models import ScanResult
from catalog.profile import Profile
from catalog.structured import PanelRow, read_rows
from tests.catalog.test_score import CASES

GLYCINATE = "Supplement Facts\nMagnesium (as magnesium glycinate) 200 mg 48%"


def _wide(**kw: object) -> ProductInput:
    fields: dict[str, object] = {"seq": 0, "product_id": "w1", "line": 2, "rows": 1}
    fields.update(kw)
    return ProductInput(**fields)  # type: ignore[arg-type]


def test_wide_product_scores_as_the_label_text_does() -> None:
    row = score_product(_wide(label_text=GLYCINATE, name="Calm", brand="Acme", upc="0123"))
    expected = read_text(GLYCINATE)
    assert expected.score is not None
    assert (row.score, row.grade) == (expected.score.value, expected.score.grade)
    assert row.magnesium_forms == ("magnesium_glycinate",)
    assert row.elemental_mg_per_serving == 200.0
    assert row.elemental_mg_per_day == 200.0
    assert (row.product_name, row.brand, row.upc, row.error) == ("Calm", "Acme", "0123", None)


def test_servings_per_day_column_scales_the_daily_amount() -> None:
    row = score_product(_wide(label_text=GLYCINATE, servings_per_day=2.0))
    assert row.elemental_mg_per_day == 400.0
    # The caller's profile figure wins over the file's.
    mine = score_product(
        _wide(label_text=GLYCINATE, servings_per_day=2.0), Profile(servings_per_day=1)
    )
    assert mine.elemental_mg_per_day == 200.0


def test_long_product_with_interaction_warning_and_marks() -> None:
    item = ProductInput(
        seq=3, product_id="p1", line=5, rows=3,
        ingredients=(
            PanelRow("Magnesium", ("magnesium oxide", "magnesium citrate"), 400.0, "mg", 95.0),
            PanelRow("St. John's Wort", (), 300.0, "mg"),
        ),
        marks="USP Verified",
    )  # fmt: skip
    row = score_product(item)
    assert row.seq == 3 and row.line == 5
    assert row.magnesium_forms == ("magnesium_oxide", "magnesium_citrate")
    assert row.elemental_mg_per_serving == 400.0
    assert "oxide_led_blend" in row.warnings and "above_supplemental_ul" in row.warnings
    assert ("st_johns_wort", "avoid") in row.interactions
    assert row.marks == ("usp_verified",)
    assert row.grade is not None and row.grade in "DEF"


def test_broken_products_keep_their_identity_and_get_no_score() -> None:
    reported = score_product(_wide(product_id="x", name="N", error="missing product id"))
    assert (reported.product_id, reported.product_name) == ("x", "N")
    assert reported.error == "missing product id" and reported.score is None
    bad_unit = ProductInput(
        seq=0, product_id="p", line=2, rows=1,
        ingredients=(PanelRow("Magnesium", (), 100.0, "furlongs"),),
    )  # fmt: skip
    row = score_product(bad_unit)
    assert row.error is not None and "furlongs" in row.error and row.score is None


def test_product_without_magnesium_has_a_score_and_no_amounts() -> None:
    data = b"product_id,ingredient,amount,unit\np1,Vitamin C,100,mg\n"
    [item] = list(read_products(io.BytesIO(data)))
    row = score_product(item)
    assert row.score is not None and row.error is None
    assert row.magnesium_forms == () and row.elemental_mg_per_day is None


def _expected(result: ScanResult) -> tuple[object, ...]:
    assert result.score is not None
    return (
        result.score.value,
        result.score.grade,
        tuple(dict.fromkeys(w.id for w in result.warnings)),
        tuple((x.id, x.severity) for x in result.interactions),
    )


def _got(row: OutputRow) -> tuple[object, ...]:
    return (row.score, row.grade, row.warnings, row.interactions)


@pytest.mark.parametrize("profile", [None, Profile(gi="sensitive", servings_per_day=3.0)])
def test_batch_rows_equal_the_explained_score_on_every_dsld_product(
    profile: Profile | None,
) -> None:
    # The batch skips the sentences; its numbers must be those of `read_rows` (score_label).
    with (shared_data() / "dsld" / "dsld_rows.csv").open("rb") as src:
        items = [p for p in read_products(src) if p.error is None]
    assert len(items) > 100
    for item in items:
        row = score_product(item, profile)
        expected = read_rows(item.ingredients, serving_size=item.serving_size, profile=profile)
        assert _got(row) == _expected(expected), item.product_id


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_batch_rows_equal_the_explained_score_on_golden_labels(case: dict[str, Any]) -> None:
    profile = Profile.model_validate(case["profile"]) if "profile" in case else None
    row = score_product(_wide(label_text=case["label"]), profile)
    assert _got(row) == _expected(read_text(case["label"], profile))


def test_products_sharing_ingredient_text_keep_their_own_amounts_and_lists() -> None:
    """Rows with the same name, forms and unit share what their text decides (a cached plan),
    never their amounts or the lists a row's checks change."""
    csv_text = "dsld_id,ingredient,forms,amount,unit,dv_percent\n" + "".join(
        f"p{i},Magnesium Glycinate,,{amount},mg,\np{i},Vitamin C,ascorbic acid,60,mg,\n"
        for i, amount in enumerate((500, 1500, 250))
    )
    items = list(read_products(io.BytesIO(csv_text.encode())))
    first = read_rows(items[0].ingredients)
    again = read_rows(items[0].ingredients)
    first.ingredients[0].flags.append("changed")
    first.ingredients[0].forms.append("changed")
    first.ingredients[0].extra_columns.append({"amount": 1.0})
    assert again.ingredients[0].flags == ["elemental_estimated"]
    assert again.ingredients[0].forms == ["magnesium_glycinate"]
    assert again.ingredients[0].extra_columns == []
    mg = [score_product(i).elemental_mg_per_serving for i in items]
    assert mg[0] is not None and mg[0] > 0
    assert mg[1] == pytest.approx(3 * mg[0], abs=0.1)
    assert mg[2] == pytest.approx(mg[0] / 2, abs=0.1)


def test_stored_rows_are_the_rows_fields_and_rebuild_them() -> None:
    """What a queue chunk stores for each row: every field as dataclasses.asdict gives it,
    through JSON (as the database keeps it) back to the same row."""
    with (shared_data() / "dsld" / "dsld_rows.csv").open("rb") as src:
        rows = [score_product(p) for p in read_products(src)]
    assert any(r.interactions for r in rows) and any(r.magnesium_forms for r in rows)
    for row in rows:
        stored = stored_row(row)
        assert stored == dataclasses.asdict(row)
        assert row_from_stored(json.loads(json.dumps(stored))) == row
