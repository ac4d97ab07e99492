"""The score without its sentences (`assess`, used by the batch) is the explained score's
numbers: the same value, grade and components on every golden product and every product of the
real label database, under several profiles."""

from __future__ import annotations

from typing import Any

import pytest

from app.batch.reader import read_products
from bench.shared_data import shared_data
from catalog.label import read_text
from catalog.models import ScanResult
from catalog.profile import Profile
from catalog.score import assess, explain
from catalog.scoring_rules import COMPONENTS
from catalog.structured import RowError, check_rows
from tests.catalog.test_score import CASES

PROFILES = [
    None,
    Profile(gi="sensitive", organ="kidney", medications=["tacrolimus", "iron"]),
    Profile(gi="constipation", servings_per_day=3.0),
]


def _same_numbers(result: ScanResult, profile: Profile | None) -> None:
    explained = explain(result, profile)
    numbers = assess(result, profile)
    assert (numbers.value, numbers.grade) == (explained.score.value, explained.score.grade)
    assert numbers.raw_total == explained.raw_total
    assert {c: round(numbers.parts[c].value, 4) for c in COMPONENTS} == (explained.score.components)
    assert numbers.warnings == explained.warnings
    assert numbers.intake == explained.intake


def _dsld_products() -> list[ScanResult]:
    with (shared_data() / "dsld" / "dsld_rows.csv").open("rb") as src:
        items = [p for p in read_products(src) if p.error is None]
    out = []
    for item in items:
        try:
            out.append(check_rows(item.ingredients, serving_size=item.serving_size))
        except RowError:
            continue
    return out


@pytest.mark.parametrize("profile", PROFILES)
@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_golden_products(case: dict[str, Any], profile: Profile | None) -> None:
    _same_numbers(read_text(case["label"]), profile)


@pytest.mark.parametrize("profile", PROFILES)
def test_every_dsld_product(profile: Profile | None) -> None:
    products = _dsld_products()
    assert len(products) > 100
    assert any(assess(p).rows for p in products)  # some supply magnesium
    for result in products:
        _same_numbers(result, profile)
