"""How complete a reading of a panel is, judged from the parsed result alone.

A photo in glare or shadow often reads a row's name but not its amount: "Vitamin B6 (as 118%",
"Boron (as boron mg", "Vitamin D (as cholecalciferol)" with its amount column washed out. Such
lines reach `unparsed`. The app reads a photo that lost rows a second way and keeps the reading
with more rows under a known nutrient's name (app.scan).
"""

from __future__ import annotations

import re

from catalog.lexicon import lexicon
from catalog.models import ScanResult

# A row's name ends at its form bracket, a colon, or the first number.
_NAME_END = re.compile(r"\(|:|\s(?=[<\d])")
_UNIT = re.compile(r"(?<![a-z])(?:mg|mcg|µg|ug|iu|g)(?![a-z])", re.I)


def _lost_nutrient(line: str) -> str | None:
    """The nutrient of a line that starts like its row and says more than a %DV: its amount
    was not read. A Nutrition Facts vitamin row ("Vitamin A 2%", "Calcium 0% · Iron 0%")
    declares no amount, so a percentage alone after the name loses nothing."""
    match = _NAME_END.search(line)
    head, rest = (line[: match.start()], line[match.start() :]) if match else (line, "")
    nutrient = lexicon().nutrient_id(head.strip()) if head.strip() else None
    if nutrient is None:
        return None
    lost = not rest.strip() or "(" in rest or _UNIT.search(rest) is not None
    return nutrient if lost else None


def lost_rows(result: ScanResult) -> list[str]:
    """The unparsed lines that read like rows whose amount was lost, of nutrients no row
    was read for (a panel's name column read twice, or a second language, loses nothing)."""
    read = {i.nutrient for i in result.ingredients if i.amount is not None}
    return [
        line
        for line in result.unparsed
        if (nutrient := _lost_nutrient(line)) is not None and nutrient not in read
    ]


def known_rows(result: ScanResult) -> int:
    """Rows read under a known nutrient's name with an amount and a unit."""
    return sum(
        1
        for i in result.ingredients
        if i.nutrient is not None and i.amount is not None and i.unit is not None
    )
