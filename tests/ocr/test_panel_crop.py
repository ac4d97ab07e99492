"""Finding the panel on the small copy: clusters of text boxes, and the body text's height."""

from __future__ import annotations

import math

import numpy as np
import pytest

from ocr.pipeline import _body_height, _grown_block, _Reading, densest_block
from ocr.types import TextBox


def box(x: float, y: float, w: float, h: float = 10.0) -> TextBox:
    return TextBox("text", ((x, y), (x + w, y), (x + w, y + h), (x, y + h)), 0.9)


def _rows(x: float, y: float, count: int, w: float = 80.0) -> list[TextBox]:
    return [box(x, y + 14 * i, w) for i in range(count)]


def test_the_largest_cluster_wins_and_a_distant_one_stays_out() -> None:
    panel = _rows(100, 100, 8)
    stray = [box(600, 500, 40)]  # a word on the far side of the photo
    x, y, w, h = densest_block(panel + stray, (700, 800)) or (0, 0, 0, 0)
    assert x < 100 and y < 100 and x + w > 180 and y + h > 100 + 14 * 7
    assert x + w < 600 and y + h < 500


def test_a_panel_split_by_rows_the_detector_missed_is_taken_whole() -> None:
    # Heading and first rows, a gap of three missing rows, then the rest of the panel.
    top = _rows(100, 100, 3)
    bottom = _rows(100, 100 + 14 * 6, 8)
    _, y, _, h = densest_block(top + bottom, (700, 800)) or (0, 0, 0, 0)
    assert y <= 100 and y + h >= 100 + 14 * 13 + 10


def test_an_amount_column_far_to_the_right_of_the_names_joins_the_panel() -> None:
    names = _rows(100, 100, 8, w=60)
    amounts = [box(205, 100 + 14 * i, 25) for i in range(8)]  # 45 px (4.5 em) to the right
    x, _, w, _ = densest_block(names + amounts, (700, 800)) or (0, 0, 0, 0)
    assert x <= 100 and x + w >= 230


def test_body_height_ignores_a_large_heading_and_merged_boxes() -> None:
    boxes = [box(0, 0, 300, h=60), box(0, 70, 300, h=40), *_rows(0, 120, 6)]
    assert _body_height(boxes) == 10.0
    assert _body_height([]) == 0.0


def turned_box(x: float, y: float, w: float, h: float, degrees: float) -> TextBox:
    """A box w x h turned clockwise by `degrees` about its top-left corner, corners clockwise
    from the top left as the engines give them."""
    c, s = math.cos(math.radians(degrees)), math.sin(math.radians(degrees))

    def at(dx: float, dy: float) -> tuple[float, float]:
        return x + dx * c - dy * s, y + dx * s + dy * c

    return TextBox("text", (at(0, 0), at(w, 0), at(w, h), at(0, h)), 0.9)


def test_a_boxs_line_height_is_its_own_not_its_upright_extent() -> None:
    assert box(0, 0, 300, h=12).line_height == 12.0
    turned = turned_box(0, 0, 300, 12, 5.0)
    assert turned.line_height == pytest.approx(12.0)
    assert turned.height > 3 * 12  # the slant of 300 px at 5 degrees is 26 px


def test_body_height_of_a_turned_panel_is_its_text_height() -> None:
    """A panel turned by 5 degrees whose rows the detector boxed as long lines: measured by
    their upright extent, its text was taken for 3.7 times its height, and its crop was
    read that much too small."""
    rows = [turned_box(100, 100 + 14 * i, 300, 10, 5.0) for i in range(8)]
    assert _body_height(rows) == pytest.approx(10.0)


def _reading_of_crop(
    boxes: list[TextBox], crop_top: float, page_h: int = 3000
) -> tuple[_Reading, tuple[int, int, int]]:
    """A reading of a crop 600 px high read at scale 1 from `crop_top` of a 2000 x `page_h`
    page, its block padded by 30 px (text 20 px high)."""
    page = np.zeros((page_h, 2000, 3), np.uint8)
    block = (500, round(crop_top) + 30, 400, 540)
    reading = _Reading(page, 0, boxes, 1.0, (470.0, crop_top), block, 20.0)
    return reading, (600, 460, 3)


def test_text_running_to_the_crops_bottom_grows_the_block_down() -> None:
    rows = [box(40, 30 + 26 * i, 300, h=20) for i in range(22)]  # the last ends at 596 of 600
    reading, shape = _reading_of_crop(rows, crop_top=400)
    assert _grown_block(reading, shape) == (500, 430, 400, 540 * 3)


def test_text_inside_the_crop_or_a_crop_at_the_page_edge_grows_nothing() -> None:
    inside = [box(40, 30 + 26 * i, 300, h=20) for i in range(20)]  # ends 40 px from the edge
    reading, shape = _reading_of_crop(inside, crop_top=400)
    assert _grown_block(reading, shape) is None
    at_edge = [box(40, 30 + 26 * i, 300, h=20) for i in range(22)]
    reading, shape = _reading_of_crop(at_edge, crop_top=2400, page_h=3000)  # crop ends at 3000
    assert _grown_block(reading, shape) is None


def test_a_tall_panel_whose_rows_the_small_copy_missed_is_read_whole() -> None:
    """A generated photo (seed 17, photo 148) of a tall, narrow panel: on the 960 px copy
    the detector finds only the heading and serving lines, so the first crop ends three rows
    down. The text runs to the crop's bottom edge, the crop grows, and all 14 rows are read."""
    import json
    import tempfile
    from pathlib import Path

    from app.scan import scan_photos
    from bench.rowmatch import Row, count
    from bench.synth.generate import Job, make_one

    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder)
        (out / "images").mkdir()
        (out / "truth").mkdir()
        make_one(Job(out, 17, 148, False))
        photo = (out / "images" / "0148.jpg").read_bytes()
        truth = json.loads((out / "truth" / "0148.json").read_text())
    rows = [Row(r["name"], r["amount"], r["unit"]) for r in truth["rows"]]
    result = scan_photos([photo])
    found = count([Row(i.name, i.amount, i.unit) for i in result.ingredients], rows)
    assert found.expected == 14
    assert found.matched >= 13, found
