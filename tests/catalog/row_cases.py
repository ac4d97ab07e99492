"""Loads the table-driven row cases (YAML written by hand) and compares a parsed row with
what a case expects. Only the keys a case lists are compared."""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from catalog.models import Ingredient
from catalog.text import normalize

CASES_DIR = Path(__file__).parent / "cases"


@dataclass(frozen=True)
class RowCase:
    id: str
    text: str
    expect: dict[str, Any] | None  # None: the text is no row
    note: str | None = None


def load_cases(filename: str) -> list[RowCase]:
    raw = yaml.safe_load((CASES_DIR / filename).read_text(encoding="utf-8"))
    return [RowCase(c["id"], c["text"], c["expect"], c.get("note")) for c in raw]


def _same_number(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is b
    return math.isclose(float(a), float(b), rel_tol=1e-6, abs_tol=0.051)


def differences(ing: Ingredient, expect: dict[str, Any]) -> list[str]:
    """Human-readable differences between a parsed row and the expectation."""
    got = ing.model_dump()
    diffs: list[str] = []
    for key, want in expect.items():
        have = got[key]
        if key == "forms_text":
            same = [normalize(x) for x in have] == [normalize(x) for x in want]
        elif key == "flags":
            same = set(want) <= set(have)
        elif key == "extra_columns":
            same = len(have) == len(want) and all(
                all(
                    _same_number(h.get(k), w.get(k)) if k != "unit" else h.get(k) == w.get(k)
                    for k in w
                )
                for h, w in zip(have, want, strict=True)
            )
        elif (isinstance(want, int | float) and not isinstance(want, bool)) or (
            want is None and isinstance(have, float)
        ):
            same = _same_number(have, want)
        else:
            same = have == want
        if not same:
            diffs.append(f"{key}: expected {want!r}, got {have!r}")
    return diffs
