"""RapidOCR's detector input size, set per image on RapidOCR's own objects (an upgrade that
renames them must fail here, not silently bring back full-size detection)."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from ocr.engines import get_engine
from ocr.engines.rapid import DETECT_MAX_SIDE, RapidEngine
from ocr.types import Quad


def _engine() -> RapidEngine:
    engine = get_engine("rapidocr")
    assert isinstance(engine, RapidEngine)
    return engine


def test_large_images_are_detected_on_a_smaller_copy() -> None:
    engine = _engine()
    engine._limit_detection(np.zeros((3000, 2200, 3), np.uint8))
    detector = engine._ocr.text_det
    assert (detector.limit_type, detector.limit_side_len) == ("max", DETECT_MAX_SIDE)


def test_small_images_are_still_scaled_up_for_detection() -> None:
    engine = _engine()
    engine._limit_detection(np.zeros((500, 900, 3), np.uint8))
    detector = engine._ocr.text_det
    assert detector.limit_type == "min" and detector.limit_side_len > 500


def test_text_on_a_large_image_is_read_at_full_resolution() -> None:
    """Boxes come back in the image's own pixels and small text still reads."""
    image = Image.new("RGB", (2600, 1400), "white")
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=36)
    draw.text((1800, 1200), "Magnesium 200 mg", fill="black", font=font)
    boxes = _engine().recognize(np.asarray(image))
    found = [b for b in boxes if "Magnesium" in b.text]
    assert found, [b.text for b in boxes]
    assert 1750 < found[0].left < 1850 and 1180 < found[0].top < 1230


def _line(text: str, size: tuple[int, int] = (900, 200)) -> np.ndarray:
    image = Image.new("RGB", size, "white")
    ImageDraw.Draw(image).text((40, 70), text, fill="black", font=ImageFont.load_default(size=40))
    return np.asarray(image)


def test_lines_found_in_the_detection_copy_are_read_from_the_image() -> None:
    """The detector searches `detect_image`; the text comes from the same place in `image`."""
    found_here = _line("Vitamin C 90 mg")
    read_here = _line("Zinc 11 mg 100%")
    boxes = _engine().recognize(read_here, detect_image=found_here)
    text = " ".join(b.text for b in boxes).replace(" ", "")
    assert "Zinc" in text and "Vitamin" not in text, text
    assert all(20 < b.left < 80 for b in boxes), boxes


def test_no_line_in_the_detection_copy_reads_nothing() -> None:
    assert _engine().recognize(_line("Zinc 11 mg"), detect_image=_line("")) == []


def test_the_detection_copy_must_match_the_image() -> None:
    with pytest.raises(ValueError, match="size"):
        _engine().recognize(_line("Zinc"), detect_image=_line("Zinc", (800, 200)))


def test_known_places_are_read_without_the_detector() -> None:
    """`read_quads` reads each given place, in the order given, and keeps its corners; a
    place with no text reads as nothing."""
    image = _line("Zinc 11 mg 100%")  # ink spans x 42-346, y 81-116

    def place(x0: float, x1: float, y0: float = 60.0, y1: float = 125.0) -> Quad:
        return ((x0, y0), (x1, y0), (x1, y1), (x0, y1))

    name, amount, blank = place(30, 190), place(195, 360), place(600, 880, 10, 60)
    boxes = _engine().read_quads(image, [amount, blank, name])
    assert [b.quad for b in boxes] == [amount, name], boxes
    assert boxes[0].text.endswith("100%") and boxes[1].text == "Zinc 11", boxes


def test_no_place_reads_nothing() -> None:
    assert _engine().read_quads(_line("Zinc 11 mg"), []) == []
