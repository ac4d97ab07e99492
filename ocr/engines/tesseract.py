"""Tesseract through pytesseract: line segments (words joined) with confidences.

How it is run, and why (measured with bench/ocr_accuracy.py on synthetic and real photos):
- a grey image, as it comes: contrast equalisation (CLAHE) raised background texture into
  "words" and read no panel better;
- sparse-text segmentation (psm 11), so that Tesseract does not reorder or drop the amount and
  %DV columns (the layout rebuilds rows from the boxes);
- a resolution hint: an image handed over without one is taken as 70 dpi, which sizes
  Tesseract's noise and line-finding limits for text four times smaller than a panel's;
- words joined into line segments: Tesseract boxes single words, and the layout, tuned on
  RapidOCR's line boxes, took the word after a number ("Size" | "3 Tablets, Servings Per") for
  the start of a second table half, tearing paragraphs and rows apart; segments break where
  the words are a column gap apart, and their corners follow the slope of their words, so the
  layout can measure the page's tilt;
- `detect` keeps only confident words: the pipeline locates and scales the panel by them, and
  texture read as text had moved the crop and shrunk its text;
- one OpenMP thread (with OpenMP's default it took two to five times longer on two cores), and
  a hard timeout so a pathological image cannot hold a worker.
"""

from __future__ import annotations

import os
import shutil
import statistics
from dataclasses import dataclass

import cv2
import numpy as np

from ocr.engines.base import EngineError
from ocr.types import Image, TextBox

os.environ.setdefault("OMP_THREAD_LIMIT", "1")

import pytesseract

DEFAULT_TIMEOUT_S = 20.0
_PSM = 11
_DPI = 300
# Tesseract's 0..100. Below this a "word" is mostly texture.
_MIN_CONFIDENCE = 10.0
# Words that locate the panel (`detect`) are surer than that, and hold two letters or digits:
# wood grain and fabric read as short, low-confidence "words" ("ee", "=", "‘x").
_DETECT_MIN_CONFIDENCE = 50.0
_DETECT_MIN_ALNUM = 2
# Words of one Tesseract line belong to one segment while the gap between them is at most this
# share of their height: a word space is 0.2-0.4 of a word box's height, the gap between a
# panel's name, amount and %DV columns one to several heights.
_JOIN_GAP = 0.6
# Lines of fewer words do not measure the page's slope (see `page_slope`).
_SLOPE_MIN_WORDS = 3


@dataclass(frozen=True, slots=True)
class Word:
    """One word from image_to_data, in the engine's pixels."""

    text: str
    left: float
    top: float
    width: float
    height: float
    confidence: float  # 0..1
    line: tuple[int, int, int]  # Tesseract's block, paragraph and line numbers

    @property
    def right(self) -> float:
        return self.left + self.width


def _grey(image: Image) -> Image:
    return image if image.ndim == 2 else np.asarray(cv2.cvtColor(image, cv2.COLOR_RGB2GRAY))


def words_of(data: dict[str, list[str | int | float]], min_confidence: float) -> list[Word]:
    """The words of an image_to_data dictionary, without empty and unsure ones."""
    words = []
    for i, raw in enumerate(data["text"]):
        text = str(raw).strip()
        conf = float(data["conf"][i])
        if not text or conf < min_confidence:
            continue
        line = (int(data["block_num"][i]), int(data["par_num"][i]), int(data["line_num"][i]))
        left, top = float(data["left"][i]), float(data["top"][i])
        width, height = float(data["width"][i]), float(data["height"][i])
        words.append(Word(text, left, top, width, height, conf / 100.0, line))
    return words


def page_slope(lines: list[list[Word]]) -> float:
    """The page's slope (dy/dx), which Tesseract's upright word boxes do not show: for each
    line of at least _SLOPE_MIN_WORDS words, the median of the slopes between the centres of
    every two of its words (Theil-Sen: a word taller than the rest, ascenders, descenders or a
    bracket, does not set it); then the median over the lines. Short lines are left out: the
    centres of two words differ by more than a tilt of a few degrees moves them."""
    slopes = []
    for line in lines:
        if len(line) < _SLOPE_MIN_WORDS:
            continue
        centres = [(w.left + w.width / 2, w.top + w.height / 2) for w in line]
        pairs = [
            (y1 - y0) / (x1 - x0)
            for i, (x0, y0) in enumerate(centres)
            for x1, y1 in centres[i + 1 :]
            if x1 != x0
        ]
        if pairs:
            slopes.append(statistics.median(pairs))
    return statistics.median(slopes) if slopes else 0.0


