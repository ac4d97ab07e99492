"""The OCR benchmark's `outside` set: photos whose truth another repository's author wrote, nine
fields of a Nutrition Facts panel each. Rows under other names are not scored against it."""

from __future__ import annotations

from pathlib import Path

from bench.ocr_accuracy import Item, outside_items, scored_rows
from bench.rowmatch import Counts, Row, count


def test_the_outside_truth_is_read_from_the_annotations() -> None:
    items = outside_items()
    assert [i.image.name for i in items] == [f"label_0{n}.png" for n in range(2, 7)]
    assert all(i.image.exists() and i.fields_only for i in items)
    label_03 = items[1]
    assert len(label_03.truth) == 9
    assert Row("Calories", 350.0, "kcal") in label_03.truth
    assert Row("Sodium", 55.0, "mg") in label_03.truth


def test_rows_the_truth_does_not_list_are_not_scored() -> None:
    truth = [Row("Calories", 350.0, "kcal"), Row("Total Fat", 22.0, "g")]
    item = Item("outside", Path("label.png"), truth, fields_only=True)
    predicted = [
        Row("Calories", 3501060.0, "kcal"),  # listed, wrong: scored wrong
        Row("Total Fat", 22.0, "g"),
        Row("Trans Fat", 0.0, "g"),  # not listed: not scored
        Row("Vitamin D", 0.8, "mcg"),
    ]
    assert count(scored_rows(predicted, item), truth) == Counts(1, 2, 2)
    whole = Item("real", Path("label.png"), truth)
    assert count(scored_rows(predicted, whole), truth) == Counts(1, 4, 2)
