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
from typing import Any, Literal, NamedTuple, TypeVar

from pydantic import BaseModel

from catalog import elemental
from catalog.amounts import MULTIPLIERS, QUALIFIERS, unit_of
from catalog.checks import find_interactions, find_marks, find_warnings
from catalog.lexicon import lexicon
from catalog.models import Ingredient, Panel, Quality, ScanResult, Unit
from catalog.profile import Profile
from catalog.rows import MineralBasis, NameParts, resolve_forms, split_name
from catalog.score import score_label
from catalog.text import clean, fold_accents, split_top_level

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


class PanelRow(NamedTuple):
    """One panel row as a database stores it. `forms` are the database's form names
    ("magnesium oxide"); `unit` as exported ("mg", "Gram(s)", "mcg DFE", "NP"). A named tuple:
    as immutable as a frozen dataclass, and made four times faster, once per row of a batch."""

    name: str
    forms: tuple[str, ...] = ()
    amount: float | None = None
    unit: str = ""
    dv_percent: float | None = None
    operator: str = ""
    blend: str | None = None  # the name of the blend row this row is a member of


@functools.lru_cache(maxsize=4096)
def read_unit(text: str) -> tuple[Unit | None, float, str | None]:
    """(contract unit, factor into it, qualifier) for an exported unit ("mg", "Gram(s)",
    "mcg DFE", "mg alpha-tocopherol", "Billion CFU"); (None, 1, None) when the row prints no
    amount ("NP"). Raises RowError for a unit the catalog does not know."""
    key = " ".join(text.strip().strip("{}").lower().split())
    if key in _NO_AMOUNT_UNITS:
        return None, 1.0, None
    words = key.split(" ")
    multiplier = MULTIPLIERS.get(words[0], 1.0) if len(words) > 1 else 1.0
    if multiplier != 1.0:
        words = words[1:]
    if words == ["colony", "forming", "units"]:
        words = ["cfu"]
    unit, factor = unit_of(words[0])
    rest = "".join(words[1:]).replace("-", "")
    qualifier = "alpha-tocopherol" if rest.startswith("alpha") else QUALIFIERS.get(rest)
    if unit is None or (rest and qualifier is None) or (multiplier != 1.0 and unit != "CFU"):
        raise RowError(f"unknown unit {text.strip()!r}")
    return unit, factor * multiplier, qualifier


@dataclass(frozen=True, slots=True)
class _Resolved:
    """What a row's name and forms alone decide (no amount involved)."""

    name: str
    nutrient: str | None
    forms: tuple[str, ...]
    forms_text: tuple[str, ...]
    flags: tuple[str, ...]
    basis: MineralBasis | None  # for a mineral row: what its amount is judged with


@functools.lru_cache(maxsize=65536)
def _resolve(name: str, forms: tuple[str, ...]) -> _Resolved:
    """The name split as a printed row's would be, with the database's forms as its "(as ...)"
    group, matched to form ids. Cached: ingredient vocabulary repeats across a database, and
    only the amounts differ from one product to the next."""
    parts = split_name(name)
    listed = [f.strip() for f in forms if f.strip().lower() not in _NO_FORM]
    if listed:
        parts.form_groups = [*parts.form_groups, ", ".join(listed)]
    printed = parts.name or name
    lex = lexicon()
    ing = Ingredient(name=printed, nutrient=lex.nutrient_id(printed) if printed else None)
    basis = resolve_forms(lex, ing, parts if parts.name else NameParts(name=printed))
    return _Resolved(
        ing.name, ing.nutrient, tuple(ing.forms), tuple(ing.forms_text), tuple(ing.flags), basis
    )


@dataclass(frozen=True, slots=True)
class _RowPlan:
    """What a row's text columns alone decide: the field values of a validated ingredient with
    every field but the amount's filled in (copied for each row, never handed out) and the
    fields it sets, the factor into its unit, and the basis its amount is judged with."""

    values: dict[str, Any]
    fields_set: frozenset[str]
    factor: float
    basis: MineralBasis | None


