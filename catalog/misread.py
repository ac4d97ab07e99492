"""Corrections for rows read by a camera (OCR output only; typed label text is taken as
written): misread nutrient names, stray text joined to the front of a name, a misread "(as"
that kept a row's form inside its name, and a unit misread or lost where the row's %DV tells
it. A row whose name is garbled past reading is named by its forms when they tell the
mineral, and set aside as unparsed when nothing does; so is a row in a unit its nutrient is
never given in (energy in grams, a mineral in kcal), or with more energy than any serving
holds."""

from __future__ import annotations

import math
import re

from catalog.amounts import daily_value_fit, parse_number, to_mg
from catalog.knowledge import Nutrient
from catalog.lexicon import glyph_key, lexicon
from catalog.models import Ingredient, ScanResult, Unit
from catalog.rows import parse_row
from catalog.text import normalize

# Everything up to the last digit, bracket or slash of a row name: text from beside or above
# the row that the line rebuilding joined to its front ("Sening ize Tosp (20g) Sat Fat").
_JOINED_FRONT = re.compile(r"^.*[\d()\[\]/]")
# "(as" as the camera reads it: "(a5", "(35", "(3s", "(8s", "(ar", "(es", "(ms", "(a" or "(s"
# with a letter lost, and "Cas" with the bracket taken for a C. Followed by a word, as a form's
# name is, or by a bracket the camera read for its first letters ("(es (panocbalamin)").
_MISREAD_AS = re.compile(r"(?:\((?:[a-z38][s5r]|a|s)|\bC(?:[a38][s5r]|a|s))(?=\s+\(?[A-Za-z])")
# The shortest nutrient name a lost "(as" is restored after ("Zinc", "Iron").
_NAME_LETTERS = 4
# How closely (0-100, lexicon.resemblance) a garbled name must resemble a nutrient's for its
# row's %DV to name it.
_RESEMBLES = 60.0
# How closely a garbled name must resemble one nutrient, and how much less every other, to
# name a row by its letters alone ("Magihesium 45 mg", 84 against calcium's 59). Of the 622
# ingredient names in the catalog's co-ingredients, the DSLD rows, the generator and the real
# truth files, none that the lexicon does not know passes both ("cholestin" is 88 like
# cholesterol but 75 like calories).
_RESEMBLES_ALONE = 80.0
_RESEMBLES_ALONE_LEAD = 20.0
# How closely a name cut at its left end ("agwesum (as magnesium taurate)", 75) must resemble
# the one mineral its own form names, for the form to name the row: less than a name alone
# needs (_RESEMBLES_ALONE), as the form's words agree with its letters. A whole printed name
# starts with a capital and is not taken so: "Magnesia (as magnesium oxide)" is the oxide's
# old name, its amount the compound's.
_RESEMBLES_FORM = 70.0
# How much nearer (lexicon.resemblance points) a garbled name must be to one of two nutrients
# whose daily values its %DV fits, for that one to name it.
_RESEMBLES_LEAD = 10.0
# The least printed %DV that tells a unit: within its point of rounding, 0% or 1% fits a
# thousandth of the amount as well ("Sodium 80 mg 0%" is no 80 mcg).
_TELLING_DV = 2.0
# Longest word of a scrap: "Ma m", "um", "mn" are pieces of words, not a name.
_SCRAP_LETTERS = 3


def correct_misread_rows(result: ScanResult) -> None:
    """Every correction, in order: the form bracket first, so that the name left in front of
    it is the one corrected."""
    for ing in result.ingredients:
        _reread_misread_intro(ing)
    correct_lost_decimal_points(result)
    correct_misread_names(result)
    correct_nanograms(result)
    correct_misread_units(result)
    set_aside_garbled_rows(result)
    set_aside_wrong_units(result)


