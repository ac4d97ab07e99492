"""Finding the panel on the small copy: clusters of text boxes, and the body text's height."""

from __future__ import annotations

from ocr.pipeline import _body_height, densest_block
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
