"""The search pre-filter may skip a search only when the search would find nothing."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from catalog import parse
from catalog.checks import find_marks
from catalog.lexicon import Lexicon, lexicon
from catalog.models import Mark
from catalog.prefilter import may_match, needed_words, search_key
from tests.catalog.test_knowledge import LOOKALIKE_PHRASES, MARK_PHRASES, PLAIN_PHRASES

LEX = lexicon()
PATTERNS: list[re.Pattern[str]] = [
    *(p for _, ps in LEX.mark_patterns for p in ps),
    *LEX.lookalike_patterns,
    *(p for p, _ in parse._HEADINGS),
    parse._SERVING_SIZE, parse._SERVINGS, parse._FOOTNOTE, parse._LINEAR_START,
    parse._LINEAR_CUT, parse._BLEND_WORDS,
]  # fmt: skip
PHRASES = [p for p, _ in MARK_PHRASES] + [p for p, _ in LOOKALIKE_PHRASES] + PLAIN_PHRASES
PHRASES += [
    "Supplement Facts Serving Size 2 Capsules, Amount Per Serving: Zinc 5 mg, Iron 2 mg",
    "Nutrition Facts", "Valeur nutritive", "Typical values", "Servings per container 60",
    "*Percent Daily Values are based on a 2,000 calorie diet.", "Calming Blend 300 mg",
]  # fmt: skip
# Characters re.IGNORECASE takes for ASCII letters although str.lower() does not.
LOOKALIKE_LETTERS = {"s": "\u017f", "i": "\u0131", "I": "\u0130", "k": "\u212a", "K": "\u212a"}


def _unfiltered_marks(lex: Lexicon, text: str) -> tuple[list[Mark], list[str]]:
    """find_marks as it was before the pre-filter: every pattern searched."""
    lookalikes: list[str] = []
    masked = text
    for pattern in lex.lookalike_patterns:
        for hit in pattern.finditer(masked):
            lookalikes.append(" ".join(hit.group(0).split()))
            masked = masked[: hit.start()] + " " * len(hit.group(0)) + masked[hit.end() :]
    marks: list[Mark] = []
    for mark, patterns in lex.mark_patterns:
        found = next((m for p in patterns if (m := p.search(masked))), None)
        if found:
            marks.append(Mark(id=mark.id, text=" ".join(found.group(0).split()), kind=mark.kind))
    return marks, lookalikes


def test_needed_words_are_read_from_the_pattern() -> None:
    assert needed_words(re.compile(r"(?i:\bNSF\W*ANSI\W*173\b)")) == ("ansi",)
    assert needed_words(re.compile(r"\b(?:lab|quality)\W*(?:tested|verified)\b", re.I)) == (
        "tested",
        "verified",
    )
    assert needed_words(re.compile(r"\bU\W?S\W?P\b", re.I)) is None  # no word of 3 letters
    assert needed_words(re.compile(r"(?:dr|doctor)\W*x", re.I)) is None  # "dr" is too short
    assert needed_words(re.compile(r"foo bar")) == ("foo",)  # a space is never in a word


def test_folding_that_str_lower_gets_wrong_disables_the_filter() -> None:
    pattern = re.compile(r"certified", re.I)
    assert pattern.search("cert\u0131f\u0131ed") and search_key("cert\u0131f\u0131ed") is None
    assert not may_match(pattern, search_key("Vitamin C 90 mg \u2020"))
    assert may_match(pattern, search_key("CERTIFIED \u2020"))


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.sampled_from(PHRASES), min_size=1, max_size=3),
    st.sampled_from(["", "upper", "lower", "lookalike"]),
    st.sampled_from([" ", "\n", " - ", ". "]),
)
def test_a_skipped_search_finds_nothing(phrases: list[str], case: str, joiner: str) -> None:
    text = joiner.join(phrases)
    if case == "upper":
        text = text.upper()
    elif case == "lower":
        text = text.lower()
    elif case == "lookalike":
        text = "".join(LOOKALIKE_LETTERS.get(ch, ch) for ch in text)
    key = search_key(text)
    for pattern in PATTERNS:
        if not may_match(pattern, key):
            assert pattern.search(text) is None, (pattern.pattern, text)
    assert find_marks(LEX, text) == _unfiltered_marks(LEX, text)


def test_marks_and_lookalikes_read_as_before_on_every_known_phrase() -> None:
    for phrase in PHRASES:
        for text in (phrase, phrase.upper(), f"NSF {phrase} USP", phrase.replace(" ", "\n")):
            assert find_marks(LEX, text) == _unfiltered_marks(LEX, text), text