def _lost_intro(name: str) -> tuple[str, str] | None:
    """ "Magnesium magnesium oxide, aspartate and gluconate)": the "(as" lost altogether, a
    bracket closed that was never opened after a nutrient's name. The name's front (the
    longest run of its first words that names a nutrient) and the rest, or None."""
    if "(" in name or not name.rstrip().endswith(")"):
        return None
    words = name.split()
    for n in range(min(3, len(words) - 1), 0, -1):
        front = " ".join(words[:n])
        # Four letters at least: "Cal S ca ca e)" is scraps, not Calories with a form.
        if len(front) >= _NAME_LETTERS and lexicon().nutrient_id(front) is not None:
            return front + " ", " ".join(words[n:])
    return None


def _reread_misread_intro(ing: Ingredient) -> None:
    """ "Vitamin B6 (a pyridoxine HCI)", "Calclum Cas calcium carbonate)": a misread "(as"
    leaves the form in the row's name (and a mineral's amount read as a compound's), and so
    does one lost altogether ("Magnesium magnesi taurate an magnesiun carbonate)"). The row
    is read again with the "(as" restored, and taken when it reads the same amounts under a
    nutrient's name; "Proprietary Blend (a blend of ...)" stays as it is."""
    if not ing.text.startswith(ing.name):
        return
    intro = _MISREAD_AS.search(ing.name)
    if intro is not None:
        front, forms = ing.name[: intro.start()], ing.name[intro.end() :]
    elif (lost := _lost_intro(ing.name)) is not None:
        front, forms = lost[0], " " + lost[1]
    else:
        return
    bracket = "(as" + forms + ing.text[len(ing.name) :]
    again = parse_row(front + bracket, fuzzy=True)
    if len(again) == 1 and again[0].nutrient is None and _forms_of(again[0], ing.nutrient):
        # "Magneshun (a5 magnesium oxide, magnesium malate)": the name is too garbled to
        # spell the mineral that the forms name; read again under the mineral's name.
        again = parse_row(f"{lexicon().nutrients[str(ing.nutrient)].name} {bracket}")
    if len(again) != 1 or again[0].nutrient is None:
        return
    row = again[0]
    if (row.amount, row.unit, row.dv_percent) != (ing.amount, ing.unit, ing.dv_percent):
        return
    corrected = ["form_corrected"]
    if normalize(row.name) != normalize(front):
        corrected.append("name_corrected")
    ing.name, ing.nutrient = row.name, row.nutrient
    ing.flags = [f for f in ing.flags if f != "elemental_estimated"]
    _take_forms(ing, row, corrected)


def _forms_of(row: Ingredient, mineral: str | None) -> bool:
    """Whether `row` names forms, every one of them a form of `mineral`."""
    forms = lexicon().forms
    return bool(row.forms) and all(f in forms and forms[f].mineral == mineral for f in row.forms)


def _nutrient_after_joined_text(name: str) -> str | None:
    """The nutrient named by the words after a row name's joined front, or None. Only after a
    digit, bracket or slash: words alone ("Pea Protein", "Sea Salt") are an ingredient's own
    name, not a nutrient's with something in front."""
    front = _JOINED_FRONT.match(name)
    if front is None:
        return None
    words = name[front.end() :].split()
    for start in range(len(words)):  # the longest tail first: "Trans Fat" before "Fat"
        nutrient = lexicon().nutrient_id(" ".join(words[start:]))
        if nutrient is not None:
            return nutrient
    return None


def _nutrient_by_share(ing: Ingredient) -> str | None:
    """The nutrient of a row whose name is too garbled to spell it ("Macin", "Zine", "Bletin",
    or "amin C" with its left end lost) but whose printed %DV is its amount's share of that
    nutrient's daily value: the one nutrient that the name resembles and the %DV fits. Two
    readings agree then, the name's letters and the row's own figures; neither alone is
    taken."""
    if ing.amount is None or ing.dv_percent is None or ing.dv_operator is not None:
        return None
    lex = lexicon()
    fitting = [
        (score, nutrient)
        for score, nutrient in _resemblance_ranked(ing.name)
        if score >= _RESEMBLES and _share_fits(lex.nutrients[nutrient], ing)
    ]
    if not fitting:
        return None
    # Two nutrients can share a daily value (vitamin B6 now and riboflavin before 2020 are
    # both 1.7 mg): the name decides between them only when it is clearly nearer one.
    if len(fitting) > 1 and fitting[0][0] - fitting[1][0] < _RESEMBLES_LEAD:
        return None
    return fitting[0][1]


