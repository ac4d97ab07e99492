"""Output rows as CSV and JSON lines; formula cells neutralised."""

from __future__ import annotations

import csv
import io
import json

import pytest

from app.batch.output import OUTPUT_COLUMNS, csv_writer, jsonl_writer, neutralise
from app.batch.scoring import OutputRow

ROW = OutputRow(
    seq=0, line=2, product_id="=HYPERLINK(\"http://x\")", product_name="+Mag", brand="@SUM(A1)",
    upc="-5", score=72, grade="B", magnesium_forms=("magnesium_glycinate", "magnesium_oxide"),
    elemental_mg_per_serving=200.0, elemental_mg_per_day=400.5, warnings=("gi_single_dose",),
    interactions=(("st_johns_wort", "avoid"),), marks=("usp_verified",), error=None,
)  # fmt: skip


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+A1", "'+A1"),
        ("-A1", "'-A1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("  =1", "'  =1"),
        ("＝1+1", "'＝1+1"),
        ("-5", "-5"),
        ("+3.2", "+3.2"),
        ("-1e3", "-1e3"),
        ("-12%", "-12%"),
        ("Magnesium", "Magnesium"),
        ("", ""),
        ("a=b", "a=b"),
    ],
)
def test_neutralise(cell: str, expected: str) -> None:
    assert neutralise(cell) == expected


def test_csv_has_the_columns_and_neutralised_cells() -> None:
    out = io.StringIO()
    writer = csv_writer(out)
    writer.write(ROW)
    writer.close()
    header, row = list(csv.reader(io.StringIO(out.getvalue())))
    assert tuple(header) == OUTPUT_COLUMNS
    cells = dict(zip(header, row, strict=True))
    assert cells["product_id"] == '\'=HYPERLINK("http://x")'
    assert cells["product_name"] == "'+Mag" and cells["brand"] == "'@SUM(A1)"
    assert cells["upc"] == "-5"
    assert cells["magnesium_forms"] == "magnesium_glycinate; magnesium_oxide"
    assert cells["elemental_mg_per_day"] == "400.5"
    assert cells["interactions"] == "st_johns_wort (avoid)"
    assert cells["error"] == ""


def test_jsonl_keeps_the_data_typed_and_unchanged() -> None:
    out = io.StringIO()
    writer = jsonl_writer(out)
    writer.write(ROW)
    writer.write(OutputRow(seq=1, line=3, product_id=None, product_name=None, brand=None,
                           upc=None, error="missing product id"))  # fmt: skip
    first, second = (json.loads(line) for line in out.getvalue().splitlines())
    assert tuple(first) == OUTPUT_COLUMNS
    assert first["product_id"] == '=HYPERLINK("http://x")'
    assert first["score"] == 72 and first["elemental_mg_per_serving"] == 200.0
    assert first["interactions"] == [{"id": "st_johns_wort", "severity": "avoid"}]
    assert second["score"] is None and second["error"] == "missing product id"