def _segment_box(words: list[Word], slope: float) -> TextBox:
    """The segment's text and corners: its words' extent, with top and bottom edges of the
    page's slope through the words' mean centre, half the tallest word either side."""
    left, right = min(w.left for w in words), max(w.right for w in words)
    mx = statistics.fmean(w.left + w.width / 2 for w in words)
    my = statistics.fmean(w.top + w.height / 2 for w in words)
    half = max(w.height for w in words) / 2
    y_left, y_right = my + slope * (left - mx), my + slope * (right - mx)
    quad = (
        (left, y_left - half),
        (right, y_right - half),
        (right, y_right + half),
        (left, y_left + half),
    )
    text = " ".join(w.text for w in words)
    return TextBox(text, quad, min(w.confidence for w in words))


def join_words(words: list[Word]) -> list[TextBox]:
    """Words of one Tesseract line, left to right, joined while they are a word space apart."""
    lines: dict[tuple[int, int, int], list[Word]] = {}
    for word in words:
        lines.setdefault(word.line, []).append(word)
    for line in lines.values():
        line.sort(key=lambda w: w.left)
    slope = page_slope(list(lines.values()))
    boxes = []
    for line in lines.values():
        height = statistics.median(w.height for w in line)
        segment = [line[0]]
        for word in line[1:]:
            if word.left - segment[-1].right > _JOIN_GAP * height:
                boxes.append(_segment_box(segment, slope))
                segment = []
            segment.append(word)
        boxes.append(_segment_box(segment, slope))
    return boxes


def credible(words: list[Word]) -> list[Word]:
    """The words sure enough to locate a panel by (see _DETECT_MIN_CONFIDENCE)."""
    return [
        w
        for w in words
        if w.confidence * 100 >= _DETECT_MIN_CONFIDENCE
        and sum(ch.isalnum() for ch in w.text) >= _DETECT_MIN_ALNUM
    ]


class TesseractEngine:
    name = "tesseract"

    def __init__(self, timeout_s: float = DEFAULT_TIMEOUT_S, lang: str = "eng") -> None:
        if shutil.which("tesseract") is None:
            raise EngineError(
                "the tesseract binary is not installed (Debian: tesseract-ocr)",
                code="engine_missing",
            )
        try:
            langs = pytesseract.get_languages(config="")
        except pytesseract.TesseractError as exc:
            raise EngineError(f"tesseract does not start: {exc}", code="engine_missing") from exc
        if lang not in langs:
            raise EngineError(
                f"tesseract has no {lang!r} language data (Debian: tesseract-ocr-{lang})",
                code="engine_missing",
            )
        self.timeout_s = timeout_s
        self.lang = lang

    def _data(self, image: Image) -> dict[str, list[str | int | float]]:
        try:
            data: dict[str, list[str | int | float]] = pytesseract.image_to_data(
                _grey(image),
                lang=self.lang,
                config=f"--psm {_PSM} --dpi {_DPI}",
                output_type=pytesseract.Output.DICT,
                timeout=self.timeout_s,
            )
        except RuntimeError as exc:  # pytesseract raises RuntimeError on its timeout
            raise EngineError(
                f"tesseract took longer than {self.timeout_s:g} s", code="ocr_timeout"
            ) from exc
        except pytesseract.TesseractError as exc:
            raise EngineError(f"tesseract failed: {exc}") from exc
        return data

    def recognize(self, image: Image, *, detect_image: Image | None = None) -> list[TextBox]:
        # Tesseract finds words by reading them: there is no separate detector to feed.
        return join_words(words_of(self._data(image), _MIN_CONFIDENCE))

    def detect(self, image: Image) -> list[TextBox]:
        # Tesseract has no separate detector; reading is the only way to find words.
        return join_words(credible(words_of(self._data(image), _DETECT_MIN_CONFIDENCE)))


def tesseract_version() -> str | None:
    try:
        return str(pytesseract.get_tesseract_version())
    except (pytesseract.TesseractNotFoundError, OSError):
        return None


__all__ = ["TesseractEngine", "Word", "credible", "join_words", "tesseract_version", "words_of"]
