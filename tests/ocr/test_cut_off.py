"""A panel reaching the frame's edge is cut off only where the text read says so: the heading
read means the top is whole, and rows sliced by the frame mean a side is cut. Real engine
(RapidOCR) on a real label (../shared/data), cropped through the panel on each side."""

from __future__ import annotations

import functools

import numpy as np
import pytest
from PIL import Image as PILImage

from bench.shared_data import shared_data
from catalog.sections import panel_bottom, panel_top
from ocr.engines import get_engine
from ocr.quality import Box, cut_sides
from ocr.types import Image, TextBox

# A render of a whole Nutrition Facts panel cropped tight to its outline (heading at the top,
# the per-container column within a few pixels of the right edge), ending at its last row.
LABEL = "photos-ellasemancik/label_05/label_05.png"


@functools.cache
def _label() -> Image:
    with PILImage.open(shared_data() / LABEL) as img:
        return np.asarray(img.convert("RGB"))


def _read(rgb: Image) -> tuple[Image, Box, list[TextBox]]:
    """The photo, the extent of the text read (as the pipeline hands it to quality) and the
    boxes."""
    rgb = np.ascontiguousarray(rgb)
    boxes = get_engine("rapidocr").recognize(rgb)
    xs = [p[0] for b in boxes for p in b.quad]
    ys = [p[1] for b in boxes for p in b.quad]
    x0, y0 = max(0, int(min(xs))), max(0, int(min(ys)))
    x1, y1 = min(rgb.shape[1], int(max(xs)) + 1), min(rgb.shape[0], int(max(ys)) + 1)
    return rgb, (x0, y0, x1 - x0, y1 - y0), boxes


def test_a_tight_crop_is_whole_where_its_heading_and_rows_are() -> None:
    rgb, box, boxes = _read(_label())
    # The text reaches every edge ...
    assert cut_sides(rgb, box) == ["top", "bottom", "left", "right"]
    # ... but the heading is read and no row runs into the sides; the bottom is cut indeed
    # (the render ends at the last row, without the panel's footnote).
    assert cut_sides(rgb, box, boxes) == ["bottom"]


def test_a_top_without_the_heading_is_cut() -> None:
    label = _label()
    rgb, box, boxes = _read(label[label.shape[0] // 8 :])
    assert "top" in cut_sides(rgb, box, boxes)


@pytest.mark.parametrize("side", ["left", "right"])
def test_rows_sliced_by_the_frame_are_cut(side: str) -> None:
    label = _label()
    w = label.shape[1]
    cropped = label[:, w // 5 :] if side == "left" else label[:, : 4 * w // 5]
    rgb, box, boxes = _read(cropped)
    assert side in cut_sides(rgb, box, boxes)
    other = "right" if side == "left" else "left"
    if side == "left":  # the untouched side stays whole
        assert other not in cut_sides(rgb, box, boxes)


def test_a_footnote_or_the_next_section_closes_the_panel() -> None:
    assert panel_top().search("SupplementFacts Serving Size 1 Capsule")
    assert panel_top().search("nutrition  facts")
    for line in ("* Percent Daily Values are based on a 2,000 calorie diet.",
                 "†Daily Value not established.", "Other Ingredients: gelatin",
                 "*Reference intake of an average adult (8400 kJ/2000 kcal)",
                 "based on a 2,000 calorie diet."):  # fmt: skip
        assert panel_bottom().search(line)
    assert not panel_bottom().search("Magnesium (as magnesium oxide) 200 mg 48%")
