"""The Tesseract engine: words joined into line segments, and the words that locate a panel.
The joining rules run on hand-made words; the engine itself reads rendered text."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from ocr.engines import get_engine
from ocr.engines.tesseract import TesseractEngine, Word, credible, join_words, words_of
from ocr.layout import tilt_degrees


def _word(text: str, left: float, top: float = 100, *, line: int = 1, conf: float = 0.9) -> Word:
    return Word(text, left, top, 10.0 * len(text), 30.0, conf, (1, 1, line))


def test_words_a_space_apart_make_one_segment() -> None:
    words = [_word("Serving", 0), _word("Size", 80), _word("3", 130), _word("Tablets", 150)]
    boxes = join_words(words)
    assert [b.text for b in boxes] == ["Serving Size 3 Tablets"]
    assert boxes[0].left == 0 and boxes[0].right == 220


def test_a_column_gap_splits_a_line() -> None:
    # Name, then the amount two word heights further right, then the %DV.
    words = [_word("Zinc", 0), _word("11", 100), _word("mg", 130), _word("100%", 220)]
    assert [b.text for b in join_words(words)] == ["Zinc", "11 mg", "100%"]


def test_words_of_other_lines_are_not_joined_and_order_within_a_line_is_by_x() -> None:
    words = [_word("mg", 130, line=2), _word("Zinc", 0), _word("11", 100, line=2)]
    assert sorted(b.text for b in join_words(words)) == ["11 mg", "Zinc"]


def test_a_segment_is_as_sure_as_its_least_sure_word() -> None:
    boxes = join_words([_word("Vitamin", 0, conf=0.95), _word("D3", 80, conf=0.4)])
    assert boxes[0].confidence == pytest.approx(0.4)


def _line(texts: list[str], left: float, top: float, slope: float, line: int = 1) -> list[Word]:
    """Words a space apart on a line that falls `slope` px per px to the right."""
    words = []
    for text in texts:
        words.append(_word(text, left, top + slope * (left + 5 * len(text)), line=line))
        left += 10 * len(text) + 10
    return words


def test_segments_follow_the_slope_of_the_page() -> None:
    # A page tilted by 0.05 (about 2.9 degrees); one word is taller (a bracket reaches below
    # the line) and must not tilt the box more.
    words = _line(["Zinc", "25", "mg", "(as", "zinc", "oxide)"], 0, 100, 0.05)
    bracket = words[3]
    words[3] = Word(bracket.text, bracket.left, bracket.top, bracket.width, 40, 0.9, (1, 1, 1))
    (box,) = join_words(words)
    (x0, y0), (x1, y1) = box.quad[0], box.quad[1]
    assert (y1 - y0) / (x1 - x0) == pytest.approx(0.05)
    assert box.top <= 100 and box.bottom >= words[-1].top + 30  # every word inside


def test_short_lines_and_segments_take_the_slope_of_the_page() -> None:
    words = _line(["Calcium", "(as", "calcium", "citrate)"], 0, 100, 0.05)
    words += _line(["Zinc", "(as", "zinc", "oxide)"], 0, 200, 0.05, line=2)
    words += [_word("1", 400, 120, line=3), _word("mg", 420, 120, line=3)]  # level by chance
    boxes = join_words(words)
    assert len(boxes) == 3
    for box in boxes:
        (x0, y0), (x1, y1) = box.quad[0], box.quad[1]
        assert (y1 - y0) / (x1 - x0) == pytest.approx(0.05), box.text


def test_words_of_drops_empty_and_unsure_entries() -> None:
    data: dict[str, list[str | int | float]] = {
        "text": ["", "Magnesium", "ee", "  "],
        "conf": [-1, 91.5, 8.0, 95.0],
        "block_num": [1, 1, 2, 1],
        "par_num": [1, 1, 1, 1],
        "line_num": [1, 1, 1, 1],
        "left": [0, 10, 300, 0],
        "top": [0, 20, 300, 0],
        "width": [0, 120, 20, 0],
        "height": [0, 30, 10, 0],
    }
    (word,) = words_of(data, 10.0)
    assert word == Word("Magnesium", 10, 20, 120, 30, 0.915, (1, 1, 1))


def test_only_credible_words_locate_a_panel() -> None:
    words = [
        _word("Magnesium", 0, conf=0.93),
        _word("Facts", 0, conf=0.49),  # texture is read with low confidence
        _word("‘x", 0, conf=0.8),  # one letter: grain or a speck
        _word("25", 0, conf=0.7),
    ]
    assert [w.text for w in credible(words)] == ["Magnesium", "25"]


def _engine() -> TesseractEngine:
    engine = get_engine("tesseract")
    assert isinstance(engine, TesseractEngine)
    return engine


def _render(
    lines: list[tuple[int, int, str]], size: tuple[int, int], angle: float = 0.0
) -> Image.Image:
    image = Image.new("L", size, 255)
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=40)
    for x, y, text in lines:
        draw.text((x, y), text, fill=0, font=font)
    return image.rotate(angle, fillcolor=255, resample=Image.Resampling.BICUBIC)


def test_a_rendered_panel_reads_as_phrases_and_columns() -> None:
    image = _render(
        [(60, 60, "Serving Size 3 Tablets"), (60, 160, "Magnesium"), (700, 160, "250 mg")],
        (1100, 300),
    )
    boxes = _engine().recognize(np.asarray(image.convert("RGB")))
    texts = [b.text for b in boxes]
    assert "Serving Size 3 Tablets" in texts, texts
    assert "Magnesium" in texts and "250 mg" in texts, texts
    amount = next(b for b in boxes if b.text == "250 mg")
    assert 680 < amount.left < 720 and 150 < amount.top < 190  # in the image's own pixels


def test_a_tilted_page_gives_its_tilt_to_the_layout() -> None:
    # PIL turns counter-clockwise: the text then climbs to the right (y falls).
    image = _render([(100, 250, "Calcium (as calcium carbonate) 1,000 mg")], (1200, 600), 4.0)
    boxes = _engine().recognize(np.asarray(image))
    assert tilt_degrees(boxes) == pytest.approx(-4.0, abs=1.0), [(b.text, b.quad) for b in boxes]
