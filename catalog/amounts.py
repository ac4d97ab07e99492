"""Numbers, units and %DV: the right-hand side of a facts-panel row.

A row reads `NAME  AMOUNT UNIT [(SECOND AMOUNT)]  [%DV]`, possibly repeated for a second
column ("per 1 capsule / per 2 capsules", "per serving / per 100 g"). `find_tail` finds where
the amounts start: the leftmost amount from which the rest of the line reads entirely as
amounts and %DV. Numbers inside the name ("Vitamin B12", "(from 1,000 mg magnesium
glycinate)") fail that test because words follow them.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from catalog.models import Unit

if TYPE_CHECKING:
    from catalog.knowledge import Nutrient

# A capital O before a unit is a zero misread by OCR ("Trans Fat Og"): no label means "O g".
# So is one among digits before a unit ("2Og", "1O.5g", "O.5g").
# "Nil" is how UK, EU and Australian tables print none of a nutrient.
_NUM = (
    r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:[.,]\d+)?|[.,]\d+|\bnil\b"
    r"|(?-i:\d[\dO]*O[\dO]*(?:[.,][\dO]+)?|O[.,][\dO]+|O)(?=\s?(?:m?c?g)\b)"
)
# "Loss than": the e of "Less" read as an o.
_OP = r"<|>|≤|≥|~|l[eo]ss\s+than|fewer\s+than|approx\.?"
# "meg" and "mog" are how OCR engines commonly read "mcg", "pg" how they read "µg" (the
# micro sign's tail taken for a p), "1U", "lU" or "RU" (after a space) how they read "IU", and
# "kl" or "k]" before "/" how they read "kJ" ("1111kl/267kcal"), as is "k" alone before the
# same energy in kcal ("2600k 629kcal"); no facts panel prints any of them as a unit. A "t"
# glued to a unit ("5 mgt") is a dagger the camera read as a letter.
_UNIT = (
    r"mg|milligrams?|mcg|meg|mog|µg|μg|ug|pg|micrograms?|ng|g|grams?|gram\(s\)|gm|"
    r"i\.?u\.?|(?<=\s)[1lr]u(?![a-z])|kcal|kj|k[l\]](?=\s*/)|k(?=\s*/?\s*\d[\d.,]*\s*kcal)"
    r"|cal(?:orie)?s?|calorie\(s\)|cfu|ml|milliliters?"
)
_QUAL = r"dfe|ne|rae|alpha[- ]?tocopherol|a-?te|at"
_MULT = r"billion|million|thousand|bn|b(?=\s*cfu)|m(?=\s*cfu)"
_DAGGERS = r"\*+|†+|‡+|\*\*|§|#|\^"
# Where the %DV column holds a dagger, OCR engines read a faint "†" as "+", or as a lone
# lower-case "t" ("Melatonin 1 mg t": RapidOCR, blurred synthetic photos).
_MISREAD_DAGGER = r"\+(?![\w(])|(?-i:t)(?![\w(])"

_QTY = (
    rf"(?P<op>{_OP})?\s*(?P<num>{_NUM})"
    rf"(?:\s*(?:-|–|to)\s*(?P<num2>{_NUM}))?"
    rf"\s*(?P<mult>{_MULT})?\s*(?P<unit>{_UNIT})(?:t(?![a-z]))?(?![a-z])\.?"
    rf"(?:\s+(?P<qual>{_QUAL})(?![a-z]))?"
)
_ALT = (
    rf"\(\s*(?P<aop>{_OP})?\s*(?P<anum>{_NUM})\s*(?P<amult>{_MULT})?\s*(?P<aunit>{_UNIT})(?![a-z])\.?"
    rf"(?:\s+(?P<aqual>{_QUAL})(?![a-z]))?(?P<atext>[^()%]*)\)"
)
_DV_NUMBER = (
    rf"(?P<dvp>\()?\s*(?P<dvop><|less\s+than)?\s*(?P<dv>{_NUM})\s*%\s*(?:dv|d\.v\.)?\s*\)?"
    rf"\s*(?P<sym2>{_DAGGERS})?"
)
_DV = (
    rf"{_DV_NUMBER}"
    rf"|(?P<sym>{_DAGGERS}|{_MISREAD_DAGGER}|\(\s*(?:{_DAGGERS})\s*\)|\(?\s*(?:%\s*)?dv\s+not\s+established\s*\)?"
    rf"|\(?\s*daily\s+value\s+not\s+established\s*\)?|n/?a)"
)
_COLUMN = re.compile(rf"{_QTY}(?:\s*{_ALT})?(?:\s*(?:{_DV}))?", re.IGNORECASE)
# A bare number ("Calories 15", or an amount whose unit the camera missed but whose %DV shows
# it is the amount column).
_BARE = re.compile(rf"(?P<op>{_OP})?\s*(?P<num>{_NUM})(?:\s*(?:{_DV}))?", re.IGNORECASE)
_DV_ONLY = re.compile(rf"(?:{_DV_NUMBER})", re.IGNORECASE)
# An amount starts after a space or punctuation, not inside a word ("B12") or a number
# ("1.5"); after an abbreviation's full stop it may ("Cholest.15mg").
_START = re.compile(rf"(?<![\w,/-])(?<!\d\.)(?:{_OP})?\s*(?:{_NUM})", re.IGNORECASE)
# A full stop between columns only before a space ("16%. 391mg"): inside a number it is the
# decimal point.
_SEPARATOR = re.compile(r"\s*(?:[|/;]|\.(?=\s))?\s*")
# A whole number alone after an amount with its unit, at the end of the line.
_DV_LOST_SIGN = re.compile(r"(?:[1-9]\d{0,2}|0)[\s.]*")
# The same between two amount columns: a %DV whose "%" was lost, or a mark misread as a digit
# ("200 mg 8 400 mg", its "*" read as "8").
_DV_LOST_SIGN_BETWEEN = re.compile(r"(?:[1-9]\d{0,2}|0)\s+")
# What may end a line after its last column: punctuation, and a footnote mark after it (a
# linear panel's last item: "10 mg (588% DV).*").
_END_JUNK = re.compile(r"[\s.·:;,|_-]*(?:(?<=[.,;])[*†‡]+[\s.]*)?")
# One short fragment after a whole column, at the end of the line: a neighbouring column's
# text the camera's line ran into ("Sugars 40g **C", "Total Carb. 40g 13% CA"). Units, marks
# and qualifiers are read before it is looked for.
_END_FRAGMENT = re.compile(r"(?<=[\s*†‡])\s*[*]*[A-Za-z]{1,3}[\s.,*]*")
# A number with at most a short run of letters that is no unit, at the end of the line: a
# further column whose unit the camera garbled or lost ("1534kJ/364koa", "8.3q", "3.6g 7.28"
# for "7.2g", "186 kJ(44 Ca)" for "(44 Cal)").
_GARBLED_LAST_COLUMN = re.compile(rf"\(?\s*(?:{_NUM})\s*[a-z\])]{{0,4}}[\s.,;*†)]*", re.IGNORECASE)

UNIT_ALIASES: dict[str, Unit] = {
    "mg": "mg", "milligram": "mg", "milligrams": "mg",
    "mcg": "mcg", "meg": "mcg", "mog": "mcg", "µg": "mcg", "μg": "mcg", "ug": "mcg", "pg": "mcg",
    "microgram": "mcg", "micrograms": "mcg",
    "g": "g", "gram": "g", "grams": "g", "gram(s)": "g", "gm": "g",
    "iu": "IU", "1u": "IU", "lu": "IU", "ru": "IU", "i.u.": "IU", "i.u": "IU", "iu.": "IU",
    "kcal": "kcal", "cal": "kcal", "cals": "kcal", "calorie": "kcal", "calories": "kcal",
    "calorie(s)": "kcal",
    "kj": "kJ", "kl": "kJ", "k]": "kJ", "k": "kJ",
    "cfu": "CFU", "ml": "mL", "milliliter": "mL", "milliliters": "mL",
}  # fmt: skip
QUALIFIERS = {"dfe": "DFE", "ne": "NE", "rae": "RAE", "at": "alpha-tocopherol"}
MULTIPLIERS = {"billion": 1e9, "bn": 1e9, "b": 1e9, "million": 1e6, "m": 1e6, "thousand": 1e3}
TO_MG: dict[str, float] = {"mg": 1.0, "g": 1000.0, "mcg": 0.001}


_DOT_THOUSANDS = re.compile(r"^[1-9]\d{0,2}\.\d{2}0$")
# No label prints a %DV to three decimals: "1.471%" is 1,471% with its comma read as a point.
_DOT_THOUSANDS_PERCENT = re.compile(r"^[1-9]\d{0,2}\.\d{3}$")


def parse_number(text: str) -> float:
    """'1,000' -> 1000; '37,5' -> 37.5 (a decimal comma); '.5' -> 0.5; '2,000.5' -> 2000.5
    and '2.000,5' -> 2000.5 (with both marks, the later one is the decimal mark)."""
    text = text.strip().replace("O", "0")  # a zero misread (see _NUM)
    if text.lower() == "nil":
        return 0.0
    if _DOT_THOUSANDS.match(text):
        # "1.000 mcg": a thousands point (or a comma the camera read as one); labels do not
        # print decimals with trailing zeros.
        return float(text.replace(".", ""))
    if "," in text and "." in text:
        # "2,000.5" ran "2.000.5" into float() through the comma rule below (a fuzzed label
        # crashed the parser).
        if text.rfind(".") > text.rfind(","):
            return float(text.replace(",", ""))
        return float(text.replace(".", "").replace(",", "."))
    if "," in text:
        head, _, tail = text.rpartition(",")
        thousands = len(tail) == 3 and head not in ("", "0") and "." not in head
        text = text.replace(",", "") if thousands else f"{head.replace(',', '')}.{tail}"
    return float(text)


def parse_percent(text: str) -> float:
    """A printed %DV: as parse_number, but "1.471" is 1471 (see _DOT_THOUSANDS_PERCENT)."""
    if _DOT_THOUSANDS_PERCENT.match(text.strip()):
        return float(text.strip().replace(".", ""))
    return parse_number(text)


def unit_of(text: str) -> tuple[Unit | None, float]:
    """The contract unit for a printed unit, and the factor to convert the amount into it
    (nanograms are reported in mcg)."""
    key = text.strip().lower().rstrip(".")
    if key in ("ng",):
        return "mcg", 0.001
    return UNIT_ALIASES.get(key) or UNIT_ALIASES.get(key + "."), 1.0


def _qualifier(text: str | None) -> str | None:
    if not text:
        return None
    key = text.lower().replace("-", "").replace(" ", "")
    return "alpha-tocopherol" if key.startswith(("alpha", "ate", "at")) else QUALIFIERS.get(key)


def _operator(text: str | None) -> str | None:
    if not text:
        return None
    t = text.lower()
    if t.startswith(("<", "≤", "less", "loss", "fewer")):
        return "<"
    if t.startswith((">", "≥")):
        return ">"
    return "~"


@dataclass(slots=True)
class Column:
    """One amount column of a row."""

    amount: float | None = None
    unit: Unit | None = None
    operator: str | None = None
    amount_max: float | None = None
    qualifier: str | None = None
    alt_amount: float | None = None
    alt_unit: Unit | None = None
    dv_percent: float | None = None
    dv_operator: str | None = None
    dv_note: str | None = None


@dataclass(slots=True)
class Tail:
    start: int  # where the amounts begin in the line
    columns: list[Column] = field(default_factory=list)


def _column(m: re.Match[str], bare: bool = False, dv_only: bool = False) -> Column:
    """One column from a match of _COLUMN (amount with unit), _BARE (a number without unit)
    or _DV_ONLY (a %DV without an amount)."""
    g = m.groupdict()
    col = Column(operator=_operator(g.get("op")))
    if bare and not dv_only:
        col.amount = parse_number(g["num"])
    elif not dv_only:
        unit, factor = unit_of(g["unit"])
        mult = MULTIPLIERS.get((g.get("mult") or "").lower(), 1.0)
        col.unit = unit
        col.amount = round(parse_number(g["num"]) * factor * mult, 6)
        if g.get("num2"):
            col.amount_max = round(parse_number(g["num2"]) * factor * mult, 6)
        col.qualifier = _qualifier(g.get("qual"))
        if g.get("anum"):
            aunit, afactor = unit_of(g["aunit"])
            amult = MULTIPLIERS.get((g.get("amult") or "").lower(), 1.0)
            col.alt_amount = round(parse_number(g["anum"]) * afactor * amult, 6)
            col.alt_unit = aunit
            col.qualifier = col.qualifier or _qualifier(g.get("aqual"))
    if g.get("dv"):
        col.dv_percent = parse_percent(g["dv"])
        col.dv_operator = "<" if g.get("dvop") else None
        col.dv_note = g.get("sym2") or None
    elif g.get("sym"):
        sym = g["sym"].strip("() ")
        sym = "†" if sym in ("+", "t") else sym  # the dagger, misread
        col.dv_note = sym.lower() if "dv" in sym.lower() or "daily" in sym.lower() else sym
    return col


def _garbled_end(columns: list[Column], line: str, pos: int) -> bool:
    """Whether the rest of the line is one more column the camera garbled, after a column read
    whole: the columns read are kept and the garbled one is not guessed at."""
    return (
        bool(columns)
        and columns[-1].unit is not None
        and bool(_GARBLED_LAST_COLUMN.fullmatch(line, pos))
    )


def _read_columns(line: str, pos: int, pattern: re.Pattern[str]) -> list[Column] | None:
    """Reads columns from `pos` to the end of the line; None if anything else is in the way."""
    columns: list[Column] = []
    end = len(line)
    while True:
        m = pattern.match(line, pos)
        if (not m or m.end() == pos) and columns:
            last = columns[-1]
            if (
                last.unit is not None
                and last.dv_percent is None
                and _DV_LOST_SIGN.fullmatch(line, pos)
            ):
                # "Total Carbohydrate 38g 13": the %DV column, its "%" lost by the camera. The
                # row is kept; the number is not taken as its %DV, which decides a mineral's
                # basis, on a reading that already dropped a character.
                return columns
            between = _DV_LOST_SIGN_BETWEEN.match(line, pos)
            if (
                pattern is _COLUMN
                and last.unit is not None
                and last.dv_percent is None
                and between is not None
                and (after := pattern.match(line, between.end())) is not None
                and after.end() > between.end()
            ):
                pos = between.end()  # not taken as the %DV either (as above): the next column
                continue
            if _garbled_end(columns, line, pos):
                return columns
            # A %DV with no amount of its own: the first column's when it printed none
            # ("2g* 3%"), else a further column that prints only a %DV ("with milk: 3%").
            m = _DV_ONLY.match(line, pos)
            if m and m.end() > pos:
                col = _column(m, bare=True, dv_only=True)
                first = columns[-1]
                if first.dv_percent is None and len(columns) == 1:
                    first.dv_percent, first.dv_operator = col.dv_percent, col.dv_operator
                else:
                    columns.append(col)
                pos = m.end()
            else:
                return None
        elif not m or m.end() == pos:
            return None
        else:
            columns.append(_column(m, bare=pattern is _BARE))
            pos = m.end()
        junk = _END_JUNK.match(line, pos)
        if junk and junk.end() == end:
            return columns
        if columns[-1].unit is not None and _END_FRAGMENT.fullmatch(line, pos):
            return columns
        if line[pos : pos + 1] == "(" and _garbled_end(columns, line, pos):
            return columns  # "186 kJ(44 Ca)": the bracket's unit garbled
        sep = _SEPARATOR.match(line, pos)
        if not sep or (sep.end() == pos and not line[pos - 1].isspace()):
            return None
        pos = sep.end()


def find_tail(line: str, allow_bare: bool = False) -> Tail | None:
    """The amounts at the end of a row, or None when the line declares no amount.

    `allow_bare` accepts a number without a unit (energy rows, or OCR that lost the unit); a
    bare number is only taken when it is followed by a %DV or nothing else, never mid-name.
    """
    for m in _START.finditer(line):
        start = m.start()
        # Leading white space belongs to the separator, not the amount.
        while start < len(line) and line[start].isspace():
            start += 1
        columns = _read_columns(line, start, _COLUMN)
        if columns is None and allow_bare:
            columns = _gram_read_as_digit(line, start)
        if columns is None:
            columns = _unit_told_by_alternative(line, start)
        if columns is None and allow_bare:
            # Bare numbers ("Calories 100 150"); whether they are amounts is the caller's
            # call, made from the row's name.
            columns = _read_columns(line, start, _BARE)
        if columns is not None:
            return Tail(start=start, columns=columns)
    return None


# A first column in grams whose "g" the camera read as an 8 or a 9 ("Carbohydrate 4.78 9.4g",
# "Fat <0.18 0.1g"): one decimal, as EU tables print grams, then that digit.
_FIRST_GRAMS_MISREAD = re.compile(rf"(?P<op>{_OP})?\s*(?P<num>\d+\.\d)[89]\s+", re.I)


def _gram_read_as_digit(line: str, start: int) -> list[Column] | None:
    """The columns from `start` when its first is such a column and the others are in grams,
    or None."""
    m = _FIRST_GRAMS_MISREAD.match(line, start)
    if m is None:
        return None
    rest = _read_columns(line, m.end(), _COLUMN)
    if not rest or any(c.unit != "g" for c in rest):
        return None
    first = Column(amount=parse_number(m.group("num")), unit="g", operator=_operator(m.group("op")))
    return [first, *rest]


# A first amount whose unit the camera garbled (one or two characters where "IU" stood), then
# a bracketed second amount in its own unit: "5.000 I/ (125 mcg) 625", "5000 8J (125 mcg)".
_GARBLED_UNIT_THEN_ALT = re.compile(
    rf"(?P<op>{_OP})?\s*(?P<num>{_NUM})\s*[^\s()%]{{1,2}}\s*{_ALT}(?:\s*(?:{_DV}))?", re.I
)


def _unit_told_by_alternative(line: str, start: int) -> list[Column] | None:
    """The columns from `start` when the first prints an amount in two units, its own unit
    garbled, and the two amounts stand in the ratio of a vitamin's IU to its mcg (vitamin D:
    40 IU a mcg); None otherwise. Any other ratio tells nothing, and the row stays unread."""
    m = _GARBLED_UNIT_THEN_ALT.match(line, start)
    if m is None:
        return None
    alt_unit, factor = unit_of(m.group("aunit"))
    amount, alt = parse_number(m.group("num")), parse_number(m.group("anum")) * factor
    unit: Unit | None = None
    for ratio in _iu_per_mcg():
        if alt_unit == "mcg" and math.isclose(amount, alt * ratio, rel_tol=1e-3):
            unit = "IU"
        elif alt_unit == "IU" and math.isclose(alt, amount * ratio, rel_tol=1e-3):
            unit = "mcg"
    rest = line[m.end() :].lstrip()
    # Nothing after, or a %DV whose sign was lost (kept unread, as in _read_columns).
    if unit is None or not (_END_JUNK.fullmatch(rest) or _DV_LOST_SIGN.fullmatch(rest)):
        return None
    col = _column(m, bare=True)
    col.unit, col.alt_amount, col.alt_unit = unit, round(alt, 6), alt_unit
    return [col]


def _iu_per_mcg() -> set[float]:
    from catalog.knowledge import knowledge  # the catalog's data; loaded once, on first use

    return {n.iu_per_mcg.value for n in knowledge().nutrients if n.iu_per_mcg is not None}


# The next row's name: a capitalised word, or an EU sub-row ("Fat 1.5g of which saturates
# 0.3g", as a linear table prints it).
_NEXT_NAME = re.compile(r"\s*(?=[A-Z][A-Za-z]|of\s+which\b)")
_DV_THEN_NAME = re.compile(rf"(?<![\w.,])(?:{_NUM})\s*%(?=\s+[A-Z][A-Za-z])")
_BARE_THEN_NAME = re.compile(rf"(?<![\w.,])(?P<num>{_NUM})\s+(?=[A-Z][a-z])")
# Every cut follows a number (its first character a digit or the misread O) and comes before
# white space and a capitalised word; a line without both in that order has none.
_NUMBER_CHAR = re.compile(r"[\dO]")
_SPACE_THEN_NAME = re.compile(r"\s(?:[A-Z][A-Za-z]|of\s+which\b)")


def inline_row_ends(line: str) -> list[int]:
    """Positions where one row ends and the next begins on the same line, as in side-by-side
    Nutrition Facts ("Vitamin D 2mcg 10%  Calcium 260mg 20%"): after an amount column, outside
    brackets, followed by a capitalised word. These are candidates: the caller keeps a cut
    only where both sides read as rows with names."""
    ends: list[int] = []
    number = _NUMBER_CHAR.search(line)
    if number is None or not _SPACE_THEN_NAME.search(line, number.start()):
        return ends
    depth_at = _bracket_depths(line)
    for m in _COLUMN.finditer(line):
        end = m.end()
        spaced = end < len(line) and (line[end - 1].isspace() or line[end].isspace())
        if spaced and _NEXT_NAME.match(line, end) and depth_at[m.start()] == 0:
            ends.append(end)
    # "Calories 120 Calories from Fat 10": a bare number then a capitalised name; the caller
    # keeps a split only if both sides read as rows.
    for m in _BARE_THEN_NAME.finditer(line):
        if depth_at[m.start()] == 0 and m.end("num") not in ends:
            ends.append(m.end("num"))
    # "Vitamin A 0%  Vitamin C 2%": a %DV alone, then the next name.
    for m in _DV_THEN_NAME.finditer(line):
        if depth_at[m.start()] == 0 and m.end() not in ends:
            ends.append(m.end())
    return sorted(ends)


def _bracket_depths(line: str) -> list[int]:
    depths, depth = [], 0
    for ch in line:
        if ch in "([":
            depth += 1
        elif ch in ")]":
            depth = max(0, depth - 1)
        depths.append(depth)
    return depths


def to_mg(amount: float | None, unit: str | None) -> float | None:
    if amount is None or unit not in TO_MG:
        return None
    return round(amount * TO_MG[unit], 6)


def daily_value_fit(
    nutrient: Nutrient, amount: float, unit: str | None, printed: float
) -> str | None:
    """ "current" or "pre2020": which of the nutrient's daily values the printed %DV is the
    amount's share of; None when neither is (or the units do not compare)."""
    for label, dv in (("current", nutrient.dv), ("pre2020", nutrient.dv_pre2020)):
        if dv is None:
            continue
        same = unit == dv.unit
        value = amount if same else to_mg(amount, unit)
        daily = dv.amount if same else to_mg(dv.amount, dv.unit)
        if value is not None and daily and percent_matches(printed, value, daily):
            return label
    return None


def percent_matches(printed: float, amount: float, daily_value: float) -> bool:
    """Whether a printed %DV is `amount / daily_value` after the label's rounding (whole
    percent; labels round half up and some truncate, so allow one point either way)."""
    exact = amount / daily_value * 100
    return abs(printed - exact) <= max(1.0, exact * 0.02)
