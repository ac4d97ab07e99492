"""What the parsed label means for a transplant recipient: marks, co-ingredient interactions
and label warnings. Pure functions over a ScanResult; the score comes later and reads these.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence

from catalog.lexicon import Lexicon, lexicon
from catalog.models import Ingredient, Interaction, Mark, ScanResult, Warning
from catalog.parse import iter_text_lines
from catalog.prefilter import may_match, search_key
from catalog.text import clean, fold_accents

_MAGNESIUM = "magnesium"
_OXIDE = "magnesium_oxide"
_COMPLEX_WORDS = re.compile(r"\b(?:complex|blend|matrix|tri-?magnesium)\b", re.I)


def annotate(result: ScanResult, extra_text: Sequence[str] = ()) -> ScanResult:
    """Adds marks, look-alikes, interactions and warnings to a parsed label (in place)."""
    lex = lexicon()
    lines = [*iter_text_lines(result), *extra_text]
    text = "\n".join(fold_accents(clean(t)) for t in lines)
    result.marks, result.lookalikes = find_marks(lex, text)
    result.interactions = find_interactions(lex, result)
    result.warnings = find_warnings(lex, result)
    return result


def find_marks(lex: Lexicon, text: str) -> tuple[list[Mark], list[str]]:
    """Certification marks, and the look-alike phrases that earn nothing. Look-alikes are
    found first and blanked out, so "NSF GMP Registered" can never be read as NSF Certified."""
    lookalikes: list[str] = []
    masked = text
    # A pattern whose needed words are not in the text is not searched (most labels have no
    # mark); blanking look-alikes out only removes words, so the text's key serves throughout.
    key = search_key(text)
    for pattern in lex.lookalike_patterns:
        if not may_match(pattern, key):
            continue
        for hit in pattern.finditer(masked):
            lookalikes.append(" ".join(hit.group(0).split()))
            masked = masked[: hit.start()] + " " * len(hit.group(0)) + masked[hit.end() :]
    marks: list[Mark] = []
    for mark, patterns in lex.mark_patterns:
        found = next((m for p in patterns if may_match(p, key) and (m := p.search(masked))), None)
        if found:
            marks.append(Mark(id=mark.id, text=" ".join(found.group(0).split()), kind=mark.kind))
    return marks, lookalikes


def _ingredient_text(ing: Ingredient) -> str:
    return " ".join([ing.name, *ing.forms_text]) if ing.forms_text else ing.name


_SEVERITY_ORDER = {"avoid": 0, "ask_team": 1, "info": 2}


@functools.lru_cache(maxsize=256)
def _interaction_text(lex: Lexicon, cid: str) -> tuple[str, str]:
    """(message, citations) of a flagged co-ingredient: the same for every label naming it."""
    co = lex.coingredients[cid]
    return f"{co.name}: {co.reason}", "; ".join(lex.k.sources[s].citation for s in co.sources)


def find_interactions(lex: Lexicon, result: ScanResult) -> list[Interaction]:
    found: list[Interaction] = []
    seen: set[str] = set()
    sources: list[tuple[int | None, str]] = [
        (i, _ingredient_text(ing)) for i, ing in enumerate(result.ingredients)
    ]
    sources += [(None, t) for t in result.other_ingredients]
    # Lines the grammar could not place still name what is in the product; joined, they also
    # give back a name wrapped over several of them ("St. John's" / "Wort").
    sources += [(None, t) for t in result.unparsed]
    if len(result.unparsed) > 1:
        sources.append((None, " ".join(result.unparsed)))
    for index, text in sources:
        for cid in lex.coingredient_ids(text):
            if cid in seen:
                continue
            seen.add(cid)
            message, citations = _interaction_text(lex, cid)
            found.append(
                Interaction(
                    id=cid, ingredient=index, severity=lex.coingredients[cid].severity,
                    message=message, source=citations,
                )
            )  # fmt: skip
    if len(found) > 1:
        found.sort(key=lambda x: _SEVERITY_ORDER[x.severity])  # stable, as sorted() was
    return found


def find_warnings(lex: Lexicon, result: ScanResult) -> list[Warning]:
    warnings: list[Warning] = []
    mg_rows: list[tuple[int, Ingredient]] = []
    heads: list[tuple[int, Ingredient]] = []
    for i, ing in enumerate(result.ingredients):  # one pass: this runs for every label
        if ing.nutrient == _MAGNESIUM:
            mg_rows.append((i, ing))
        if ing.is_blend:
            heads.append((i, ing))
    if not mg_rows and not heads:
        return warnings  # most labels of a database: neither magnesium nor a blend
    for index, ing in mg_rows:
        sources = [f for f in ing.forms if not lex.forms.get(f) or not lex.forms[f].excipient]
        led_by_oxide = bool(sources) and sources[0] == _OXIDE
        if led_by_oxide and (len(sources) > 1 or ing.is_blend or _COMPLEX_WORDS.search(ing.name)):
            warnings.append(Warning(
                id="oxide_led_blend", ingredient=index,
                message=(f"{ing.name} lists magnesium oxide first: most of the magnesium is "
                         "likely oxide, of which only about 4% is absorbed."),
            ))  # fmt: skip
        if "likely_buffered" in ing.flags:
            warnings.append(Warning(
                id="likely_buffered", ingredient=index,
                message=(f"{ing.name}: the stated magnesium is more than the named form can "
                         "hold, so part of it is probably magnesium oxide added as a buffer."),
            ))  # fmt: skip
        if sources and all(
            lex.forms.get(f) is not None and lex.forms[f].absorption.tier == "low" for f in sources
        ):
            warnings.append(Warning(
                id="low_absorption_form", ingredient=index,
                message=f"{ing.name}: {lex.forms[sources[0]].absorption.note}",
            ))  # fmt: skip
    compound_only = [(i, ing) for i, ing in mg_rows if ing.basis == "compound" and not ing.blend]
    if compound_only and not any(ing.basis == "elemental" for _, ing in mg_rows):
        index, ing = compound_only[0]
        estimate = (
            f" About {ing.elemental_mg:g} mg of it is magnesium, by the catalog's figure."
            if ing.elemental_mg is not None else ""
        )  # fmt: skip
        weight = f" ({ing.compound_mg:g} mg)" if ing.compound_mg is not None else ""
        warnings.append(Warning(
            id="compound_weight_only", ingredient=index,
            message=(f"The label gives only the weight of {ing.name}{weight}, "
                     f"not the magnesium it provides.{estimate}"),
        ))  # fmt: skip
    for index, ing in heads:
        members = [m for m in result.ingredients if m.blend == ing.name]
        if members and all(m.amount is None for m in members):
            warnings.append(Warning(
                id="proprietary_blend", ingredient=index,
                message=(f"{ing.name} gives only its total weight; the amount of each of its "
                         f"{len(members)} ingredients is not disclosed."),
            ))  # fmt: skip
    return warnings
