"""Whole-panel tests: label text in, the structure a reviewer would expect out."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from catalog.label import read_lines, read_text
from catalog.models import ScanResult
from catalog.parse import Line
from tests.catalog.row_cases import differences

PANELS: list[dict[str, Any]] = yaml.safe_load(
    (Path(__file__).parent / "cases" / "panels.yaml").read_text(encoding="utf-8")
)


def _check(result: ScanResult, expect: dict[str, Any]) -> list[str]:
    problems: list[str] = []
    for key, want in expect.get("panel", {}).items():
        have = getattr(result.panel, key)
        if have != want:
            problems.append(f"panel.{key}: expected {want!r}, got {have!r}")
    if "ingredients" in expect:
        have_rows = [[i.name, i.blend, i.forms, i.amount, i.unit] for i in result.ingredients]
        if have_rows != expect["ingredients"]:
            problems.append(f"ingredients: expected {expect['ingredients']}, got {have_rows}")
    if "extra_columns" in expect:
        have_extra = [
            [[c["amount"], c["unit"]] for c in i.extra_columns] for i in result.ingredients
        ]
        if have_extra != expect["extra_columns"]:
            problems.append(f"extra_columns: expected {expect['extra_columns']}, got {have_extra}")
    if "row0" in expect and result.ingredients:
        problems += differences(result.ingredients[0], expect["row0"])
    if "other_ingredients" in expect and result.other_ingredients != expect["other_ingredients"]:
        problems.append(f"other_ingredients: got {result.other_ingredients}")
    if "marks" in expect and [m.id for m in result.marks] != expect["marks"]:
        problems.append(f"marks: got {[m.id for m in result.marks]}")
    if "lookalikes" in expect and len(result.lookalikes) != expect["lookalikes"]:
        problems.append(f"lookalikes: got {result.lookalikes}")
    if "warnings" in expect and sorted(w.id for w in result.warnings) != sorted(expect["warnings"]):
        problems.append(f"warnings: got {[w.id for w in result.warnings]}")
    if "interactions" in expect:
        have = {i.id: i.severity for i in result.interactions}
        for cid, severity in expect["interactions"].items():
            if have.get(cid) != severity:
                problems.append(f"interaction {cid}: expected {severity}, got {have}")
    if "unparsed" in expect and result.unparsed != expect["unparsed"]:
        problems.append(f"unparsed: got {result.unparsed}")
    return problems


@pytest.mark.parametrize("panel", PANELS, ids=[p["id"] for p in PANELS])
def test_panel(panel: dict[str, Any]) -> None:
    result = read_text(panel["text"])
    problems = _check(result, panel["expect"])
    assert not problems, "\n".join(problems)


def test_a_blend_name_wrapped_at_the_rows_indent_is_one_name() -> None:
    # A narrow name column (synthetic photo, RapidOCR): the blend's name wraps over three
    # lines at the row's own indent, so the middle line is not indented under the blend and
    # waits for an amount.
    lines = [
        "Supplement Facts",
        "Amount Per Serving %DV",
        "Magnesium 200 mg 48%",
        "Proprietary 400 mg",
        "Magnesium",
        "Blend",
        "Magnesium",
        "Oxide",
        "Magnesium",
        "Malate",
    ]
    # The other ingredients start further left: the indents tell the layout.
    result = read_lines(
        [*(Line(text, indent=1) for text in lines), Line("Other ingredients: silica.", indent=0)]
    )
    rows = [(i.name, i.blend, i.amount) for i in result.ingredients]
    assert rows == [
        ("Magnesium", None, 200.0),
        ("Proprietary Magnesium Blend", None, 400.0),
        ("Magnesium Oxide", "Proprietary Magnesium Blend", None),
        ("Magnesium Malate", "Proprietary Magnesium Blend", None),
    ]
