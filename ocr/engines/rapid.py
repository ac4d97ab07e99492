"""RapidOCR: PP-OCR detection and recognition models (ONNX, shipped inside the wheel), run by
onnxruntime on the CPU. It returns one box per text line segment."""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from typing import Any

import numpy as np

from ocr.engines.base import EngineError
from ocr.types import Image, Quad, TextBox

# RapidOCR prints an emoji for a decorative "+" or a CJK glyph now and then; labels here are
# Latin script, so anything else is noise.
_LATIN_MAX = 0x24F
_KEEP = set("µμ®™†‡°±×÷§•·–—’‘“”½¼¾")
# Detector input sizes (see RapidEngine._limit_detection). The pipeline scales a panel crop so
# its text is ~32 px high; at 1920/2400 of that the detector still sees 25 px text.
DETECT_MAX_SIDE = 1920
_DET_MIN_SIDE = 736


def _latin_only(text: str) -> str:
    return "".join(c for c in text if ord(c) <= _LATIN_MAX or c in _KEEP).strip()


def _quad(points: Any) -> Quad:
    p = [(float(x), float(y)) for x, y in np.asarray(points).reshape(4, 2)]
    return (p[0], p[1], p[2], p[3])


class RapidEngine:
    name = "rapidocr"

    def __init__(self, threads: int = 2) -> None:
        try:
            from rapidocr import RapidOCR
        except ImportError as exc:  # pragma: no cover - installed by the project's setup
            raise EngineError(f"rapidocr is not installed: {exc}", code="engine_missing") from exc
        logging.getLogger("RapidOCR").setLevel(logging.ERROR)
        params = {
            "Global.log_level": "error",
            # Orientation is decided for the whole page by the pipeline; the per-line
            # classifier costs ~20% of the time and only flips single lines.
            "Global.use_cls": False,
            "Global.max_side_len": 2400,
            "EngineConfig.onnxruntime.intra_op_num_threads": threads,
            "EngineConfig.onnxruntime.inter_op_num_threads": 1,
        }
        # Typed loosely: the detector limits below are set on RapidOCR's own objects.
        self._ocr: Any = RapidOCR(params=params)
        # The ONNX sessions are not documented as thread-safe; the service's pool gives each
        # call its own thread, so calls are serialised here.
        self._lock = threading.Lock()

    def _limit_detection(self, image: Image) -> None:
        """The detector's input size for this image. RapidOCR's default scales every image up
        to a 736 px short side and no large one down, so a 2400 px crop ran the detector at
        full size: about 0.8 GB of activations, most of the peak memory and of the time.
        Large images are now detected on a copy of at most DETECT_MAX_SIDE; boxes are mapped
        back and the recogniser still reads its line crops from the full image. Small images
        keep the upscaling, which finds small text."""
        detector = self._ocr.text_det
        if detector is None:  # loaded on first use
            detector = self._ocr._load_det_model()
        if min(image.shape[:2]) < _DET_MIN_SIDE:
            detector.limit_type, detector.limit_side_len = "min", _DET_MIN_SIDE
        else:
            detector.limit_type, detector.limit_side_len = "max", DETECT_MAX_SIDE

    def _run(self, image: Image, *, rec: bool) -> list[TextBox]:
        try:
            with self._lock:
                self._limit_detection(image)
                out: Any = self._ocr(image, use_det=True, use_cls=False, use_rec=rec)
        except Exception as exc:  # onnxruntime raises many types
            raise EngineError(f"RapidOCR failed: {exc}") from exc
        if out.boxes is None:
            return []
        if not rec:
            return [TextBox("", _quad(points), 1.0) for points in out.boxes]
        return _read_boxes(out.boxes, out.txts or (), out.scores or (), 0.0)

    def _run_split(self, image: Image, detect_image: Image) -> list[TextBox]:
        """Lines found in `detect_image`, read from the same places in `image`."""
        try:
            with self._lock:
                self._limit_detection(detect_image)
                found: Any = self._ocr(detect_image, use_det=True, use_cls=False, use_rec=False)
                if found.boxes is None or len(found.boxes) == 0:
                    return []
                return self._read_quads(image, found.boxes)
        except Exception as exc:  # onnxruntime raises many types
            raise EngineError(f"RapidOCR failed: {exc}") from exc

    def _read_quads(self, image: Image, quads: Any) -> list[TextBox]:
        crops = self._ocr.crop_text_regions(image, quads)
        read: Any = self._ocr.recognize_txt(crops)
        min_score = float(self._ocr.text_score)
        return _read_boxes(quads, read.txts or (), read.scores or (), min_score)

    def read_quads(self, image: Image, quads: Sequence[Quad]) -> list[TextBox]:
        """The recogniser alone, on lines whose place is already known (four corners each,
        clockwise from the top left), with the text score filter of a full run."""
        if not quads:
            return []
        try:
            with self._lock:
                return self._read_quads(image, np.asarray(quads, dtype=np.float32))
        except Exception as exc:  # onnxruntime raises many types
            raise EngineError(f"RapidOCR failed: {exc}") from exc

    def detect(self, image: Image) -> list[TextBox]:
        return self._run(image, rec=False)

    def recognize(self, image: Image, *, detect_image: Image | None = None) -> list[TextBox]:
        if detect_image is None or detect_image is image:
            return self._run(image, rec=True)
        if detect_image.shape[:2] != image.shape[:2]:
            raise ValueError("detect_image must have the size of the image read")
        return self._run_split(image, detect_image)


def _read_boxes(
    quads: Any, texts: Sequence[str], scores: Sequence[float], min_score: float
) -> list[TextBox]:
    """Boxes with their text, without the lines read as nothing (or as non-Latin noise) and,
    as RapidOCR's own full run does, without those read below its text score."""
    boxes = []
    for points, text, score in zip(quads, texts, scores, strict=False):
        clean = _latin_only(text)
        if clean and float(score) >= min_score:
            boxes.append(TextBox(clean, _quad(points), float(score)))
    return boxes
