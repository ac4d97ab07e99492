"""The OCR benchmark's "readable rows only" figure: rows the photo generator made unreadable are
left out of the expected rows, and a prediction that reads one of them is neither right nor
wrong."""

from __future__ import annotations

from pathlib import Path

from bench.ocr_accuracy import Item, ceiling, count_readable
from bench.rowmatch import Counts, Row, count, count_forms

TRUTH = [
    Row("Vitamin C", 90.0, "mg"),
    Row("Zinc", 11.0, "mg"),
    Row("Selenium", 70.0, "mcg"),
]


def test_no_unreadable_rows_is_the_headline_count() -> None:
    predicted = [Row("Vitamin C", 90.0, "mg"), Row("Zinc", 1.0, "mg")]
    assert count_readable(predicted, TRUTH, frozenset()) == count(predicted, TRUTH)


def test_unreadable_row_is_not_expected() -> None:
    predicted = [Row("Vitamin C", 90.0, "mg"), Row("Selenium", 70.0, "mcg")]
    assert count(predicted, TRUTH) == Counts(2, 2, 3)
    # Zinc (index 1) was unreadable: missing it costs nothing.
    assert count_readable(predicted, TRUTH, frozenset({1})) == Counts(2, 2, 2)


def test_reading_an_unreadable_row_counts_neither_way() -> None:
    predicted = [Row("Vitamin C", 90.0, "mg"), Row("Zinc", 11.0, "mg")]
    assert count_readable(predicted, TRUTH, frozenset({1})) == Counts(1, 1, 2)


def test_a_wrong_value_under_an_unreadable_name_still_counts_wrong() -> None:
    predicted = [Row("Vitamin C", 90.0, "mg"), Row("Zinc", 1.0, "mg")]
    assert count_readable(predicted, TRUTH, frozenset({1})) == Counts(1, 2, 2)


def test_a_readable_twin_keeps_its_match() -> None:
    # Two rows with the same name and value, one of them unreadable: the one prediction is the
    # readable row's match, not dropped as the unreadable one's.
    truth = [Row("Zinc", 11.0, "mg"), Row("Zinc", 11.0, "mg")]
    assert count_readable([Row("Zinc", 11.0, "mg")], truth, frozenset({0})) == Counts(1, 1, 1)


def test_forms_are_scored_on_matched_rows_with_truth_forms_only() -> None:
    truth = [
        Row("Magnesium", 200.0, "mg", ("magnesium_glycinate",)),
        Row("Zinc", 11.0, "mg", ("zinc_citrate",)),
        Row("Vitamin C", 90.0, "mg"),  # no truth forms: not scored
        Row("Iodine", 150.0, "mcg", ("iodine_potassium_iodide",)),
    ]
    predicted = [
        Row("Magnesium", 200.0, "mg", ("magnesium_glycinate",)),
        Row("Zinc", 11.0, "mg", ("zinc_unknown",)),  # read, its form misread
        Row("Vitamin C", 90.0, "mg", ()),
        Row("Iodine", 15.0, "mcg", ("iodine_potassium_iodide",)),  # amount wrong: not scored
    ]
    assert count_forms(predicted, truth) == (1, 2)


def test_the_ceiling_reads_every_readable_row_and_nothing_else() -> None:
    clear = Item("synthetic", Path("a.jpg"), TRUTH)
    hard = Item("synthetic", Path("b.jpg"), TRUTH, "poor", frozenset({1, 2}))
    # Six rows expected, four readable: recall 4/6 at precision 1, F1 0.8.
    best = ceiling([clear, hard])
    assert best == Counts(4, 4, 6)
    assert round(best.f1, 3) == 0.8
