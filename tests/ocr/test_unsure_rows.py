"""A soft photo whose rows were read unsure asks for a retake ("blurry"), though its pixels
alone scored over the blur line: the rows it shows are likely wrong."""

from __future__ import annotations

import pytest

from app.scan import result_of_page, scan_photos
from bench.shared_data import shared_data
from catalog.parse import Line
from ocr.pipeline import PageReading
from ocr.quality import BLUR_MIN_SCORE, UNSURE_BLUR_MAX_SCORE, soft_and_unsure
from ocr.types import QualityReport

ROWS = [
    "Supplement Facts",
    "Serving Size 2 Tablets",
    "Magnesium (as magnesium glycinate) 200 mg 48%",
    "Zinc (as zinc citrate) 11 mg 100%",
    "Vitamin D3 (as cholecalciferol) 25 mcg 125%",
]
SOFT = (BLUR_MIN_SCORE + UNSURE_BLUR_MAX_SCORE) / 2


@pytest.mark.parametrize(
    ("score", "confidences", "blurred"),
    [
        (SOFT, [0.70, 0.80, 0.85], True),  # soft and unsure
        (SOFT, [0.97, 0.99, 0.98], False),  # soft but read sure: a soft lens, not a blur
        (UNSURE_BLUR_MAX_SCORE + 20, [0.70, 0.80, 0.85], False),  # sharp: small print, not blur
        (SOFT, [], False),  # no rows to judge
        (None, [0.70], False),  # no score to judge
    ],
)
def test_soft_and_unsure(score: float | None, confidences: list[float], blurred: bool) -> None:
    assert soft_and_unsure(score, confidences) is blurred


def _page(
    confidence: float, engine: str = "rapidocr", reasons: tuple[str, ...] = ()
) -> PageReading:
    quality = QualityReport(reasons=list(reasons), blur_score=SOFT, text_height_px=30.0)
    lines = [Line(text, confidence=confidence) for text in ROWS]
    return PageReading(lines, quality, engine=engine)


def test_rows_read_unsure_on_a_soft_photo_ask_for_a_retake() -> None:
    result = result_of_page(_page(0.75))
    assert result.ingredients  # the rows are still shown ...
    assert result.quality.retake and result.quality.reasons == ["blurry"]  # ... with a warning


def test_rows_read_sure_on_the_same_photo_are_trusted() -> None:
    assert result_of_page(_page(0.98)).quality.reasons == []


def test_only_rapidocr_confidences_are_judged_and_no_reason_twice() -> None:
    assert result_of_page(_page(0.75, engine="tesseract")).quality.reasons == []
    assert result_of_page(_page(0.75, reasons=("blurry",))).quality.reasons == ["blurry"]
    assert result_of_page(_page(0.75, reasons=("too_small",))).quality.reasons == ["too_small"]


def test_a_real_photo_out_of_focus_that_the_pixels_passed_asks_for_a_retake() -> None:
    """A Nutrition Information panel photographed out of focus: its blur score passes, and
    the rows read from it are mostly wrong."""
    photo = shared_data() / "photos-off-nutrition" / "20158590.jpg"
    result = scan_photos([photo.read_bytes()])
    assert result.quality.retake
    assert "blurry" in result.quality.reasons


def test_rows_of_a_blurred_photo_with_no_panel_found_are_set_aside() -> None:
    result = result_of_page(_page(0.98, reasons=("no_panel_found", "blurry")))
    assert result.ingredients == []
    assert result.unparsed == ROWS  # kept as text, not shown as rows
    assert result.quality.retake
    assert result.quality.reasons == ["no_panel_found", "blurry"]


def test_rows_found_without_a_panel_on_a_sharp_photo_are_kept() -> None:
    # A photo framed on the rows alone, its heading outside: the rows are read.
    result = result_of_page(_page(0.98, reasons=("no_panel_found",)))
    assert [i.nutrient for i in result.ingredients] == ["magnesium", "zinc", "vitamin_d"]