# The fields each row sets on its copy of a plan's template (its own values and new lists).
_ROW_FIELDS = frozenset(
    {"amount", "dv_percent", "blend", "forms", "forms_text", "flags", "extra_columns"}
)
_new_model = object.__new__  # what pydantic's own copy makes its instance with
# A model's state slots, set through their descriptors (what object.__setattr__ finds, without
# looking them up: this runs several times per row of a batch).
_SLOTS = vars(BaseModel)
_set_dict = _SLOTS["__dict__"].__set__
_set_fields_set = _SLOTS["__pydantic_fields_set__"].__set__
_set_extra = _SLOTS["__pydantic_extra__"].__set__
_set_private = _SLOTS["__pydantic_private__"].__set__
_M = TypeVar("_M", bound=BaseModel)


def _trusted(cls: type[_M], values: dict[str, Any], fields_set: frozenset[str]) -> _M:
    """The model `cls(**...)` would give, from every field's value already as validation makes
    it (`values` becomes the instance's own dict): what a row of a batch builds several times,
    at a third of the cost of validating. No extra or private attributes (none is declared)."""
    model = _new_model(cls)
    _set_dict(model, values)
    _set_fields_set(model, set(fields_set))
    _set_extra(model, None)
    _set_private(model, None)
    return model


# Every field of these models at its default, as validation fills it in; the lists in them
# are replaced by new ones for each label.
_PANEL_DEFAULTS: dict[str, Any] = dict(Panel().__dict__)
_PANEL_SET = frozenset({"kind", "serving_size", "serving_count"})
_QUALITY_DEFAULTS: dict[str, Any] = dict(Quality().__dict__)
_QUALITY_SET: frozenset[str] = frozenset()
_RESULT_DEFAULTS: dict[str, Any] = dict(ScanResult(quality=Quality()).__dict__)
_RESULT_SET = frozenset({"panel", "ingredients", "other_ingredients", "quality"})

# Rows that differ only in their amounts share a plan. Bounded: a plan holds an Ingredient's
# values (about 2 kB), and a real database's vocabulary of names, forms and units is a few thousand.
PLAN_CACHE_SIZE = 16384


@functools.lru_cache(maxsize=PLAN_CACHE_SIZE)
def _row_plan(
    name: str, forms: tuple[str, ...], unit_text: str, op_text: str, has_amount: bool
) -> _RowPlan:
    """The plan for rows with these text columns (`has_amount`: the row's amount column is not
    empty). Raises RowError for an unknown operator or unit (errors are not cached)."""
    operator = op_text.strip().lower()
    if operator not in _OPERATORS:
        raise RowError(f"unknown amount operator {op_text.strip()!r}")
    unit, factor, qualifier = read_unit(unit_text)
    stated = unit is not None and has_amount
    r = _resolve(name.strip(), forms)
    template = Ingredient(
        name=r.name,
        nutrient=r.nutrient,
        forms=list(r.forms),
        forms_text=list(r.forms_text),
        flags=list(r.flags),
        amount=None,
        unit=unit if stated else None,
        unit_qualifier=qualifier if stated else None,
        amount_operator=_OPERATORS[operator] if stated else None,
        dv_percent=None,
        blend=None,
    )
    fields_set = frozenset(template.model_fields_set | _ROW_FIELDS)
    return _RowPlan(dict(template.__dict__), fields_set, factor, r.basis)


def plan_cache_info() -> functools._CacheInfo:
    """Hits and misses of the row plans (for benchmarks: how much the vocabulary repeats)."""
    return _row_plan.cache_info()