def _nutrient_resembled(ing: Ingredient) -> str | None:
    """The nutrient a garbled name clearly resembles and no other comes near, for a row whose
    unit fits it and whose printed %DV, if any, does not say otherwise."""
    if ing.amount is None:
        return None
    nutrient = _closest(ing.name, _RESEMBLES_ALONE, _RESEMBLES_ALONE_LEAD)
    if nutrient is None or not _unit_fits(nutrient, ing.unit):
        return None
    if ing.dv_percent is not None and not _share_fits(lexicon().nutrients[nutrient], ing):
        return None
    return nutrient


def _mineral_of_form(ing: Ingredient) -> str | None:
    """The mineral of a row whose name lost its left end ("agwesum") and resembles the one
    mineral the row's printed form names ("(as magnesium taurete)")."""
    if not ing.name[:1].islower() or ing.amount is None:
        return None
    mineral = _form_mineral(ing)
    if mineral is None:
        return None
    score = lexicon().resemblance(_before_misread_as(ing.name)).get(mineral, 0.0)
    return mineral if score >= _RESEMBLES_FORM else None


def _form_mineral(ing: Ingredient) -> str | None:
    """The one mineral the row's printed forms name; None when they name none or several."""
    minerals = set(lexicon().minerals_in(" ".join(ing.forms_text)))
    return minerals.pop() if len(minerals) == 1 else None


def _resemblance_ranked(name: str) -> list[tuple[float, str]]:
    """(resemblance, nutrient) for every nutrient, the closest first, judged on the name in
    front of a misread "(as"."""
    scores = lexicon().resemblance(_before_misread_as(name))
    return sorted(((score, nutrient) for nutrient, score in scores.items()), reverse=True)


def _share_fits(nutrient: Nutrient, ing: Ingredient) -> bool:
    """Whether the row's printed %DV is its amount's share of the nutrient's daily value, or
    its second amount's ("2,000 IU (50 mcg) 250%": the share of 20 mcg)."""
    printed = ing.dv_percent
    return printed is not None and any(
        amount is not None and daily_value_fit(nutrient, amount, unit, printed)
        for amount, unit in ((ing.amount, ing.unit), (ing.alt_amount, ing.alt_unit))
    )


def _before_misread_as(name: str) -> str:
    """The name in front of a misread "(as" ("Thamin 86" of "Thamin 86 (8s pyridexine HCH"):
    the form's words after it would only blur how the name resembles a nutrient's."""
    intro = _MISREAD_AS.search(name)
    return name[: intro.start()].rstrip() if intro is not None and intro.start() else name


