"""One facts-panel row: text -> Ingredient.

The grammar is `NAME [(as|from FORMS)] AMOUNT UNIT [(ALT)] [%DV] [more columns]`. Splitting the
name from its forms and the amounts is pure text work; deciding what a form means and whether
an amount is elemental is delegated to the lexicon and `elemental`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from catalog import elemental
from catalog.amounts import Column, Tail, find_tail, parse_number, unit_of
from catalog.lexicon import Lexicon, lexicon
from catalog.models import Ingredient, Unit
from catalog.text import clean, normalize, split_top_level

_FORM_INTRO = re.compile(
    r"^\s*(?:form\s*:\s*)?(?:as|from|supplied\s+as|provided\s+as|providing|source\s*:)\b[\s:]*",
    re.IGNORECASE,
)
_MINERAL_COMPLEX = re.compile(r"\b(?:complex|blend|matrix)\b", re.IGNORECASE)
_FROM_INTRO = re.compile(r"^\s*from\s*$", re.IGNORECASE)
_BARE_FORM_INTRO = re.compile(r"^(?P<name>.+?)[,:]?\s+(?:as|from)\s+(?P<forms>.+)$", re.IGNORECASE)
_COMPOUND_AMOUNT = re.compile(
    r"^(?P<num>\d[\d,.]*)\s*(?P<unit>mg|mcg|µg|g)\b\.?\s*(?:of\s+)?", re.IGNORECASE
)
# A comma read as a full stop between two forms: "magnesium oxide. magnesium chloride" (a
# full stop after a compound's ending, so "Mag. Hydroxide" stays one form).
_PART_SPLIT = re.compile(
    r"\s+and\s+|\s*&\s*|\s*/\s*|\s+\+\s+|\s+plus\s+|(?<=ate|ide|ite)\.\s+(?=[a-z])",
    re.IGNORECASE,
)
_LEADING_JOINER = re.compile(r"^(?:and|or|with)\s+", re.IGNORECASE)
_NAME_TRIM = " \t:;,-_|*†‡®™℠"
_DOT_LEADER = re.compile(r"(?:\s*[.·…]){2,}\s*$|\s+[.·]\s*$")
_TRAILING_MARK = re.compile(r"(?:\s*(?:®|™|℠|\((?:r|tm)\)))+\s*$", re.IGNORECASE)
INCLUDES = re.compile(
    r"^\s*incl(?:udes\s+|\.\s*|\s+)(?P<qty>.+?)\s+(?P<name>add(?:ed)?\s+sugars?)\b(?P<rest>.*)$",
    re.I,
)
_NAME_UNIT = re.compile(r"\b(?:kj|kcal)\b")
_NAME_UNIT_PRINTED = re.compile(r"\s*\b(?:kJ|kcal|KJ|KCAL|Kcal)\b\s*")
_ENERGY = re.compile(r"\b(?:energy|calories|calorie|cal|kcal)\b")
_ENERGY_UNITS = {"kJ", "kcal"}
# A gram amount whose "g" was read as an 8 or a 9: the number, then that digit, then no more
# digits and no unit ("08", "29 1%").
_GRAM_READ_AS_DIGIT = re.compile(r"^\s*(?P<num>\d+(?:[.,]\d+)?)[89](?![\d.,]*\s*[a-zµ])", re.I)
_ZERO_OR_ONE_DECIMAL = re.compile(r"0|\d+[.,]\d")
# A unit printed after the name, in the name column, for the bare amounts of the row (EU
# and UK tables): "Fat g", "Salt (g)", "Vitamin D µg (NRV%)".
_UNIT_IN_NAME = re.compile(
    r"(?<=[A-Za-z)])\s+\(?(?P<unit>g|mg|mcg|µg|μg|ug)\)?(?:\s*\(\s*%?\s*(?:NRV|RI)\s*%?\s*\))?$"
)
_NIL = re.compile(r"(?:\s*nil\W*)+", re.I)
# Nutrients other than macronutrients that labels give in grams.
_GRAM_NUTRIENTS = frozenset({"salt"})


# "+ Trans", "• Sodium": a sub-row marker before the name.
_LEADING_MARK = re.compile(r"^[+•·*–-]+\s*")
_BILINGUAL = re.compile(r"\s*/\s*")


def _english_part(name: str) -> str:
    """ "Fat / Lipides", "Sodium/Sodio": bilingual panels print the English name first. Kept
    whole unless the first part is a nutrient and the second is not another nutrient (so
    "Magnesium Citrate/Malate" and "EPA/DHA" stay as printed)."""
    if "/" not in name:
        return name
    parts = _BILINGUAL.split(name)
    lex = lexicon()
    first = lex.nutrient_id(parts[0])
    if first is None or not parts[0]:
        return name
    others = {lex.nutrient_id(p) for p in parts[1:] if p}
    return parts[0] if others <= {None, first} else name


@dataclass(slots=True)
class NameParts:
    name: str
    form_groups: list[str] = field(default_factory=list)  # text after "as"/"from"
    other_groups: list[str] = field(default_factory=list)  # other parentheticals


def _groups(text: str) -> tuple[str, list[tuple[int, int, str]]]:
    """Top-level bracket groups as (start, end, content); an unclosed one runs to the end."""
    groups: list[tuple[int, int, str]] = []
    depth, start = 0, -1
    for i, ch in enumerate(text):
        if ch in "([":
            if depth == 0:
                start = i
            depth += 1
        elif ch in ")]" and depth > 0:
            depth -= 1
            if depth == 0:
                groups.append((start, i + 1, text[start + 1 : i]))
    if depth > 0 and start >= 0:
        groups.append((start, len(text), text[start + 1 :]))
    return text, groups


def split_name(text: str) -> NameParts:
    """ "Magnesium (as magnesium glycinate)" -> name "Magnesium", forms ["magnesium glycinate"].
    Other parentheticals (a Latin name, a plant part) stay in the name."""
    text, groups = _groups(_DOT_LEADER.sub("", text).strip(_NAME_TRIM))
    form_groups: list[str] = []
    others: list[str] = []
    kept: list[str] = []
    pos = 0
    for start, end, content in groups:
        intro = _FORM_INTRO.match(content)
        if intro:
            kept.append(text[pos:start])
            form_groups.append(content[intro.end() :].strip())
            pos = end
        else:
            others.append(content.strip())
    kept.append(text[pos:])
    name = " ".join("".join(kept).split())
    if not name.isalnum():  # only then can it end in a mark or a dot leader
        name = _DOT_LEADER.sub("", _TRAILING_MARK.sub("", name))
    name = _english_part(_LEADING_MARK.sub("", name.strip(_NAME_TRIM)))
    if not form_groups:
        bare = _BARE_FORM_INTRO.match(name)
        lex = lexicon()
        if bare and lex.is_mineral(lex.nutrient_id(bare.group("name"))):
            name, form_groups = bare.group("name").strip(_NAME_TRIM), [bare.group("forms")]
    return NameParts(name=name, form_groups=form_groups, other_groups=others)


def split_forms(group: str) -> tuple[float | None, list[str]]:
    """ "1,000 mg magnesium glycinate" -> (1000.0, ["magnesium glycinate"]);
    "Dimagnesium Malate and TRAACS® Magnesium Bisglycinate Chelate" -> two parts."""
    compound_mg: float | None = None
    m = _COMPOUND_AMOUNT.match(group)
    if m:
        unit, factor = unit_of(m.group("unit"))
        amount = parse_number(m.group("num").rstrip(".,")) * factor
        compound_mg = {"mg": amount, "g": amount * 1000, "mcg": amount / 1000}.get(unit or "")
        group = group[m.end() :]
    parts: list[str] = []
    for piece in split_top_level(group, ",;"):
        if "(" in piece or "[" in piece:
            parts.append(piece)
            continue
        parts.extend(p for p in _PART_SPLIT.split(piece) if p.strip())
    cleaned = [_LEADING_JOINER.sub("", p).strip(" .") for p in parts]
    # A part without a letter is no form: "(from 2,000" with its unit on the next line.
    return compound_mg, [p for p in cleaned if any(ch.isalpha() for ch in p)]


def _column_fields(col: Column) -> dict[str, object]:
    return {
        "amount": col.amount, "unit": col.unit, "amount_operator": col.operator,
        "amount_max": col.amount_max, "unit_qualifier": col.qualifier,
        "alt_amount": col.alt_amount, "alt_unit": col.alt_unit,
        "dv_percent": col.dv_percent, "dv_operator": col.dv_operator, "dv_note": col.dv_note,
    }  # fmt: skip


def _extra(col: Column) -> dict[str, float | str | None]:
    return {"amount": col.amount, "unit": col.unit, "dv_percent": col.dv_percent}


def _find_row_tail(text: str) -> tuple[str, Tail] | None:
    includes = INCLUDES.match(text)
    if includes:  # "Includes 10g Added Sugars 20%"
        text = f"{includes.group('name')} {includes.group('qty')}{includes.group('rest')}"
    tail = find_tail(text, allow_bare=True)
    return (text, tail) if tail else None


_HEADING_BEFORE_AMOUNT = re.compile(
    r"(?:\bper|\beach|\bserving\s+size|\bservings?|\bcontains|\bprovides)\s*:?\s*$", re.I
)
# "Typical values per 100g", "Typical per serving 80g %RI*": the column headings of EU and UK
# tables (the amount is the basis of the column, not a nutrient's).
_HEADING_NAME = re.compile(
    r"^\s*(?:per|par|pour|each|amount\s+per|typical|values?)\b|%\s*R[I1l]\b"
    r"|\breference\s+intake|\bserves\s*:?\s*\d+\s*$",
    re.I,
)
# "Calories 5 % Daily Value*": US panels print the %DV column's heading on the calories row's
# line.
# Read loosely ("Total Fat 4.5g Dally Vatue\""), the "%" lost.
_DV_HEADING_AFTER = re.compile(r"\s*%?\s*dai?l[lyv]?y?\s+va[lt]ue\s*[*\"]?\s*$", re.I)
_DV_ONLY_ROW = re.compile(
    r"^(?P<name>[A-Za-z][\w .,'/-]*?)\s+\(?\s*(?P<dvop><)?\s*(?P<dv>\d{1,3})\s*%\s*(?:dv)?\s*\)?"
    r"\s*$",
    re.I,
)


def _inside_form_group(head: str) -> bool:
    """Whether the text before an amount ends inside an open "(as" / "(from" bracket."""
    _, groups = _groups(head)
    if not groups:
        return False
    _, end, content = groups[-1]
    # Only "from" is followed by the compound's weight; "(as 250 mg 278%" is a name whose
    # form wrapped below its amounts.
    return (
        end == len(head)
        and head[end - 1 : end] not in (")", "]")
        and bool(_FROM_INTRO.match(content))
    )


def _dv_only_row(text: str, fuzzy: bool) -> list[Ingredient]:
    """ "Vitamin A 10%": older US panels print some nutrients as a %DV alone."""
    m = _DV_ONLY_ROW.match(text)
    if not m:
        return []
    nutrient = lexicon().nutrient_id(m.group("name"), fuzzy=fuzzy)
    if nutrient is None:
        return []
    return [
        Ingredient(
            name=m.group("name").strip(), text=text, nutrient=nutrient,
            dv_percent=float(m.group("dv")), dv_operator="<" if m.group("dvop") else None,
        )
    ]  # fmt: skip


def parse_row(text: str, *, fuzzy: bool = False) -> list[Ingredient]:
    """The ingredients one row declares ([] when the line holds no amount). Usually one; an
    energy row printed in kJ and kcal gives one per unit."""
    text = _DV_HEADING_AFTER.sub("", clean(text))
    found = _find_row_tail(text)
    if found is None:
        return _dv_only_row(text, fuzzy)
    text, tail = found
    head = text[: tail.start]
    if _inside_form_group(head):
        return []  # "Magnesium (from 2,000 mg": the amount of a form, the row goes on below
    return _row(text, head, tail, fuzzy)


def parse_row_named(name: str, amounts: str, *, fuzzy: bool = False) -> list[Ingredient]:
    """A row whose name and amounts are already known apart: a name that wrapped under its
    amounts ("Magnesium 105 mg 25%" then "(from 750 mg" then "magnesium bisglycinate)"). The
    amounts are read from `amounts` alone, so a form's weight inside the name is never taken
    for the row's amount ([] when `amounts` is not a row's amounts)."""
    name, amounts = clean(name), _DV_HEADING_AFTER.sub("", clean(amounts))
    tail = find_tail(amounts, allow_bare=True)
    if tail is None or tail.start != 0:
        return []
    return _row(f"{name} {amounts}", name, tail, fuzzy)


# A %DV right before the amounts: "Folic Acid 50% 400 mcg 100%".
_DV_BEFORE_AMOUNT = re.compile(r"\d\s*%\s*$")


def _row(text: str, head: str, tail: Tail, fuzzy: bool) -> list[Ingredient]:
    if _HEADING_BEFORE_AMOUNT.search(head) or _HEADING_NAME.search(head):
        return []  # "Per 100 g", "Per 250 mL / par", "Serving size 2 capsules": headings
    if _DV_BEFORE_AMOUNT.search(head) and tail.columns[0].dv_percent is not None:
        # A %DV follows its amount, so this one ends a first column whose amount the camera
        # lost, and the amount read is a later column's ("Per 2 Capsules": twice the dose).
        # A standardised extract's "95%" is followed by an amount with no %DV of its own.
        return []
    parts = split_name(head)
    if not any(ch.isalpha() for ch in parts.name):
        # "24% 200 mg", "812 500 mcg": a number is no name; the camera lost the row's name.
        parts.name = ""
    lex = lexicon()
    nutrient = lex.nutrient_id(parts.name, fuzzy=fuzzy) if parts.name else None
    columns = tail.columns
    if columns[0].unit is None:
        key = normalize(parts.name)
        if nutrient in ("calories", "energy") or _ENERGY.search(key):
            # "Energy kJ 760": the unit printed in the name column.
            unit_word = _NAME_UNIT.search(key)
            unit: Unit = "kJ" if unit_word and unit_word.group(0) == "kj" else "kcal"
            if unit_word:
                parts.name = _english_part(
                    _NAME_UNIT_PRINTED.sub(" ", parts.name).strip(_NAME_TRIM)
                )
                nutrient = lex.nutrient_id(parts.name, fuzzy=fuzzy) if parts.name else None
            for col in columns:
                col.unit = col.unit or unit
        elif (printed_unit := _UNIT_IN_NAME.search(parts.name)) is not None:
            # "Fat (g) 3.5 7.0", "Vitamin D µg (NRV%) 0.35": the unit heads the name column.
            unit_in_name, _ = unit_of(printed_unit.group("unit"))
            parts.name = parts.name[: printed_unit.start()].strip(_NAME_TRIM)
            nutrient = lex.nutrient_id(parts.name, fuzzy=fuzzy) if parts.name else None
            for col in columns:
                col.unit = col.unit or unit_in_name
        else:
            amounts = text[len(head) :]
            grams = _bare_grams(lex, nutrient, amounts, columns[0])
            if grams is not None:
                columns[0].amount, columns[0].unit = grams, "g"
            elif _NIL.fullmatch(amounts):
                pass  # "Fat Nil": none, and no unit printed
            elif columns[0].dv_percent is None:
                return []  # a bare number with nothing to say it is an amount
    columns = _energy_alternates(columns)
    energy_units = [c.unit for c in columns]
    if len(columns) > 1 and set(energy_units) == _ENERGY_UNITS:
        return [
            _build(lex, text, parts, nutrient, [c for c in columns if c.unit == unit])
            for unit in ("kJ", "kcal")
        ]
    return [_build(lex, text, parts, nutrient, columns)]


def _bare_grams(lex: Lexicon, nutrient: str | None, amounts: str, col: Column) -> float | None:
    """The amount in grams of a nutrient printed in grams whose unit the camera lost, or
    None. Either its "g" was read as an 8 or a 9 ("Fat 08", "Protein 9.98", "Total
    Carbohydrate 29 1%": their bowls look alike when blurred), or it was lost ("Total Fat 18
    28%"). Taken only where nothing else fits: a zero ("08": no label prints a leading zero),
    one decimal ("9.98": gram amounts are printed to one decimal, "0.68g" salt the exception
    that a lost "g" would make 0.6), or a %DV that the amount read that way gives (and, for a
    misread "g", the number as read does not)."""
    if nutrient is None or col.amount is None:
        return None
    n = lex.nutrients[nutrient]
    dvs = [d for d in (n.dv, n.dv_pre2020) if d is not None]
    if not (n.kind == "macronutrient" or nutrient in _GRAM_NUTRIENTS) or any(
        d.unit != "g" for d in dvs
    ):
        return None
    m = _GRAM_READ_AS_DIGIT.match(amounts)
    misread = parse_number(m.group("num")) if m else None
    printed = col.dv_percent
    if printed is None:
        return misread if m and _ZERO_OR_ONE_DECIMAL.fullmatch(m.group("num")) else None

    def fits(amount: float) -> bool:
        return any(abs(amount / d.amount * 100 - printed) <= max(1.0, 0.2 * printed) for d in dvs)

    if misread is not None and fits(misread) and not fits(col.amount):
        return misread
    return col.amount if fits(col.amount) else None


def _energy_alternates(columns: list[Column]) -> list[Column]:
    """ "Energy 712 kJ (170 Cal)": the bracketed amount is the same energy in the other unit,
    a value of its own (EU and Australian tables print both), not a note on the first; it
    becomes a column so that the row splits into one per unit below."""
    out: list[Column] = []
    for col in columns:
        out.append(col)
        if {col.unit, col.alt_unit} == _ENERGY_UNITS and col.alt_amount is not None:
            out.append(Column(amount=col.alt_amount, unit=col.alt_unit))
            col.alt_amount = col.alt_unit = None
    return out


def _build(
    lex: Lexicon, text: str, parts: NameParts, nutrient: str | None, columns: list[Column]
) -> Ingredient:
    ing = Ingredient.model_validate(
        {
            "name": parts.name, "text": text, "nutrient": nutrient,
            "extra_columns": [_extra(c) for c in columns[1:]],
            **_column_fields(columns[0]),
        }
    )  # fmt: skip
    describe_forms(lex, ing, parts)
    return ing


@dataclass(frozen=True, slots=True)
class MineralBasis:
    """What `elemental.assess` needs to decide a mineral row's basis from its amount."""

    mineral: str
    salt_named: bool
    compound_mg: float | None


def describe_forms(lex: Lexicon, ing: Ingredient, parts: NameParts) -> None:
    """Fills forms, forms_text, basis, elemental and compound mg from the name and its
    "(as ...)" groups."""
    basis = resolve_forms(lex, ing, parts)
    if basis is not None:
        elemental.assess(
            lex, ing, basis.mineral, salt_named=basis.salt_named, compound_mg=basis.compound_mg
        )


def resolve_forms(lex: Lexicon, ing: Ingredient, parts: NameParts) -> MineralBasis | None:
    """The part of `describe_forms` that reads only the name and its forms (so its outcome can
    be reused for rows that differ only in their amounts): fills forms, forms_text, flags and
    the mineral; returns what the amount-dependent basis decision needs, None for no mineral."""
    compound_mg: float | None = None
    form_texts: list[str] = []
    for group in parts.form_groups:
        amount, texts = split_forms(group)
        compound_mg = compound_mg if amount is None else amount
        form_texts += texts
    salt = None if ing.nutrient else lex.salt_named(ing.name)
    mineral = ing.nutrient if lex.is_mineral(ing.nutrient) else (salt[0] if salt else None)
    named_complex = False
    if mineral is None and ing.nutrient is None and _MINERAL_COMPLEX.search(ing.name):
        # "Magnesium Complex (as oxide, citrate) 400 mg 95%": a mineral's row under a blend
        # name. Like a salt-named row, its amount is the mineral only if the %DV says so.
        mineral = lex.mineral_in(ing.name)
        named_complex = mineral is not None
    if mineral and not form_texts and not salt:
        # Canadian labels: "Magnesium (magnesium glycinate)" without "as".
        for group in parts.other_groups:
            if lex.mineral_in(group) == mineral:
                form_texts = split_forms(group)[1]
                ing.name = " ".join(ing.name.replace(f"({group})", "").split())
                break
    if salt:
        # The name is the form ("Magnesium Citrate/Malate"): each salt it names counts.
        form_texts = [ing.name, *form_texts]
    ing.forms_text = form_texts
    if mineral is None:
        if ing.nutrient is None:
            # A named blend ("Acid Reflux (as calcium carbonate, magnesium hydroxide)"):
            # each compound is a form of the mineral it names; no amount is elemental.
            ing.forms = _compound_forms(lex, form_texts)
        return None
    forms: list[str] = []
    flags: list[str] = []
    if salt:
        for part in split_forms(ing.name)[1]:
            match = lex.match_form(mineral, part)
            if match.form_id and match.form_id not in forms:
                forms.append(match.form_id)
        forms = forms or [salt[1]]
        form_texts = form_texts[1:]
    for t in form_texts:
        match = lex.match_form(mineral, t)
        if match.form_id and match.form_id not in forms:
            forms.append(match.form_id)
        flags += [f for f in match.flags if f not in flags]
    ing.forms = forms
    ing.flags = flags
    ing.nutrient = ing.nutrient or mineral
    return MineralBasis(mineral, salt is not None or named_complex, compound_mg)


def _compound_forms(lex: Lexicon, texts: list[str]) -> list[str]:
    forms: list[str] = []
    for t in texts:
        mineral = lex.mineral_in(t)
        match = lex.match_form(mineral, t) if mineral else None
        if match and match.form_id and match.form_id not in forms:
            forms.append(match.form_id)
    return forms
