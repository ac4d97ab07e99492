"""Corrections for rows read by a camera (OCR output only; typed label text is taken as
written): misread nutrient names, stray text joined to the front of a name, and a misread
"(as" that kept a row's form inside its name; a row whose name is garbled past reading is
named by its forms when they tell the mineral, and set aside as unparsed when nothing does;
so is a row in a unit its nutrient is never given in (energy in grams, a mineral in kcal),
or with more energy than any serving holds."""

from __future__ import annotations

import re

from catalog.amounts import daily_value_fit
from catalog.lexicon import glyph_key, lexicon
from catalog.models import Ingredient, ScanResult
from catalog.rows import parse_row
from catalog.text import normalize

# Everything up to the last digit, bracket or slash of a row name: text from beside or above
# the row that the line rebuilding joined to its front ("Sening ize Tosp (20g) Sat Fat").
_JOINED_FRONT = re.compile(r"^.*[\d()\[\]/]")
# "(as" as the camera reads it: "(a5", "(35", "(3s", "(a" with its s lost, and "Cas" with the
# bracket taken for a C. Followed by a word, as a form's name is.
_MISREAD_AS = re.compile(r"(?:\(|\bC)(?:[a3][s5]|a)(?=\s+[A-Za-z])")
# The shortest nutrient name a lost "(as" is restored after ("Zinc", "Iron").
_NAME_LETTERS = 4
# How closely (0-100, lexicon.resemblance) a garbled name must resemble a nutrient's for its
# row's %DV to name it.
_RESEMBLES = 60.0
# Longest word of a scrap: "Ma m", "um", "mn" are pieces of words, not a name.
_SCRAP_LETTERS = 3


def correct_misread_rows(result: ScanResult) -> None:
    """Every correction, in order: the form bracket first, so that the name left in front of
    it is the one corrected."""
    for ing in result.ingredients:
        _reread_misread_intro(ing)
    correct_misread_names(result)
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
    fitting = {
        nutrient
        for nutrient, score in lex.resemblance(ing.name).items()
        if score >= _RESEMBLES
        and daily_value_fit(lex.nutrients[nutrient], ing.amount, ing.unit, ing.dv_percent)
    }
    return fitting.pop() if len(fitting) == 1 else None


def correct_misread_names(result: ScanResult) -> None:
    """OCR misreads letters ("lodine", "Magnesiurn") and joins stray text to the front of a
    name ("Dasis trom Fat 110 Sodium"): a row name that is no nutrient but nearly spells one,
    or ends in one after a digit, bracket or slash, is given the nutrient's name, flagged
    `name_corrected`, and a mineral's row is read again under it for its forms. A row whose
    nutrient was told by its form ("Calclum (as calcium carbonate)") gets the nutrient's name
    when its own nearly spells it."""
    lex = lexicon()
    for ing in result.ingredients:
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
        )
        if nutrient is not None:
            _reread_forms(ing, lex.nutrients[nutrient].name, nutrient)
            _name_as(ing, nutrient)


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
        minerals = set(lex.minerals_in(" ".join(ing.forms_text)))
        if ing.forms and len(minerals) == 1:
            mineral = minerals.pop()
            _reread_forms(ing, lex.nutrients[mineral].name, mineral)
            _name_as(ing, mineral)
            kept.append(ing)
        else:
            result.unparsed.append(ing.text or ing.name)
    result.ingredients = kept


_ENERGY_UNITS = frozenset({"kcal", "kJ"})
# More energy than any serving holds: fat, the densest food, gives 9 kcal a gram (Atwater),
# so 5,000 kcal is over half a kilogram of pure fat. A camera that ran a row's figures
# together reads "Calories 350 1060" as 3501060.
_MAX_ENERGY = {"kcal": 5000.0, "kJ": 21000.0}


def set_aside_wrong_units(result: ScanResult) -> None:
    """Rows whose unit no amount of their nutrient is given in: energy in grams ("Energy
    18g", the amount of the row below), a vitamin or mineral in kcal ("Calcium ... 7519
    kcal"); and energy beyond what any serving holds. The camera joined a name to another
    row's amount, misread the unit or ran figures together; either way the amount shown
    would be wrong, so the row's text goes to `unparsed`."""
    lex = lexicon()
    kept = []
    for ing in result.ingredients:
        nutrient = lex.nutrients.get(ing.nutrient or "")
        unit_fits = (
            nutrient is None
            or ing.unit is None
            or (nutrient.kind == "energy") == (ing.unit in _ENERGY_UNITS)
        )
        too_much = (
            ing.unit in _MAX_ENERGY
            and ing.amount is not None
            and ing.amount > _MAX_ENERGY[ing.unit]
        )
        if unit_fits and not too_much:
            kept.append(ing)
        else:
            result.unparsed.append(ing.text or ing.name)
    result.ingredients = kept


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