def correct_misread_names(result: ScanResult) -> None:
    """OCR misreads letters ("lodine", "Magnesiurn") and joins stray text to the front of a
    name ("Dasis trom Fat 110 Sodium"): a row name that is no nutrient but nearly spells one,
    or ends in one after a digit, bracket or slash, is given the nutrient's name, flagged
    `name_corrected`, and a mineral's row is read again under it for its forms. A row whose
    nutrient was told by its form ("Calclum (as calcium carbonate)") gets the nutrient's name
    when its own nearly spells it."""
    lex = lexicon()
    for ing in result.ingredients:
        if ing.nutrient is not None and not _unit_fits(ing.nutrient, ing.unit):
            # "Cal (as 100 mg 8%": a name short for energy ("Cal"), in a mineral's unit; the
            # %DV names the nutrient the row is, or the row is set aside (set_aside_wrong_units).
            share = _nutrient_by_share(ing)
            if share is not None and _unit_fits(share, ing.unit):
                _reread_forms(ing, lex.nutrients[share].name, share)
                _name_as(ing, share)
            continue
        if not ing.name or (ing.nutrient is not None and lex.nutrient_id(ing.name) is not None):
            _respell(ing)
            continue
        spelt = lex.nutrient_id(ing.name, fuzzy=True)
        if ing.nutrient is not None:
            if spelt == ing.nutrient:
                _name_as(ing, spelt)
            continue
        nutrient = (
            spelt
            or lex.ending_of(ing.name)
            or _nutrient_after_joined_text(ing.name)
            or _nutrient_by_share(ing)
            or _nutrient_resembled(ing)
            or _mineral_of_form(ing)
        )
        if nutrient is not None:
            _reread_forms(ing, lex.nutrients[nutrient].name, nutrient)
            _name_as(ing, nutrient)
        elif (whole := lex.whole_coingredient_word(ing.name)) is not None:
            # A herb or hormone to flag, its name cut at the frame's edge ("atonin 1 mg").
            ing.name = whole
            ing.flags.append("name_corrected")


def correct_lost_decimal_points(result: ScanResult) -> None:
    """ "Manganese (as manganese gluconate) 23mg 100%": the point of "2.3" lost, small and
    faint in a blurred photo. The row is read again with a point before its amount's last digit,
    and flagged `amount_corrected`, when the amount was printed as two or more digits with no
    separator and its printed %DV is not its share of the nutrient's daily value (for a garbled
    name: of the nutrient the name clearly resembles) but is the share of a tenth of it. Two
    readings agree then, the %DV and the digits."""
    for ing in result.ingredients:
        figures = _telling_figures(ing)
        if figures is None or figures[0] < 10:
            continue
        amount, printed = figures
        # A garbled name counts only for the nutrient it is clearly nearest: the amount read
        # again is a second guess ("Zine ... 15 mg 100%" is no thiamin at 1.5 mg).
        nutrient = ing.nutrient or _closest(ing.name, _RESEMBLES, _RESEMBLES_LEAD)
        if nutrient is None:
            continue
        known = lexicon().nutrients[nutrient]
        digits = _printed_digits(amount)
        if (
            digits is not None
            and not _share_fits(known, ing)
            and daily_value_fit(known, amount / 10, ing.unit, printed)
        ):
            _reread_with_point(ing, ing.text or "", digits)


def _telling_figures(ing: Ingredient) -> tuple[float, float] | None:
    """The row's amount and printed %DV when the %DV can tell what the amount should be: a
    share (not a bound) of at least _TELLING_DV, of an amount in a unit of weight or none."""
    amount, printed = ing.amount, ing.dv_percent
    if (
        amount is None
        or printed is None
        or printed < _TELLING_DV
        or ing.dv_operator is not None
        or (ing.unit is not None and ing.unit not in _WEIGHT_UNITS)
    ):
        return None
    return amount, printed


def _closest(name: str, least: float, lead: float) -> str | None:
    """The nutrient a name resembles at `least` and by `lead` points more than any other."""
    ranked = _resemblance_ranked(name)
    if not ranked or ranked[0][0] < least:
        return None
    if len(ranked) > 1 and ranked[0][0] - ranked[1][0] < lead:
        return None
    return ranked[0][1]


def _printed_digits(amount: float) -> str | None:
    """The digits a whole amount was printed with ("23" of 23.0); None for any other, and for
    one ending in 0: labels print 9 mg, not "9.0 mg", so "90 mg 10%" is more likely a %DV that
    lost a digit than an amount that lost its point."""
    digits = str(int(amount)) if amount.is_integer() else ""
    return digits if digits and not digits.endswith("0") else None


