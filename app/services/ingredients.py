"""Derived fields of a row given or corrected by a person: the nutrient id, and the elemental
and compound magnesium (or other mineral) amounts the score is computed from.

Fields the person set explicitly win; the rest follow the parser's rules (catalog.elemental)."""

from __future__ import annotations

from collections.abc import Iterable

from catalog.amounts import to_mg
from catalog.elemental import assess
from catalog.lexicon import lexicon
from catalog.models import Ingredient

# Flags computed from amount/forms/basis: stale once a person changes those.
_DERIVED_FLAGS = frozenset(
    {"elemental_estimated", "dv_suggests_compound", "dv_pre2020", "likely_buffered"}
)
# Changing any of these re-derives basis, elemental_mg and compound_mg.
_AMOUNT_INPUTS = frozenset({"name", "forms", "amount", "unit", "dv_percent", "basis"})


def unknown_forms(forms: Iterable[str]) -> list[str]:
    known = lexicon().forms
    return [f for f in forms if f not in known]


def derive(ing: Ingredient, explicit: set[str]) -> Ingredient:
    """Re-derives `ing` in place after the fields named in `explicit` were set by a person."""
    lex = lexicon()
    if "name" in explicit or ing.nutrient is None:
        ing.nutrient = lex.nutrient_id(ing.name)
    # A row named by its salt ("Magnesium Oxide") is about the mineral in it (catalog.rows).
    salt = None if ing.nutrient else lex.salt_named(ing.name)
    mineral = ing.nutrient if lex.is_mineral(ing.nutrient) else (salt[0] if salt else None)
    if mineral is None or not explicit & _AMOUNT_INPUTS:
        return ing
    if salt and not ing.forms:
        ing.forms = [salt[1]]
    given_elemental = ing.elemental_mg if "elemental_mg" in explicit else None
    given_compound = ing.compound_mg if "compound_mg" in explicit else None
    ing.flags = [f for f in ing.flags if f not in _DERIVED_FLAGS]
    ing.elemental_mg = None
    ing.compound_mg = None
    amount_mg = to_mg(ing.amount, ing.unit)
    if "basis" in explicit and ing.basis == "elemental":
        ing.elemental_mg = amount_mg
        ing.compound_mg = given_compound
    elif "basis" in explicit and ing.basis == "compound":
        ing.compound_mg = amount_mg
        fraction = _fraction(ing.forms)
        if amount_mg is not None and fraction is not None:
            ing.elemental_mg = round(amount_mg * fraction, 1)
            ing.flags.append("elemental_estimated")
    else:
        assess(lex, ing, mineral, salt_named=salt is not None, compound_mg=given_compound)
    if given_elemental is not None:
        ing.elemental_mg = given_elemental
        ing.flags = [f for f in ing.flags if f != "elemental_estimated"]
    if given_compound is not None:
        ing.compound_mg = given_compound
    return ing


def _fraction(forms: list[str]) -> float | None:
    lex = lexicon()
    sources = [f for f in forms if f in lex.forms and not lex.forms[f].excipient]
    return lex.forms[sources[0]].estimate_fraction if len(sources) == 1 else None
