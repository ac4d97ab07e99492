"""Tesseract through pytesseract: word boxes with confidences.

Run the way our measurements showed it reads panels best: a grey, contrast-equalised image
with text scaled to a cap height Tesseract likes, sparse-text segmentation (psm 11) so it does
not reorder the amount and %DV columns, one OpenMP thread (with OpenMP's default it took two
to five times longer on two cores), and a hard timeout so a pathological image cannot hold a
worker.
"""

from __future__ import annotations

import os
import shutil

import cv2
import numpy as np

from ocr.engines.base import EngineError
from ocr.types import Image, TextBox

os.environ.setdefault("OMP_THREAD_LIMIT", "1")

import pytesseract

DEFAULT_TIMEOUT_S = 20.0
_PSM = 11
_MIN_CONFIDENCE = 10.0  # Tesseract's 0..100; below this the "word" is mostly texture


def _prepare(image: Image) -> Image:
    grey = image if image.ndim == 2 else cv2.cvtColor(image, cv2.COLOR_RGB2GRAY)
    clahe = cv2.createCLAHE(clipLimit=2.0, tileGridSize=(8, 8))
    return np.asarray(clahe.apply(grey), np.uint8)


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
                _prepare(image),
                lang=self.lang,
                config=f"--psm {_PSM}",
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

    def recognize(self, image: Image) -> list[TextBox]:
        data = self._data(image)
        boxes: list[TextBox] = []
        for i, raw in enumerate(data["text"]):
            text = str(raw).strip()
            conf = float(data["conf"][i])
            if not text or conf < _MIN_CONFIDENCE:
                continue
            x, y = float(data["left"][i]), float(data["top"][i])
            w, h = float(data["width"][i]), float(data["height"][i])
            quad = ((x, y), (x + w, y), (x + w, y + h), (x, y + h))
            boxes.append(TextBox(text, quad, conf / 100.0))
        return boxes

    def detect(self, image: Image) -> list[TextBox]:
        # Tesseract has no separate detector; reading is the only way to find words.
        return self.recognize(image)


def tesseract_version() -> str | None:
    try:
        return str(pytesseract.get_tesseract_version())
    except (pytesseract.TesseractNotFoundError, OSError):
        return None


__all__ = ["TesseractEngine", "tesseract_version"]
