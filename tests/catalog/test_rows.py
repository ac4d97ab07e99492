"""Table-driven row tests: real row strings with expectations written by hand."""

from __future__ import annotations

import pytest

from catalog.rows import parse_row
from tests.catalog.row_cases import RowCase, differences, load_cases

CASES = load_cases("dsld_rows.yaml") + load_cases("label_rows.yaml")


def test_there_are_enough_cases() -> None:
    assert len(load_cases("dsld_rows.yaml")) >= 150
    assert len({c.id for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_row(case: RowCase) -> None:
    rows = parse_row(case.text)
    if case.expect is None:
        assert not rows, f"{case.text!r} read as {rows}"
        return
    assert rows, f"no row read from {case.text!r}"
    problems = differences(rows[0], case.expect)
    assert not problems, f"{case.text!r}: " + "; ".join(problems)
