"""The catalog's entry points: label text or lines -> an annotated ScanResult."""

from __future__ import annotations

from collections.abc import Sequence

from catalog.checks import annotate
from catalog.models import ScanResult
from catalog.parse import Line, parse_lines, parse_text


def read_text(text: str) -> ScanResult:
    """Label text (one panel line per line) -> parsed, checked result."""
    return annotate(parse_text(text))


def read_lines(lines: Sequence[Line], extra_text: Sequence[str] = ()) -> ScanResult:
    """Lines with layout (from OCR) -> parsed, checked result. `extra_text` is other text
    seen on the photo (seals read as stacked blocks), searched for marks only."""
    return annotate(parse_lines(lines), extra_text)
