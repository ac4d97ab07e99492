"""A cheap test that rules out a regular-expression search: the literal words a pattern cannot
match without, read from the pattern's parse tree.

Most label text holds no certification mark and most lines no heading, yet each pattern would
otherwise scan all of it. A pattern none of whose needed words occurs in the case-folded text
is not searched: the answer is the same, found without the scan.
"""

from __future__ import annotations

import functools
import importlib
import re
from typing import Any

try:  # the parser `re` itself uses; without it every pattern is searched
    _parser: Any = importlib.import_module("re._parser")
    _op: Any = importlib.import_module("re._constants")
except ImportError:  # pragma: no cover - another Python's internals
    _parser = _op = None

_MIN_WORD = 3  # shorter words are in nearly every text: not worth a check
# The only non-ASCII characters that re.IGNORECASE matches to ASCII ones (İ ı ſ and the Kelvin
# sign, for i, s and k); str.lower() does not fold them the same way.
_ASCII_LOOKALIKES = ("\u0130", "\u0131", "\u017f", "\u212a")


def search_key(text: str) -> str | None:
    """The text as `may_match` compares it (lower case), or None when case folding could
    differ from the regex engine's and only a search can tell."""
    if any(ch in text for ch in _ASCII_LOOKALIKES):
        return None
    return text.lower()


def may_match(pattern: re.Pattern[str], key: str | None) -> bool:
    """False only when `pattern` cannot match the text whose `search_key` is `key`."""
    if key is None:
        return True
    words = needed_words(pattern)
    return words is None or any(word in key for word in words)


@functools.lru_cache(maxsize=1024)
def needed_words(pattern: re.Pattern[str]) -> tuple[str, ...] | None:
    """Lower-case words one of which every match contains; None when there are none worth
    checking (the pattern is then always searched)."""
    if _parser is None:
        return None
    try:
        tree = _parser.parse(pattern.pattern, pattern.flags)
    except re.error:  # pragma: no cover - it compiled, so it parses
        return None
    return _words(tree.data)


def _words(items: Any) -> tuple[str, ...] | None:
    """The best set of needed words of a sequence: its longest run of literal characters, or
    the words of an alternation every branch of which has some."""
    options: list[tuple[str, ...]] = []
    run: list[str] = []
    for op, av in _flatten(items):
        if op is _op.LITERAL and av < 128 and chr(av).isalnum():
            # Letters and digits only: blanking text out (find_marks) cannot make such a run.
            run.append(chr(av).lower())
            continue
        if op is _op.AT:
            continue  # \b, ^, $ take no characters: the literals around it stay adjacent
        if run:
            options.append(("".join(run),))
            run = []
        if op is _op.BRANCH:
            branches = [_words(branch.data) for branch in av[1]]
            if all(branches):
                options.append(tuple(dict.fromkeys(w for b in branches if b for w in b)))
    if run:
        options.append(("".join(run),))
    usable = [o for o in options if min(len(w) for w in o) >= _MIN_WORD]
    if not usable:
        return None
    return min(usable, key=lambda o: (len(o), -min(len(w) for w in o)))


def _flatten(items: Any) -> list[tuple[Any, Any]]:
    """The sequence with its groups opened: a group's contents are needed as much as the
    group itself is."""
    out: list[tuple[Any, Any]] = []
    for op, av in items:
        if op is _op.SUBPATTERN and av[3] is not None:
            out.extend(_flatten(av[3].data))
        else:
            out.append((op, av))
    return out
