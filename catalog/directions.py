"""How many servings a day a label's directions add up to.

"Suggested use: take 2 capsules twice daily" on a panel whose serving is 2 capsules is
2 / 2 x 2 = 2 servings a day. Pure text functions; the score calls `read_directions` on the lines
the panel parser could not place (`ScanResult.unparsed`). Where directions give a range ("one to
two capsules", "1-2 times a day") the upper end is used, because the upper limit check must hold
for everything the label allows; the result says so.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from catalog.sections import directions_section_end

_NUMBER_WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "half": 0.5,
}  # fmt: skip
_NUM = r"(?:\d+(?:\.\d+)?|" + "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True)) + r")"
# "1-2", "one to two", "1 or 2", "2 (two)"
_COUNT = rf"(?P<lo>{_NUM})(?:\s*(?:-|–|to|or)\s*(?P<hi>{_NUM}))?(?:\s*\(\s*{_NUM}\s*\))?"
_UNITS = (
    r"capsules?|caps|vegcaps?|veggie\s+caps(?:ules)?|vegetarian\s+capsules?|softgels?|"
    r"soft\s*gels?|tablets?|tabs?|caplets?|gumm(?:y|ies)|chews?|chewables?|lozenges?|scoops?|"
    r"packets?|sticks?|stick\s+packs?|sachets?|teaspoons?|tsps?|tablespoons?|tbsps?|servings?"
)
# A count, then at most two words ("vegetable", "chewable"), then the unit.
_DOSE = re.compile(rf"\b{_COUNT}\s+(?:[a-z-]+\s+){{0,2}}?(?:{_UNITS})\b", re.IGNORECASE)
_TIMES = re.compile(
    rf"\b{_COUNT}\s+times?\s+(?:a|per|each|every)?\s*(?:day|daily)\b", re.IGNORECASE
)
_EVERY_HOURS = re.compile(rf"\bevery\s+(?P<h>{_NUM})\s+hours\b", re.IGNORECASE)
_TWICE = re.compile(r"\btwice\s+(?:a\s+|per\s+|each\s+)?(?:day|daily)\b|\btwice\b", re.IGNORECASE)
_MORNING_EVENING = re.compile(
    r"\bmorning\s+and\s+(?:again\s+in\s+the\s+)?(?:evening|night|bedtime)\b", re.IGNORECASE
)
_EACH_MEAL = re.compile(r"\b(?:with|before|after)\s+each\s+meal\b", re.IGNORECASE)
_ONCE = re.compile(
    r"\bonce\b|\bdaily\b|\b(?:a|per|each|every)\s+day\b|\bat\s+bedtime\b|\bbefore\s+bed\b",
    re.IGNORECASE,
)
_HEADING = re.compile(
    r"^\s*(?:suggested\s+use|suggested\s+usage|directions(?:\s+for\s+use)?|recommended\s+use|"
    r"recommended\s+dose|usage|dosage|how\s+to\s+use|to\s+use)\b",
    re.IGNORECASE,
)
# Lines joined after the heading when directions wrap.
_MAX_CONTINUATION = 2


@dataclass(frozen=True, slots=True)
class Directions:
    servings_per_day: float
    servings_per_dose: float
    doses_per_day: float
    text: str  # the directions as printed
    ranged: bool  # a range was printed and its upper end used
    frequency_assumed: bool  # no "daily", "twice", ...: taken as once a day


def _number(word: str) -> float:
    key = word.lower()
    return _NUMBER_WORDS[key] if key in _NUMBER_WORDS else float(key)


def _count(match: re.Match[str]) -> tuple[float, bool]:
    """(upper end of the count, whether it was a range)."""
    low = _number(match.group("lo"))
    high = match.group("hi")
    return (max(low, _number(high)), True) if high else (low, False)


def find_directions(lines: Sequence[str]) -> str | None:
    """The directions: the line that starts with a directions heading, plus up to two following
    lines while its sentence has not ended (the text wrapped), so an unrelated next line ("Lab
    tested.") is never read as part of it."""
    for i, line in enumerate(lines):
        if not _HEADING.search(line):
            continue
        parts = [line.strip()]
        ends = directions_section_end()
        for follow in lines[i + 1 : i + 1 + _MAX_CONTINUATION]:
            if parts[-1].endswith((".", "!")) or ends.search(follow) or _HEADING.search(follow):
                break
            parts.append(follow.strip())
        return " ".join(parts)
    return None


def doses_per_day(text: str) -> tuple[float, bool, bool] | None:
    """(doses a day, ranged, assumed) from the frequency words; None if the text names none."""
    if m := _TIMES.search(text):
        count, ranged = _count(m)
        return count, ranged, False
    if (m := _EVERY_HOURS.search(text)) and 0 < _number(m.group("h")) <= 24:
        return float(int(24 // _number(m.group("h")))), False, False
    if _TWICE.search(text) or _MORNING_EVENING.search(text):
        return 2.0, False, False
    if _EACH_MEAL.search(text):
        return 3.0, False, False  # three meals a day: the usual reading of "with each meal"
    if _ONCE.search(text):
        return 1.0, False, False
    return None


def parse_directions(text: str, units_per_serving: float | None) -> Directions | None:
    """Servings a day from one directions text; None when it names no amount to take."""
    dose = _DOSE.search(text)
    if dose is None:
        return None
    units, ranged = _count(dose)
    if units <= 0:
        return None
    is_serving = dose.group(0).lower().rstrip("s").endswith("serving")
    per_serving = 1.0 if is_serving or not units_per_serving else units_per_serving
    frequency = doses_per_day(text[dose.end() :]) or doses_per_day(text)
    doses, freq_ranged, _ = frequency or (1.0, False, True)
    servings_per_dose = units / per_serving
    return Directions(
        servings_per_day=servings_per_dose * doses,
        servings_per_dose=servings_per_dose,
        doses_per_day=doses,
        text=text,
        ranged=ranged or freq_ranged,
        frequency_assumed=frequency is None,
    )


def read_directions(lines: Sequence[str], units_per_serving: float | None) -> Directions | None:
    """Servings a day from a label's loose lines, or None when they hold no usable directions."""
    text = find_directions(lines)
    return parse_directions(text, units_per_serving) if text else None
