"""Row-level scoring for the OCR benchmark: a predicted row counts when its name, amount and
unit all match a truth row (each truth row matches at most once)."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz

from catalog.lexicon import lexicon
from catalog.text import normalize

_LEADING = re.compile(r"^(?:of\s+which|incl(?:udes|\.)?|includes\s+[\d.,]+\s*\w+|-)\s*", re.I)
_NAME_CUTOFF = 85.0


@dataclass(frozen=True, slots=True)
class Row:
    name: str
    amount: float | None
    unit: str | None
    # A mineral row's form ids, sorted; None where forms are not scored (no truth for them).
    forms: tuple[str, ...] | None = None


@dataclass(frozen=True, slots=True)
class Counts:
    matched: int
    predicted: int
    expected: int

    @property
    def precision(self) -> float:
        return self.matched / self.predicted if self.predicted else 0.0

    @property
    def recall(self) -> float:
        return self.matched / self.expected if self.expected else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def __add__(self, other: Counts) -> Counts:
        return Counts(
            self.matched + other.matched,
            self.predicted + other.predicted,
            self.expected + other.expected,
        )


ZERO = Counts(0, 0, 0)


def _key(name: str) -> str:
    return normalize(_LEADING.sub("", name.strip()))


def same_name(a: str, b: str) -> bool:
    ka, kb = _key(a), _key(b)
    if not ka or not kb:
        return False
    if ka == kb:
        return True
    lex = lexicon()
    na, nb = lex.nutrient_id(ka), lex.nutrient_id(kb)
    if na is not None and na == nb:
        return True
    return fuzz.ratio(ka, kb) >= _NAME_CUTOFF


def same_amount(a: float | None, b: float | None) -> bool:
    return a is not None and b is not None and math.isclose(a, b, rel_tol=1e-3, abs_tol=1e-6)


def _matches(predicted: Sequence[Row], expected: Sequence[Row]) -> list[int | None]:
    """For each predicted row, the index of the expected row it matches (name, amount and
    unit; each expected row at most once, first come first served), or None."""
    used = [False] * len(expected)
    hits: list[int | None] = []
    for p in predicted:
        hit = None
        if p.amount is not None:
            hit = next(
                (
                    i
                    for i, t in enumerate(expected)
                    if not used[i]
                    and t.unit == p.unit
                    and same_amount(t.amount, p.amount)
                    and same_name(t.name, p.name)
                ),
                None,
            )
        if hit is not None:
            used[hit] = True
        hits.append(hit)
    return hits


def count(predicted: Sequence[Row], truth: Sequence[Row]) -> Counts:
    """Rows with an amount on both sides are compared; truth rows whose value could not be
    read (amount None) neither count as expected nor penalise a prediction of that name."""
    expected = [t for t in truth if t.amount is not None]
    unreadable = [t for t in truth if t.amount is None]
    matched = scored = 0
    for p, hit in zip(predicted, _matches(predicted, expected), strict=True):
        if p.amount is None:
            continue
        if hit is not None:
            matched += 1
            scored += 1
        elif not any(same_name(u.name, p.name) for u in unreadable):
            scored += 1
    return Counts(matched, scored, len(expected))


def count_forms(predicted: Sequence[Row], truth: Sequence[Row]) -> tuple[int, int]:
    """(right, scored): of the truth rows with forms that a prediction matched, how many it
    gave exactly the same form ids. Reading a row but not its form is what turns a salt's
    weight into a wrong elemental amount, or hides that a product leads with oxide."""
    expected = [t for t in truth if t.amount is not None]
    right = scored = 0
    for p, hit in zip(predicted, _matches(predicted, expected), strict=True):
        if hit is None or expected[hit].forms is None:
            continue
        scored += 1
        right += p.forms == expected[hit].forms
    return right, scored
