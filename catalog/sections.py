"""Where a label's section ends, and what shows a panel whole at its ends: patterns built from
the phrases of the catalog's data (data/sections.yaml, data/panel_ends.yaml), compiled once on
first use (not at import, so importing the parser does not read the data files)."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable

from catalog.knowledge import knowledge


def _alternatives(phrases: Iterable[str], space: str) -> str:
    # Longest first, so that with whole words "warnings" is tried before "warning" fails on it.
    ordered = sorted(set(phrases), key=len, reverse=True)
    return "|".join(space.join(re.escape(word) for word in p.split()) for p in ordered)


def _starts_with(phrases: Iterable[str], *, whole_words: bool) -> re.Pattern[str]:
    body = _alternatives(phrases, r"\s+")
    end = r"\b" if whole_words else ""
    return re.compile(rf"^\s*(?:{body}){end}", re.IGNORECASE)


def _anywhere(phrases: Iterable[str]) -> re.Pattern[str]:
    # OCR drops the spaces between words ("SupplementFacts"): spacing is optional here.
    body = _alternatives(phrases, r"\s*")
    return re.compile(rf"\b(?:{body})", re.IGNORECASE)


@functools.cache
def panel_section_end() -> re.Pattern[str]:
    """A line that starts another section after the panel's ingredient paragraph; a phrase
    matches as a prefix ("store" also matches "Stored")."""
    return _starts_with(knowledge().section_ends.phrases, whole_words=False)


@functools.cache
def directions_section_end() -> re.Pattern[str]:
    """A line that ends wrapped directions; phrases match as whole words."""
    return _starts_with(knowledge().section_ends.for_directions, whole_words=True)


@functools.cache
def panel_top() -> re.Pattern[str]:
    """A panel's heading ("Supplement Facts"), anywhere in a line, for `search`."""
    return _anywhere(knowledge().panel_ends.top)


@functools.cache
def panel_bottom() -> re.Pattern[str]:
    """What closes a panel's table (a footnote, "Other ingredients"), anywhere in a line, for
    `search`."""
    return _anywhere(knowledge().panel_ends.bottom)