def _reread_with_point(ing: Ingredient, text: str, digits: str) -> None:
    """Reads the row again with a point before the last of the amount's `digits`; takes the
    amount (and a mineral's forms and elemental amount) when the row reads the same unit and
    %DV so; the row's text is given the point."""
    found = list(re.finditer(rf"(?<![\d.,]){digits}(?![\d.,]*\d)", text))
    if len(found) != 1:
        return
    at = found[0].end() - 1
    pointed = f"{text[:at]}.{text[at:]}"
    again = parse_row(pointed, fuzzy=True)
    amount = float(digits) / 10
    if (
        len(again) != 1
        or again[0].amount is None
        or not math.isclose(again[0].amount, amount)
        or (again[0].unit, again[0].dv_percent) != (ing.unit, ing.dv_percent)
    ):
        return
    # The text too, so that a name corrected next reads the row again with the point.
    ing.amount, ing.text = again[0].amount, pointed
    _take_forms(ing, again[0], ["amount_corrected"])


def correct_misread_units(result: ScanResult) -> None:
    """ "Biotin 30 mg 100%", "Biotin 300 1,000%": a unit the camera misread ("mcg" as "mg",
    or its "mc" lost) or lost, when the row's printed %DV is its amount's share of the
    nutrient's daily value in exactly one unit of weight, and not in the unit read. Two of the
    row's own readings agree then, the amount and the %DV. The row is read again in that unit
    (a mineral's elemental amount follows from it) and flagged `unit_corrected`."""
    lex = lexicon()
    for ing in result.ingredients:
        nutrient = lex.nutrients.get(ing.nutrient or "")
        figures = _telling_figures(ing)
        if nutrient is None or figures is None:
            continue
        amount, printed = figures
        if ing.unit and daily_value_fit(nutrient, amount, ing.unit, printed):
            continue
        fitting = [
            unit for unit in _WEIGHT_UNITS if daily_value_fit(nutrient, amount, unit, printed)
        ]
        if len(fitting) == 1:
            _reread_in_unit(ing, fitting[0])


# "400 ng" in a row's text. Panels declare mg and mcg (21 CFR 101.36(b)(2)), never nanograms;
# blurred, an "m" that lost a hump reads as "n".
_NANOGRAMS = re.compile(r"(?<![\w.,])(?P<num>\d[\d.,]*)\s*ng\b")


def correct_nanograms(result: ScanResult) -> None:
    """ "Magnesium (as 400 ng": a row read in nanograms (reported in mcg) is read again in mg
    and flagged `unit_corrected`, unless it prints a %DV that the amount in mg does not fit."""
    lex = lexicon()
    for ing in result.ingredients:
        found = list(_NANOGRAMS.finditer(ing.text or "")) if ing.unit == "mcg" else []
        printed = _parse_or_none(found[-1]["num"]) if found else None
        if printed is None or ing.amount is None or not math.isclose(printed / 1000, ing.amount):
            continue
        nutrient = lex.nutrients.get(ing.nutrient or "")
        dv = ing.dv_percent
        if (
            nutrient is not None
            and dv is not None
            and not daily_value_fit(nutrient, printed, "mg", dv)
        ):
            continue
        text = _with_unit(ing.text, printed, "mg")
        again = parse_row(text, fuzzy=True) if text is not None else []
        if len(again) == 1 and (again[0].amount, again[0].unit) == (printed, "mg"):
            ing.amount, ing.unit = printed, "mg"
            _take_forms(ing, again[0], ["unit_corrected"])


def _parse_or_none(number: str) -> float | None:
    try:
        return parse_number(number.rstrip(".,"))
    except ValueError:
        return None


