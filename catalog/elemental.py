"""Compound versus elemental amounts for mineral rows.

21 CFR 101.36(b)(2)(ii)(B): the amount on a mineral's row ("Magnesium (as ...) 200 mg") is the
mineral itself. A row named by the salt ("Magnesium Glycinate 500 mg") is the salt's weight,
unless its printed %DV shows otherwise. The %DV cross-check (amount / 420 mg, or / 400 mg on
pre-2020 labels) tells the two apart when the wording does not.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from catalog.amounts import daily_value_fit, to_mg
from catalog.models import Ingredient

if TYPE_CHECKING:
    from catalog.lexicon import Lexicon

# Tolerance on the plausible ratio: labels round both figures.
_RATIO_SLACK = 0.005


def _dv_match(lex: Lexicon, mineral: str, amount_mg: float, printed: float) -> str | None:
    """ "current" or "pre2020" when the printed %DV fits the amount as elemental mg."""
    return daily_value_fit(lex.nutrients[mineral], amount_mg, "mg", printed)


def _single_fraction(lex: Lexicon, forms: list[str]) -> float | None:
    sources = [f for f in forms if f in lex.forms and not lex.forms[f].excipient]
    if len(sources) != 1:
        return None
    return lex.forms[sources[0]].estimate_fraction


def assess(
    lex: Lexicon, ing: Ingredient, mineral: str, *, salt_named: bool, compound_mg: float | None
) -> None:
    amount_mg = to_mg(ing.amount, ing.unit)
    if amount_mg is None:
        ing.basis = "compound" if salt_named else "unknown"
        ing.compound_mg = compound_mg
        return
    fraction = _single_fraction(lex, ing.forms)
    dv_fit = _dv_match(lex, mineral, amount_mg, ing.dv_percent) if ing.dv_percent else None
    if dv_fit == "pre2020":
        ing.flags.append("dv_pre2020")

    if salt_named and dv_fit is None:
        ing.basis = "compound"
        ing.compound_mg = amount_mg
        if fraction is not None:
            ing.elemental_mg = round(amount_mg * fraction, 1)
            ing.flags.append("elemental_estimated")
        return

    if (
        not salt_named
        and ing.dv_percent
        and dv_fit is None
        and fraction is not None
        and _dv_match(lex, mineral, amount_mg * fraction, ing.dv_percent)
    ):
        # "Magnesium (as glycinate) 500 mg 17%": the %DV only fits the salt's weight.
        ing.basis = "compound"
        ing.compound_mg = amount_mg
        ing.elemental_mg = round(amount_mg * fraction, 1)
        ing.flags += ["dv_suggests_compound", "elemental_estimated"]
        return

    ing.basis = "elemental"
    ing.elemental_mg = amount_mg
    ing.compound_mg = compound_mg
    if compound_mg:
        check_buffering(lex, ing, amount_mg / compound_mg)


def check_buffering(lex: Lexicon, ing: Ingredient, ratio: float) -> None:
    """Flags a stated elemental/compound ratio the named salt cannot hold (bisglycinate is at
    most ~14% magnesium; "20%" means oxide was mixed in)."""
    sources = [f for f in ing.forms if f in lex.forms and not lex.forms[f].excipient]
    if len(sources) != 1:
        return
    limit = lex.forms[sources[0]].plausible_ratio
    too_rich = limit is not None and ratio > limit.max + _RATIO_SLACK
    if too_rich and "likely_buffered" not in ing.flags:
        ing.flags.append("likely_buffered")
