"""Scoring through the catalog, and the profile a stored product is scored for."""

from __future__ import annotations

from catalog.checks import find_interactions, find_warnings
from catalog.lexicon import lexicon
from catalog.models import ScanResult
from catalog.profile import Profile
from catalog.score import score_label

# Stored products are scored for a general transplant recipient (no profile); a caller's own
# profile only changes the copy of the result it is sent.
DEFAULT_PROFILE = Profile()


def score(result: ScanResult, profile: Profile | None) -> ScanResult:
    """Scores `result` in place for `profile` (none: a general transplant recipient)."""
    return score_label(result, profile or DEFAULT_PROFILE)


def scored_copy(result: ScanResult, profile: Profile | None) -> ScanResult:
    return score(result.model_copy(deep=True), profile)


def recheck(result: ScanResult) -> ScanResult:
    """Interactions and warnings again after rows changed. Marks are kept: they were read from
    text (seals on the front photo) that is not part of the stored result."""
    lex = lexicon()
    result.interactions = find_interactions(lex, result)
    result.warnings = find_warnings(lex, result)
    return result
