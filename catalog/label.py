"""The catalog's entry points: label text or lines -> an annotated ScanResult."""

from __future__ import annotations

from collections.abc import Sequence

from catalog.checks import annotate
from catalog.misread import correct_misread_rows
from catalog.models import ScanResult
from catalog.parse import Line, parse_lines, parse_text
from catalog.profile import Profile
from catalog.score import score_label


def read_text(text: str, profile: Profile | None = None) -> ScanResult:
    """Label text (one panel line per line) -> parsed, checked, scored result."""
    return score_label(annotate(parse_text(text)), profile)


def read_lines(
    lines: Sequence[Line], extra_text: Sequence[str] = (), profile: Profile | None = None
) -> ScanResult:
    """Lines with layout (from OCR) -> parsed, checked result. `extra_text` is other text
    seen on the photo (seals read as stacked blocks), searched for marks only."""
    result = parse_lines(lines)
    correct_misread_rows(result)
    return score_label(annotate(result, extra_text), profile)