def _reread_in_unit(ing: Ingredient, unit: Unit) -> None:
    """Reads the row's text again with `unit` after its amount; takes what that says of the
    unit, and for a mineral of its forms and elemental amount, when the row reads the same
    amount and %DV under the same nutrient. A vitamin's row takes the unit alone when its
    garbled name does not read again ("lotin (as d-biotin) 300 1,000%")."""
    text = _with_unit(ing.text, ing.amount, unit)
    again = parse_row(text, fuzzy=True) if text is not None else []
    same = (
        len(again) == 1
        and again[0].nutrient == ing.nutrient
        and (again[0].amount, again[0].unit, again[0].dv_percent)
        == (ing.amount, unit, ing.dv_percent)
    )
    if same:
        ing.basis = again[0].basis
        _take_forms(ing, again[0])
    elif lexicon().is_mineral(ing.nutrient):
        return  # its elemental amount would be left unworked
    ing.unit = unit
    ing.flags.append("unit_corrected")


# A number in a row's text and the word after it (its unit, or a misreading of one).
_NUMBER_AND_WORD = re.compile(r"(?<![\w.,])(?P<num>\d[\d.,]*)(?P<unit>\s*[^\W\d_]+)?")


def _with_unit(text: str, amount: float | None, unit: str) -> str | None:
    """The text with `unit` after the last number that reads as `amount`, in place of the word
    after it (a misread unit), or None where no number does."""
    if amount is None:
        return None
    for m in reversed(list(_NUMBER_AND_WORD.finditer(text))):
        value = _parse_or_none(m["num"])
        if value is not None and math.isclose(value, amount):
            return f"{text[: m.end('num')]} {unit}{text[m.end() :]}"
    return None


def garbled(name: str) -> bool:
    """A row name the camera garbled past reading: a bracket closed that was never opened (the
    tail of a form read as the name: "um orotate)", "Cal S ca ca e)"), words of two letters at
    most ("Ma m"), or one lowercase scrap of a word ("um", "mn"). No name printed on a panel
    looks like this; a herb's short syllables come with longer words ("He Shou Wu")."""
    if name.count(")") > name.count("("):
        return True
    words = [w.strip(".,:;'\"") for w in name.split()]
    if len(words) >= 2 and all(len(w) <= 2 for w in words):
        return True
    return (
        len(words) == 1
        and words[0].isalpha()
        and words[0].islower()
        and len(words[0]) <= _SCRAP_LETTERS
    )


def set_aside_garbled_rows(result: ScanResult) -> None:
    """Rows under a garbled name that names no nutrient: when their forms name one mineral
    ("um (as calcium bonate) 500 mg"), the row is that mineral's; otherwise the name
    cannot be read, and the row's text goes to `unparsed` instead of showing an amount under
    a scrap of a word. A blend's heading stays: its members hang on it."""
    lex = lexicon()
    kept = []
    for ing in result.ingredients:
        if ing.nutrient is not None or ing.is_blend or not garbled(ing.name):
            kept.append(ing)
            continue
        mineral = _form_mineral(ing) if ing.forms else None
        if mineral is not None:
            _reread_forms(ing, lex.nutrients[mineral].name, mineral)
            _name_as(ing, mineral)
            kept.append(ing)
        else:
            result.unparsed.append(ing.text or ing.name)
    result.ingredients = kept


_ENERGY_UNITS = frozenset({"kcal", "kJ"})
_WEIGHT_UNITS: tuple[Unit, ...] = ("mg", "mcg", "g")
# More energy than any serving holds: fat, the densest food, gives 9 kcal a gram (Atwater),
# so 5,000 kcal is over half a kilogram of pure fat. A camera that ran a row's figures
# together reads "Calories 350 1060" as 3501060.
_MAX_ENERGY = {"kcal": 5000.0, "kJ": 21000.0}
# More of one vitamin or mineral than any serving holds: the largest doses sold are a few
# grams (vitamin C powders, potassium in drink mixes); 50 g is a misread figure or unit.
_MAX_MICRONUTRIENT_MG = 50_000.0


