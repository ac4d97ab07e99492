"""Text normalisation shared by the parser and the catalog look-ups.

Labels print the same words many ways: "TRAACS®", "Magtein(TM)", "Mag.", "{Calories}", curly
quotes, non-breaking spaces. Everything that compares words goes through `normalize` so the
catalog's synonyms can be written once, in plain lower case.
"""

from __future__ import annotations

import functools
import re
import unicodedata

_TRADEMARKS = re.compile(r"®|™|℠|\((?:r|tm|sm)\)", re.IGNORECASE)
_BRACES = re.compile(r"[{}]")
_PUNCT = re.compile(r"[^\w\s'\-+%/&]", re.UNICODE)
_SPACES = re.compile(r"\s+")
_QUOTES = str.maketrans(
    {"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-", "\u2014": "-"}
)


_PROTECT = str.maketrans({"™": "\ue000", "℠": "\ue001"})
_RESTORE = str.maketrans({"\ue000": "™", "\ue001": "℠"})


def clean(text: str) -> str:
    """Readable text: unicode folded (NFKC, so "ｍｇ" is "mg"; ™ is kept as a sign rather
    than becoming the letters "TM"), white space collapsed. Keeps case and punctuation."""
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text.translate(_PROTECT)).translate(_RESTORE)
        text = text.replace("\u00a0", " ")
    # str.split() splits on exactly what \s matches: the same as collapsing runs, and faster
    return " ".join(text.split())


def fold_accents(text: str) -> str:
    """ "VERIFIÈD" -> "VERIFIED": OCR adds accents that English labels do not print."""
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text.translate(_PROTECT))
    folded = "".join(c for c in decomposed if not unicodedata.combining(c))
    return folded.translate(_RESTORE)


def strip_trademarks(text: str) -> str:
    """Drops ®, ™, (R), (TM) and the braces some databases print around words."""
    return _BRACES.sub("", _TRADEMARKS.sub("", text))


@functools.lru_cache(maxsize=131072)
def normalize(text: str) -> str:
    """The comparison key: lower case, no trademarks, punctuation other than ' - + % / &
    dropped (so "Mag." is "mag" and "St. John's" is "st john's"), single spaces."""
    text = fold_accents(strip_trademarks(clean(text))).translate(_QUOTES).lower()
    text = _PUNCT.sub(" ", text)
    return _SPACES.sub(" ", text).strip()


def to_snake(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", normalize(text)).strip("_")


@functools.lru_cache(maxsize=64)
def _split_marks(separators: str) -> re.Pattern[str]:
    return re.compile("[" + re.escape("()[]{}" + separators) + "]")


def split_top_level(text: str, separators: str = ",;") -> list[str]:
    """Splits on separators that are not inside (), [] or {} — "A (B, C), D" is two parts."""
    parts: list[str] = []
    depth = 0
    start = 0
    for m in _split_marks(separators).finditer(text):  # only brackets and separators act
        i, ch = m.start(), m.group()
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth = max(0, depth - 1)
        elif ch in separators and depth == 0:
            parts.append(text[start:i])
            start = i + 1
    parts.append(text[start:])
    return [p.strip() for p in parts if p.strip()]
