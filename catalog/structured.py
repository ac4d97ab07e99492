"""A label from structured panel rows -> ScanResult, without rendering text to parse it back.

Label databases (the NIH DSLD export) already split each panel row into name, forms, amount,
unit and %DV. The name and its forms go through the same splitting and form matching as a
printed row (`rows.split_name`, `rows.describe_forms`), so the forms and the elemental/compound
decision are exactly the parser's; only the amount columns come from the fields.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from catalog.amounts import QUALIFIERS, unit_of
from catalog.checks import annotate
from catalog.lexicon import lexicon
from catalog.models import Ingredient, Panel, ScanResult, Unit
from catalog.profile import Profile
from catalog.rows import NameParts, describe_forms, split_name
from catalog.score import score_label
from catalog.text import split_top_level

# How databases say a row prints no amount (a blend member, "Not Present").
_NO_AMOUNT_UNITS = frozenset({"", "np", "not present", "n/a", "na"})
_OPERATORS: dict[str, Literal["<", ">", "~"] | None] = {
    "": None, "=": None, "<": "<", "≤": "<", "<=": "<", ">": ">", "≥": ">", ">=": ">",
    "~": "~", "about": "~", "approx": "~", "approx.": "~",
}  # fmt: skip
_NO_FORM = frozenset({"", "unspecified", "none", "n/a"})
_SERVING_COUNT = re.compile(r"^\s*(?:about\s+)?(\d+(?:\.\d+)?)\b")


class RowError(ValueError):
    """A structured row that cannot be read (an unknown unit or operator)."""


@dataclass(frozen=True, slots=True)
class PanelRow:
    """One panel row as a database stores it. `forms` are the database's form names
    ("magnesium oxide"); `unit` as exported ("mg", "Gram(s)", "mcg DFE", "NP")."""

    name: str
    forms: tuple[str, ...] = ()
    amount: float | None = None
    unit: str = ""
    dv_percent: float | None = None
    operator: str = ""
    blend: str | None = None  # the name of the blend row this row is a member of


@functools.lru_cache(maxsize=4096)
def read_unit(text: str) -> tuple[Unit | None, float, str | None]:
    """(contract unit, factor into it, qualifier) for an exported unit; (None, 1, None) when
    the row prints no amount. Raises RowError for a unit the catalog does not know."""
    key = text.strip().strip("{}").strip().lower()
    if key in _NO_AMOUNT_UNITS:
        return None, 1.0, None
    word, _, rest = key.partition(" ")
    unit, factor = unit_of(word)
    qualifier = QUALIFIERS.get(rest.replace("-", "").replace(" ", "")) if rest else None
    if unit is None or (rest and qualifier is None):
        raise RowError(f"unknown unit {text.strip()!r}")
    return unit, factor, qualifier


@functools.lru_cache(maxsize=65536)
def _name_parts(name: str, forms: tuple[str, ...]) -> NameParts:
    """The name split as a printed row's would be, with the database's forms as its "(as ...)"
    group. Cached: ingredient vocabulary repeats across a database. Callers must not mutate."""
    parts = split_name(name)
    listed = [f.strip() for f in forms if f.strip().lower() not in _NO_FORM]
    if listed:
        parts.form_groups = [*parts.form_groups, ", ".join(listed)]
    return parts


def ingredient_from_row(row: PanelRow) -> Ingredient:
    """One ingredient with forms, basis and elemental/compound mg, as `rows.parse_row` would
    give for the printed row. A %DV of 0 is read as not printed: exports write 0 where the
    panel prints a dagger or nothing."""
    operator = row.operator.strip().lower()
    if operator not in _OPERATORS:
        raise RowError(f"unknown amount operator {row.operator.strip()!r}")
    unit, factor, qualifier = read_unit(row.unit)
    amount = row.amount * factor if unit is not None and row.amount is not None else None
    lex = lexicon()
    parts = _name_parts(row.name.strip(), row.forms)
    name = parts.name or row.name.strip()
    ing = Ingredient(
        name=name,
        nutrient=lex.nutrient_id(name) if name else None,
        amount=amount,
        unit=unit if amount is not None else None,
        unit_qualifier=qualifier if amount is not None else None,
        amount_operator=_OPERATORS[operator] if amount is not None else None,
        dv_percent=row.dv_percent if row.dv_percent else None,
        blend=row.blend or None,
    )
    describe_forms(lex, ing, parts if parts.name else NameParts(name=name))
    return ing


def label_from_rows(
    rows: Sequence[PanelRow],
    *,
    other_ingredients: str = "",
    serving_size: str | None = None,
) -> ScanResult:
    """The parsed label (before checks and scoring). A row named as another row's `blend` heads
    that blend and takes its members' forms in order, as a printed blend does. Raises RowError
    naming the first unreadable row (1-based)."""
    ingredients: list[Ingredient] = []
    for number, row in enumerate(rows, 1):
        try:
            ingredients.append(ingredient_from_row(row))
        except RowError as exc:
            raise RowError(f"row {number}: {exc}") from None
    blends = {ing.blend for ing in ingredients if ing.blend}
    for head in ingredients:
        if head.blend is None and head.name in blends:
            head.is_blend = True
            for member in ingredients:
                if member.blend == head.name:
                    head.forms.extend(f for f in member.forms if f not in head.forms)
    count = _SERVING_COUNT.match(serving_size or "")
    panel = Panel(
        kind="supplement_facts",
        serving_size=serving_size or None,
        serving_count=float(count.group(1)) if count else None,
    )
    others = [p.strip(" .") for p in split_top_level(other_ingredients, ",;")]
    return ScanResult(panel=panel, ingredients=ingredients, other_ingredients=others)


def read_rows(
    rows: Sequence[PanelRow],
    *,
    other_ingredients: str = "",
    marks_text: str = "",
    serving_size: str | None = None,
    profile: Profile | None = None,
) -> ScanResult:
    """Structured rows -> checked, scored result (the structured twin of `label.read_text`).
    Certification marks are looked for in `marks_text` (and the ingredient list): a database
    row names an ingredient, never a seal."""
    result = label_from_rows(rows, other_ingredients=other_ingredients, serving_size=serving_size)
    extra = [marks_text] if marks_text else []
    return score_label(annotate(result, extra), profile)