def set_aside_wrong_units(result: ScanResult) -> None:
    """Rows whose amount their nutrient is never given in: energy in grams ("Energy 18g", the
    amount of the row below), a vitamin or mineral in kcal ("Calcium ... 7519 kcal"); energy
    beyond what any serving holds, a vitamin or mineral by the tens of grams ("calcium 509 g"),
    and no vitamin or mineral at all that is yet a share of its daily value ("Pantothenic Acid
    0mg 200%"). The camera joined a name to another row's amount, misread the unit or a
    figure, or ran figures together; either way the amount shown would be wrong, so the row's
    text goes to `unparsed`."""
    kept = []
    for ing in result.ingredients:
        if _unit_fits(ing.nutrient, ing.unit) and not _impossible_amount(ing):
            kept.append(ing)
        else:
            result.unparsed.append(ing.text or ing.name)
    result.ingredients = kept


def _impossible_amount(ing: Ingredient) -> bool:
    """More than any serving holds, or nothing that is yet a share of the daily value."""
    if ing.amount is None:
        return False
    if ing.unit in _MAX_ENERGY:
        return ing.amount > _MAX_ENERGY[ing.unit]
    nutrient = lexicon().nutrients.get(ing.nutrient or "")
    weight = to_mg(ing.amount, ing.unit)
    micronutrient = nutrient is not None and nutrient.kind in ("vitamin", "mineral")
    if micronutrient and weight is not None and weight > _MAX_MICRONUTRIENT_MG:
        return True
    # Only for vitamins and minerals: a fat's %DV may be printed beside the row above it
    # ("Saturated 1 g + Trans 0 g 8%").
    return (
        micronutrient
        and ing.amount == 0
        and ing.dv_percent is not None
        and ing.dv_percent >= _TELLING_DV
        and ing.dv_operator is None
    )


def _unit_fits(nutrient_id: str | None, unit: str | None) -> bool:
    """Whether an amount of the nutrient can be given in `unit`: energy in kcal or kJ, every
    other nutrient in anything else (true when either is unknown)."""
    nutrient = lexicon().nutrients.get(nutrient_id or "")
    return (
        nutrient is None or unit is None or (nutrient.kind == "energy") == (unit in _ENERGY_UNITS)
    )


def _respell(ing: Ingredient) -> None:
    """A name that is its nutrient's but for glyphs a camera confuses, kept as a synonym so
    that it is read at all ("lodine"), is shown as the nutrient's name ("Iodine")."""
    if ing.nutrient is None:
        return
    printed, meant = normalize(ing.name), normalize(lexicon().nutrients[ing.nutrient].name)
    if printed != meant and glyph_key(printed) == glyph_key(meant):
        _name_as(ing, ing.nutrient)


def _name_as(ing: Ingredient, nutrient: str) -> None:
    """The row is the nutrient's, under the nutrient's name, flagged `name_corrected`."""
    ing.nutrient, ing.name = nutrient, lexicon().nutrients[nutrient].name
    ing.flags.append("name_corrected")


def _reread_forms(ing: Ingredient, name: str, nutrient: str) -> None:
    """Reads the row again under its corrected name, for what the name decides: a mineral's
    forms and whether its amount is elemental ("Magneslum (from 750 mg magneslum
    bisglycinate chelate) 105 mg"). Left as it is when the row does not read the same."""
    if not lexicon().is_mineral(nutrient) or not ing.text.startswith(ing.name):
        return
    again = parse_row(name + ing.text[len(ing.name) :])
    if len(again) != 1 or again[0].nutrient != nutrient:
        return
    row = again[0]
    if (row.amount, row.unit, row.dv_percent) != (ing.amount, ing.unit, ing.dv_percent):
        return
    _take_forms(ing, row)


def _take_forms(ing: Ingredient, row: Ingredient, flags: list[str] | None = None) -> None:
    """What the row read again says of the forms and the elemental amount, and its flags."""
    ing.forms, ing.forms_text, ing.basis = row.forms, row.forms_text, row.basis
    ing.elemental_mg, ing.compound_mg = row.elemental_mg, row.compound_mg
    ing.flags += [f for f in (*row.flags, *(flags or [])) if f not in ing.flags]
