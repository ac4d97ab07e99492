"""Where a label's section ends: patterns built from the section-ending phrases of the catalog's
data (data/sections.yaml), compiled once on first use (not at import, so importing the parser
does not read the data files)."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable

from catalog.knowledge import knowledge


def _starts_with(phrases: Iterable[str], *, whole_words: bool) -> re.Pattern[str]:
    # Longest first, so that with whole words "warnings" is tried before "warning" fails on it.
    ordered = sorted(set(phrases), key=len, reverse=True)
    body = "|".join(r"\s+".join(re.escape(word) for word in p.split()) for p in ordered)
    end = r"\b" if whole_words else ""
    return re.compile(rf"^\s*(?:{body}){end}", re.IGNORECASE)


@functools.cache
def panel_section_end() -> re.Pattern[str]:
    """A line that starts another section after the panel's ingredient paragraph; a phrase
    matches as a prefix ("store" also matches "Stored")."""
    return _starts_with(knowledge().section_ends.phrases, whole_words=False)


@functools.cache
def directions_section_end() -> re.Pattern[str]:
    """A line that ends wrapped directions; phrases match as whole words."""
    return _starts_with(knowledge().section_ends.for_directions, whole_words=True)