def ingredient_from_row(row: PanelRow) -> Ingredient:
    """One ingredient with forms, basis and elemental/compound mg, as `rows.parse_row` would
    give for the printed row. A %DV of 0 is read as not printed: exports write 0 where the
    panel prints a dagger or nothing."""
    plan = _row_plan(row.name, row.forms, row.unit, row.operator, row.amount is not None)
    amount = (
        float(row.amount * plan.factor)
        if row.amount is not None and plan.values["unit"] is not None
        else None
    )
    # What `template.model_copy(update=...)` makes, at a third of its cost: the validated
    # template's field values (a dict copy: a clone, cheaper than a merge) with this row's own,
    # made floats as validation would, and the fields set that a copy with those updates
    # records. Every list is a new one, as rows are changed after this (flags, a blend head's
    # forms).
    values = plan.values.copy()
    values["amount"] = amount
    values["dv_percent"] = float(row.dv_percent) if row.dv_percent else None
    values["blend"] = row.blend or None
    values["forms"] = list(values["forms"])
    values["forms_text"] = list(values["forms_text"])
    values["flags"] = list(values["flags"])
    values["extra_columns"] = []
    ing = _trusted(Ingredient, values, plan.fields_set)
    if plan.basis is not None:
        b = plan.basis
        elemental.assess(
            lexicon(), ing, b.mineral, salt_named=b.salt_named, compound_mg=b.compound_mg
        )
    return ing


@functools.lru_cache(maxsize=4096)
def _serving_count(serving_size: str) -> float | None:
    """ "2 Capsule(s)" -> 2.0; once per distinct text (a database repeats a few hundred)."""
    count = _SERVING_COUNT.match(serving_size)
    return float(count.group(1)) if count else None


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
    blends = {row.blend for row in rows if row.blend}  # each ingredient's `blend`, or None
    for head in ingredients if blends else ():
        if head.blend is None and head.name in blends:
            head.is_blend = True
            for member in ingredients:
                if member.blend == head.name:
                    head.forms.extend(f for f in member.forms if f not in head.forms)
    panel = _trusted(Panel, {
        **_PANEL_DEFAULTS,
        "kind": "supplement_facts",
        "serving_size": serving_size or None,
        "serving_count": _serving_count(serving_size or ""),
        "columns": [],
    }, _PANEL_SET)  # fmt: skip
    others = (
        [p.strip(" .") for p in split_top_level(other_ingredients, ",;")]
        if other_ingredients
        else []
    )
    # What ScanResult(panel=..., ingredients=..., other_ingredients=..., quality=Quality())
    # gives (Quality passed, as pydantic deep-copies a model default per result).
    quality = _trusted(Quality, {**_QUALITY_DEFAULTS, "reasons": []}, _QUALITY_SET)
    return _trusted(ScanResult, {
        **_RESULT_DEFAULTS,
        "panel": panel,
        "ingredients": ingredients,
        "other_ingredients": others,
        "quality": quality,
        "marks": [],
        "warnings": [],
        "interactions": [],
        "unparsed": [],
        "lookalikes": [],
    }, _RESULT_SET)  # fmt: skip


def check_rows(
    rows: Sequence[PanelRow],
    *,
    other_ingredients: str = "",
    marks_text: str = "",
    serving_size: str | None = None,
) -> ScanResult:
    """Structured rows -> checked result, not yet scored. Certification marks are looked for
    in `marks_text` (and the ingredient list): a database row names an ingredient, never a
    seal."""
    result = label_from_rows(rows, other_ingredients=other_ingredients, serving_size=serving_size)
    # `checks.annotate` without its search of the rows' printed text, which structured rows
    # do not have: a label without a marks column is not scanned for seals at all.
    lex = lexicon()
    if marks_text or result.other_ingredients:  # most database rows have neither
        texts = (marks_text, *result.other_ingredients)
        text = "\n".join(fold_accents(clean(t)) for t in texts if t)
        if text:
            result.marks, result.lookalikes = find_marks(lex, text)
    result.interactions = find_interactions(lex, result)
    result.warnings = find_warnings(lex, result)
    return result


def read_rows(
    rows: Sequence[PanelRow],
    *,
    other_ingredients: str = "",
    marks_text: str = "",
    serving_size: str | None = None,
    profile: Profile | None = None,
) -> ScanResult:
    """Structured rows -> checked, scored result (the structured twin of `label.read_text`)."""
    result = check_rows(
        rows, other_ingredients=other_ingredients, marks_text=marks_text, serving_size=serving_size
    )
    return score_label(result, profile)
